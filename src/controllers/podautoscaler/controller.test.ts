import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { informerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type {
  Transport,
  TransportRequest,
  TransportResponse,
  TransportStream,
} from '../../client/transport.ts';
import type { ControllerContext } from '../types.ts';
import { PodAutoscalerController } from './controller.ts';
import type { HorizontalPodAutoscaler, Scale } from './types.ts';

const ns = 'default';
const json = (status: number, body: unknown): TransportResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
});

/** The FakeApi plus what it lacks here: Deployment's scale subresource and metrics.k8s.io. */
class MetricsApi implements Transport {
  readonly fake = new FakeApi();
  replicas = 2;
  readonly puts: number[] = [];
  /** Pod name → cpu usage. */
  usage = new Map<string, string>();

  async request(req: TransportRequest): Promise<TransportResponse> {
    if (req.path === `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`) {
      if (req.method === 'PUT') {
        this.replicas = (req.body as Scale).spec!.replicas!;
        this.puts.push(this.replicas);
      }
      return json(200, this.scale());
    }
    if (req.path === `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`) {
      assert.equal(req.query?.get('labelSelector'), 'app=web');
      return json(200, {
        kind: 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        items: [...this.usage].map(([name, cpu]) => ({
          metadata: { name, namespace: ns },
          containers: [{ name: 'c', usage: { cpu, memory: '10Mi' } }],
        })),
      });
    }
    return this.fake.request(req);
  }
  stream(req: TransportRequest): Promise<TransportStream> {
    return this.fake.stream(req);
  }
  scale(): Scale {
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: ns },
      spec: { replicas: this.replicas },
      status: { replicas: this.replicas, selector: 'app=web' },
    };
  }
}

function setup() {
  const api = new MetricsApi();
  const client = new Client(api);
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const informers = informerFactory(client, { clock, logger: silentLogger });
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new EventRecorder({ client, component, clock, logger: silentLogger }),
    log: silentLogger,
    clock,
    signal: new AbortController().signal,
  };
  const c = new PodAutoscalerController();
  c.init(ctx);
  const hpaInf = informers.forResource<HorizontalPodAutoscaler>(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
  );
  const podInf = informers.forResource('', 'v1', 'pods');
  const hpa: HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: ns, generation: 1, uid: 'u1', resourceVersion: '1' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
    },
  };
  const setPods = (n: number): void => {
    for (const k of podInf.store.listKeys()) podInf.store.deleteKey(k);
    for (let i = 0; i < n; i++)
      podInf.store.upsert({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `web-${i}`, namespace: ns, labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      } as KubeObject);
  };
  return { api, c, clock, hpaInf, hpa, setPods };
}

test('scales up on high CPU, records the event and status, then holds a scale-down for the window', async () => {
  const { api, c, clock, hpaInf, hpa, setPods } = setup();
  const created = await new Client(api)
    .resource<HorizontalPodAutoscaler>('autoscaling', 'v2', 'horizontalpodautoscalers')
    .create(ns, hpa);
  hpaInf.store.upsert(created);
  setPods(2);
  api.usage.set('web-0', '100m').set('web-1', '100m');
  const r = await c.reconcile(`${ns}/web`);
  assert.deepEqual(r, { requeueAfterMs: 15_000 });
  assert.deepEqual(api.puts, [4]);
  await new Promise((res) => setImmediate(res));
  const events = api.fake
    .list('events')
    .map((e) => `${(e as { reason?: string }).reason}: ${(e as { message?: string }).message}`);
  assert.ok(
    events.includes(
      'SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target',
    ),
    events.join('\n'),
  );
  const stored = api.fake.list('horizontalpodautoscalers')[0] as HorizontalPodAutoscaler;
  assert.equal(stored.status?.desiredReplicas, 4);
  assert.equal(stored.status?.currentReplicas, 2);
  assert.deepEqual(stored.status?.currentMetrics, [
    {
      type: 'Resource',
      resource: { name: 'cpu', current: { averageValue: '100m', averageUtilization: 100 } },
    },
  ]);
  assert.deepEqual(
    stored.status?.conditions?.map((x) => [x.type, x.status, x.reason]),
    [
      ['AbleToScale', 'True', 'SucceededRescale'],
      ['ScalingActive', 'True', 'ValidMetricFound'],
      ['ScalingLimited', 'False', 'DesiredWithinRange'],
    ],
  );

  // Load drops: the 300 s stabilization window keeps 4 until the high recommendation ages out.
  hpaInf.store.upsert(stored);
  setPods(4);
  for (let i = 0; i < 4; i++) api.usage.set(`web-${i}`, '10m');
  clock.advance(60_000);
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(api.puts, [4]);
  clock.advance(300_000);
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(api.puts, [4, 1]);
});

test('metrics it cannot read leave the scale alone and say why', async () => {
  const { api, c, hpaInf, hpa, setPods } = setup();
  hpa.spec.metrics = [
    { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
  ];
  const created = await new Client(api)
    .resource<HorizontalPodAutoscaler>('autoscaling', 'v2', 'horizontalpodautoscalers')
    .create(ns, hpa);
  hpaInf.store.upsert(created);
  setPods(2);
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(api.puts, []);
  const stored = api.fake.list('horizontalpodautoscalers')[0] as HorizontalPodAutoscaler;
  const active = stored.status?.conditions?.find((x) => x.type === 'ScalingActive');
  assert.equal(active?.status, 'False');
  assert.match(active?.message ?? '', /no custom or external metrics API/);
});

test('above maxReplicas the target is brought back to the maximum', async () => {
  const { api, c, hpaInf, hpa, setPods } = setup();
  api.replicas = 12;
  const created = await new Client(api)
    .resource<HorizontalPodAutoscaler>('autoscaling', 'v2', 'horizontalpodautoscalers')
    .create(ns, hpa);
  hpaInf.store.upsert(created);
  setPods(12);
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(api.puts, [10]);
});
