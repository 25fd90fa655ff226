import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Summary } from '../../node/stats/summary.ts';
import type { UserInfo } from '../authn/user.ts';
import type { ResourceHandlerContext } from '../handlers/resource.ts';
import type { ResourceRequest, Verb } from '../request-info.ts';
import { ctx, newApi, pod } from '../test-fixtures.ts';
import type { Api } from '../api.ts';
import { formatWindow, metricsApiHandlers, nodeMetrics, podMetrics, usageOf } from './handlers.ts';
import { nodeMetricsKind, podMetricsKind, registerMetricsKinds } from './kinds.ts';

const t = '2026-01-01T00:00:10.500Z';
const cpu = (n?: number) => ({ time: t, usageCoreNanoSeconds: 1, usageNanoCores: n, windowSeconds: 10.5 });
const mem = (b: number) => ({ time: t, workingSetBytes: b });

function summary(uid: string): Summary {
  return {
    node: { nodeName: 'n1', cpu: cpu(1_500_000_000), memory: mem(2 * 1024 ** 3) },
    pods: [
      {
        podRef: { name: 'web', namespace: 'default', uid },
        containers: [{ name: 'web', cpu: cpu(250_000_000), memory: mem(10 * 1024 * 1024) }],
      },
    ],
  };
}

test('usageOf and formatWindow: nanocores and binary bytes as Quantities; no rate, no usage', () => {
  assert.deepEqual(usageOf(cpu(5), mem(1024)), { cpu: '5n', memory: '1Ki' });
  assert.deepEqual(usageOf(cpu(0), mem(1000)), { cpu: '0n', memory: '1k' });
  assert.equal(usageOf(cpu(undefined), mem(1)), undefined);
  assert.equal(usageOf(cpu(1), undefined), undefined);
  assert.equal(formatWindow(10.5), '10.5s');
  assert.equal(formatWindow(2.0004), '2s');
});

test('nodeMetrics and podMetrics: metrics.k8s.io objects from a summary', () => {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { a: 'b' } } };
  const nm = nodeMetrics(node, summary('u1'), Date.parse('2026-01-01T00:00:11Z'))!;
  assert.deepEqual(nm, {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: 'n1', labels: { a: 'b' }, creationTimestamp: '2026-01-01T00:00:11Z' },
    timestamp: '2026-01-01T00:00:10Z',
    window: '10.5s',
    usage: { cpu: '1500000000n', memory: '2Gi' },
  });
  const p = { ...pod('web', 'n1'), metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
  assert.deepEqual(podMetrics(p, summary('u1'), 0)?.containers, [
    { name: 'web', usage: { cpu: '250000000n', memory: '10Mi' } },
  ]);
  // Another pod of the same name (a different uid) has no figures.
  assert.equal(podMetrics(p, summary('other'), 0), undefined);
});

let api: Api;
let done: () => Promise<void>;
const asked: string[] = [];
let webUid = '';
const handlers = metricsApiHandlers({
  summary: async (n) => {
    asked.push(n.metadata.name ?? '');
    if (n.metadata.name === 'broken') throw new Error('agent down');
    return summary(webUid);
  },
});

before(async () => {
  ({ api, done } = newApi());
  registerMetricsKinds(api.registry);
  const nodes = api.resource('', 'nodes');
  const ready = (status: string) => ({ conditions: [{ type: 'Ready', status }] });
  for (const [name, status] of [
    ['n1', 'True'],
    ['broken', 'True'],
    ['down', 'False'],
  ])
    await nodes.create(
      '',
      { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: ready(status) },
      ctx(),
    );
  const pods = api.resource('', 'pods');
  for (const [name, phase] of [
    ['web', 'Running'],
    ['pending', 'Pending'],
  ]) {
    const created = (await pods.create('default', pod(name, 'n1'), ctx())).obj;
    if (name === 'web') webUid = created.metadata.uid!;
    await pods.update('default', name, { ...created, status: { phase } }, ctx(), 'status');
  }
});

after(() => done());

async function call(kind: typeof nodeMetricsKind, verb: Verb, namespace: string, name: string, query = '') {
  const info: ResourceRequest = {
    isResourceRequest: true,
    verb,
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    namespace,
    resource: kind.resource,
    name,
    subresource: '',
  };
  let body = '';
  const res = {
    headersSent: false,
    writeHead: () => res,
    end: (b?: Buffer) => (body = b?.toString() ?? ''),
  } as unknown as ServerResponse;
  const req = { headers: {} } as IncomingMessage;
  const c: ResourceHandlerContext = {
    api,
    user: { name: 'u', groups: [] } as UserInfo,
    subresources: new Map(),
  };
  await handlers.get(`metrics.k8s.io/${kind.resource}/`)!(
    req,
    res,
    info,
    kind,
    c,
    new URLSearchParams(query),
  );
  return JSON.parse(body) as { kind: string; items?: KubeObject[]; metadata: { name?: string } };
}

test('NodeMetrics list: Ready nodes whose agent answers; get of another node is NotFound', async () => {
  asked.length = 0;
  const l = await call(nodeMetricsKind, 'list', '', '');
  assert.equal(l.kind, 'NodeMetricsList');
  assert.deepEqual(
    l.items?.map((i) => i.metadata.name),
    ['n1'],
  );
  assert.deepEqual(asked.sort(), ['broken', 'n1']);
  assert.equal((await call(nodeMetricsKind, 'get', '', 'n1')).metadata.name, 'n1');
  await assert.rejects(
    call(nodeMetricsKind, 'get', '', 'down'),
    (e: unknown) => e instanceof StatusError && e.status.code === 404,
  );
});

test('PodMetrics: Running pods with figures, labelSelector honoured, get by name', async () => {
  const l = await call(podMetricsKind, 'list', 'default', '');
  assert.equal(l.kind, 'PodMetricsList');
  assert.deepEqual(
    l.items?.map((i) => i.metadata.name),
    ['web'],
  );
  const none = await call(podMetricsKind, 'list', '', '', 'labelSelector=app%3Dnope');
  assert.deepEqual(none.items, []);
  assert.equal((await call(podMetricsKind, 'get', 'default', 'web')).metadata.name, 'web');
  await assert.rejects(
    call(podMetricsKind, 'get', 'default', 'pending'),
    (e: unknown) => e instanceof StatusError && e.status.code === 404,
  );
});
