/**
 * The metrics.k8s.io/v1beta1 endpoints, built into the API server (no separate metrics-server): get
 * and list of NodeMetrics and PodMetrics (namespaced, across namespaces, labelSelector and
 * fieldSelector applied to the Nodes and Pods themselves). Figures come from each Ready node's agent
 * (GET /stats/summary, see kubelet-stats.ts); a node without an agent endpoint (simulated nodes) or
 * whose agent does not answer is left out of lists, as is a pod that is not Running or whose
 * containers have no CPU rate yet; a get of such an object answers NotFound, as metrics-server does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound } from '../../api/errors.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import type { KubeObject } from '../../api/object.ts';
import { formatQuantity, quantityFromValue } from '../../api/quantity.ts';
import type { CpuStats, MemoryStats, Summary } from '../../node/stats/summary.ts';
import type { ResourceHandlerContext, SubresourceHandler } from '../handlers/resource.ts';
import { renderingFor } from '../http/negotiate.ts';
import { writeJson } from '../http/respond.ts';
import { list } from '../registry/list.ts';
import type { ResourceRequest } from '../request-info.ts';
import { includeObjectFrom, table } from '../tables.ts';
import { metricsGroup, metricsVersion } from './kinds.ts';

/** Where node summaries come from (a KubeletStats). */
export interface SummarySource {
  summary(node: KubeObject): Promise<Summary>;
}

const apiVersion = `${metricsGroup}/${metricsVersion}`;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** A duration as Go prints it for metrics windows: seconds with up to millisecond precision. */
export function formatWindow(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

/** cpu (nanocores) and memory (working set bytes) as Quantities; undefined without a CPU rate. */
export function usageOf(cpu?: CpuStats, memory?: MemoryStats): Record<string, string> | undefined {
  if (cpu?.usageNanoCores === undefined || !memory) return undefined;
  return {
    cpu: `${Math.round(cpu.usageNanoCores)}n`,
    memory: formatQuantity(quantityFromValue(Math.round(memory.workingSetBytes), 'BinarySI')),
  };
}

function isReady(node: KubeObject): boolean {
  const conds = ((node.status ?? {}) as { conditions?: { type?: string; status?: string }[] }).conditions;
  return conds?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** NodeMetrics from a node and its agent's summary; undefined when the summary has no rate yet. */
export function nodeMetrics(node: KubeObject, s: Summary, nowMs: number): KubeObject | undefined {
  const usage = usageOf(s.node.cpu, s.node.memory);
  if (!usage) return undefined;
  return {
    kind: 'NodeMetrics',
    apiVersion,
    metadata: {
      name: node.metadata.name,
      labels: node.metadata.labels ?? {},
      creationTimestamp: rfc3339(nowMs),
    },
    timestamp: s.node.cpu!.time.replace(/\.\d+Z$/, 'Z'),
    window: formatWindow(s.node.cpu!.windowSeconds ?? 0),
    usage,
  };
}

/** PodMetrics from a pod and its node's summary; undefined when the pod or a container lacks figures. */
export function podMetrics(pod: KubeObject, s: Summary, nowMs: number): KubeObject | undefined {
  const m = pod.metadata;
  const ps =
    s.pods.find((p) => m.uid && p.podRef.uid === m.uid) ??
    s.pods.find((p) => !p.podRef.uid && p.podRef.name === m.name && p.podRef.namespace === m.namespace);
  if (!ps || !ps.containers.length) return undefined;
  const containers: { name: string; usage: Record<string, string> }[] = [];
  let window = 0;
  let time = '';
  for (const c of ps.containers) {
    const usage = usageOf(c.cpu, c.memory);
    if (!usage) return undefined;
    containers.push({ name: c.name, usage });
    window = Math.max(window, c.cpu!.windowSeconds ?? 0);
    if (c.cpu!.time > time) time = c.cpu!.time;
  }
  return {
    kind: 'PodMetrics',
    apiVersion,
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: m.labels ?? {},
      creationTimestamp: rfc3339(nowMs),
    },
    timestamp: time.replace(/\.\d+Z$/, 'Z'),
    window: formatWindow(window),
    containers,
  };
}

function write(
  req: IncomingMessage,
  res: ServerResponse,
  kind: KindDef,
  q: URLSearchParams,
  items: KubeObject[] | KubeObject,
): void {
  const many = Array.isArray(items);
  if (renderingFor(req.headers.accept) === 'table') {
    writeJson(res, 200, table(kind, many ? items : [items], {}, includeObjectFrom(q)));
    return;
  }
  writeJson(res, 200, many ? { kind: kind.listKind, apiVersion, metadata: {}, items } : items);
}

/** Handlers for `nodes` and `pods` of metrics.k8s.io (keys as the resource handler looks them up). */
export function metricsApiHandlers(
  source: SummarySource,
  log?: (obj: object, msg: string) => void,
): Map<string, SubresourceHandler> {
  const summaryOf = async (node: KubeObject): Promise<Summary | undefined> => {
    if (!isReady(node)) return undefined;
    try {
      return await source.summary(node);
    } catch (err) {
      log?.({ err, node: node.metadata.name }, 'reading node stats failed');
      return undefined;
    }
  };
  const selectors = (q: URLSearchParams) => ({
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
  });

  const nodes: SubresourceHandler = async (req, res, info, kind, c, q) => {
    const store = c.api.resource('', 'nodes');
    if (info.verb === 'get') {
      const node = await store.get('', info.name).catch(() => undefined);
      const s = node && (await summaryOf(node));
      const m = node && s && nodeMetrics(node, s, Date.now());
      if (!m) throw notFound('nodes', metricsGroup, info.name);
      return write(req, res, kind, q, m);
    }
    const all = (await list(store, '', selectors(q))).items;
    const found = await Promise.all(all.map(async (n) => ({ n, s: await summaryOf(n) })));
    const now = Date.now();
    const items = found.flatMap(({ n, s }) => (s ? (nodeMetrics(n, s, now) ?? []) : []));
    write(req, res, kind, q, items);
  };

  const pods: SubresourceHandler = async (
    req: IncomingMessage,
    res: ServerResponse,
    info: ResourceRequest,
    kind: KindDef,
    c: ResourceHandlerContext,
    q: URLSearchParams,
  ) => {
    const store = c.api.resource('', 'pods');
    const running = (p: KubeObject) =>
      (p.status as { phase?: string } | undefined)?.phase === 'Running' &&
      !!(p.spec as { nodeName?: string } | undefined)?.nodeName;
    const nodeOf = (p: KubeObject) => (p.spec as { nodeName: string }).nodeName;
    const nodeCache = new Map<string, Promise<Summary | undefined>>();
    const summaryFor = (name: string) => {
      let s = nodeCache.get(name);
      if (!s) {
        s = c.api
          .resource('', 'nodes')
          .get('', name)
          .then(summaryOf, () => undefined);
        nodeCache.set(name, s);
      }
      return s;
    };
    if (info.verb === 'get') {
      const pod = await store.get(info.namespace, info.name).catch(() => undefined);
      const s = pod && running(pod) ? await summaryFor(nodeOf(pod)) : undefined;
      const m = pod && s && podMetrics(pod, s, Date.now());
      if (!m) throw notFound('pods', metricsGroup, info.name);
      return write(req, res, kind, q, m);
    }
    const all = (await list(store, info.namespace, selectors(q))).items.filter(running);
    const found = await Promise.all(all.map(async (p) => ({ p, s: await summaryFor(nodeOf(p)) })));
    const now = Date.now();
    const items = found.flatMap(({ p, s }) => (s ? (podMetrics(p, s, now) ?? []) : []));
    write(req, res, kind, q, items);
  };

  return new Map([
    [`${metricsGroup}/nodes/`, nodes],
    [`${metricsGroup}/pods/`, pods],
  ]);
}
