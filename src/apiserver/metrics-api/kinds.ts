/**
 * metrics.k8s.io/v1beta1 as kinds of the registry: NodeMetrics (`nodes`, cluster-scoped) and
 * PodMetrics (`pods`, namespaced), read-only (get, list) and served by handlers rather than stored —
 * so discovery lists them (kubectl top looks for the group there) and RBAC sees ordinary requests.
 * Schemas for `kubectl explain` and table columns for `kubectl get nodes.metrics.k8s.io`.
 */
import type { Column, KindDef } from '../../api/kinds/types.ts';
import type { KindRegistry } from '../../api/kinds/registry.ts';
import type { KubeObject } from '../../api/object.ts';
import { kindSchema, listSchema } from '../../api/schema/kind.ts';
import { s, type Definitions } from '../../api/schema/types.ts';

export const metricsGroup = 'metrics.k8s.io';
export const metricsVersion = 'v1beta1';
const P = 'io.k8s.metrics.pkg.apis.metrics.v1beta1.';
const gv = { group: metricsGroup, version: metricsVersion };

const usage = s.mapOf(
  s.quantity('Usage of one resource.'),
  'Resource usage: cpu (cores) and memory (bytes).',
);
const timestamp = s.time('When the figures were read (the end of the window).');
const window = s.str('The interval the CPU rate is averaged over, as a duration (e.g. 10.5s).');

export const metricsDefinitions: Definitions = {
  [P + 'NodeMetrics']: kindSchema({ ...gv, kind: 'NodeMetrics' }, 'Resource usage of a node.', {
    timestamp,
    window,
    usage,
  }),
  [P + 'NodeMetricsList']: listSchema({ ...gv, kind: 'NodeMetrics' }, P + 'NodeMetrics'),
  [P + 'PodMetrics']: kindSchema({ ...gv, kind: 'PodMetrics' }, 'Resource usage of a pod.', {
    timestamp,
    window,
    containers: s.list(s.ref(P + 'ContainerMetrics'), 'Usage of each container of the pod.'),
  }),
  [P + 'PodMetricsList']: listSchema({ ...gv, kind: 'PodMetrics' }, P + 'PodMetrics'),
  [P + 'ContainerMetrics']: s.obj(
    { name: s.str('Container name.'), usage },
    'Resource usage of a container.',
    ['name', 'usage'],
  ),
};

type Usage = Record<string, string>;
const usageOf = (o: KubeObject): Usage => (o.usage ?? {}) as Usage;
const podUsage = (o: KubeObject, r: string): string => {
  const cs = (o.containers ?? []) as { usage?: Usage }[];
  return cs.map((c) => c.usage?.[r] ?? '').join(',');
};

const col = (name: string, description: string, cell: Column['cell']): Column => ({
  name,
  type: 'string',
  description,
  priority: 0,
  cell,
});

const common = {
  group: metricsGroup,
  version: metricsVersion,
  verbs: ['get', 'list'],
  virtual: true,
  strategy: {},
} as const;

export const nodeMetricsKind: KindDef = {
  ...common,
  verbs: [...common.verbs],
  kind: 'NodeMetrics',
  listKind: 'NodeMetricsList',
  resource: 'nodes',
  singular: '',
  namespaced: false,
  schema: P + 'NodeMetrics',
  columns: [
    col('CPU', 'CPU in use (cores).', (o) => usageOf(o).cpu ?? ''),
    col('Memory', 'Memory in use (working set).', (o) => usageOf(o).memory ?? ''),
    col('Window', 'Interval the CPU rate covers.', (o) => String(o.window ?? '')),
  ],
};

export const podMetricsKind: KindDef = {
  ...common,
  verbs: [...common.verbs],
  kind: 'PodMetrics',
  listKind: 'PodMetricsList',
  resource: 'pods',
  singular: '',
  namespaced: true,
  schema: P + 'PodMetrics',
  columns: [
    col('CPU', 'CPU in use per container (cores).', (o) => podUsage(o, 'cpu')),
    col('Memory', 'Memory in use per container (working set).', (o) => podUsage(o, 'memory')),
    col('Window', 'Interval the CPU rate covers.', (o) => String(o.window ?? '')),
  ],
};

/** Adds the metrics.k8s.io kinds and their schemas to `registry` (before the server serves discovery). */
export function registerMetricsKinds(registry: KindRegistry): void {
  Object.assign(registry.definitions, metricsDefinitions);
  registry.add(nodeMetricsKind);
  registry.add(podMetricsKind);
}
