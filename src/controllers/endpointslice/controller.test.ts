import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointSliceController, type EndpointSliceController } from './controller.ts';
import { Rig } from './testing.ts';
import type { EndpointSlice, Node, Pod, Service } from './types.ts';

const ns = 'default';

function svcObj(name: string, spec: Partial<NonNullable<Service['spec']>> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { team: 'a' } },
    spec: {
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      ...spec,
    },
  };
}

interface PodOpts {
  ip?: string;
  ready?: boolean;
  labels?: Record<string, string>;
  node?: string;
  httpPort?: number;
  deleting?: boolean;
  phase?: string;
}

function podObj(name: string, o: PodOpts = {}): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: o.node ?? 'n1',
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: o.httpPort ?? 8080 }] }],
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
  if (o.ip !== '') pod.status!.podIP = o.ip ?? '10.244.0.1';
  if (o.deleting) pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  return pod;
}

async function setup(): Promise<{ rig: Rig; c: EndpointSliceController }> {
  const rig = new Rig();
  const c = endpointSliceController();
  c.init(rig.ctx);
  return { rig, c };
}

const slices = (rig: Rig): EndpointSlice[] => rig.stored<EndpointSlice>('endpointslices', ns);

test('a Service with a selector gets one slice listing its pods with conditions, targetRef, node and zone', async () => {
  const { rig, c } = await setup();
  const svc = await rig.seed('services', svcObj('web'));
  await rig.seed<Node>('nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } },
  });
  const p1 = await rig.seed('pods', podObj('web-1', { ip: '10.244.0.2' }));
  await rig.seed('pods', podObj('web-2', { ip: '10.244.0.3', ready: false }));
  await rig.seed('pods', podObj('web-3', { ip: '' })); // no IP yet: skipped
  await rig.seed('pods', podObj('web-4', { ip: '10.244.0.9', phase: 'Succeeded' })); // finished: skipped
  await rig.seed('pods', podObj('other', { ip: '10.244.0.4', labels: { app: 'db' } }));
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), ['create endpointslices']);
  const [s] = slices(rig);
  assert.equal(s!.metadata.name, 'web-' + s!.metadata.name!.slice(4));
  assert.equal(s!.addressType, 'IPv4');
  assert.deepEqual(s!.metadata.labels, {
    team: 'a',
    'kubernetes.io/service-name': 'web',
    'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
  });
  assert.deepEqual(s!.metadata.ownerReferences, [
    {
      apiVersion: 'v1',
      kind: 'Service',
      name: 'web',
      uid: svc.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.deepEqual(s!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(s!.endpoints, [
    {
      addresses: ['10.244.0.2'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: ns, name: 'web-1', uid: p1.metadata.uid },
      nodeName: 'n1',
      zone: 'z1',
    },
    {
      addresses: ['10.244.0.3'],
      conditions: { ready: false, serving: false, terminating: false },
      targetRef: { kind: 'Pod', namespace: ns, name: 'web-2', uid: s!.endpoints[1]!.targetRef!.uid },
      nodeName: 'n1',
      zone: 'z1',
    },
  ]);
});

test('terminating pods stay with serving per readiness and ready=false; publishNotReadyAddresses makes all ready', async () => {
  const cases: { publish: boolean; want: [boolean, boolean, boolean][] }[] = [
    {
      publish: false,
      want: [
        [false, true, true],
        [false, false, false],
      ],
    },
    {
      publish: true,
      want: [
        [true, true, true],
        [true, false, false],
      ],
    },
  ];
  for (const { publish, want } of cases) {
    const { rig, c } = await setup();
    await rig.seed('services', svcObj('web', { publishNotReadyAddresses: publish }));
    await rig.seed('pods', podObj('a', { ip: '10.244.0.2', deleting: true }));
    await rig.seed('pods', podObj('b', { ip: '10.244.0.3', ready: false }));
    await c.reconcile(`${ns}/web`);
    const got = slices(rig)[0]!.endpoints.map((e) => [
      e.conditions.ready,
      e.conditions.serving,
      e.conditions.terminating,
    ]);
    assert.deepEqual(got, want, `publishNotReadyAddresses=${publish}`);
  }
});

test('a named targetPort resolves per pod: different numbers make separate slices', async () => {
  const { rig, c } = await setup();
  await rig.seed(
    'services',
    svcObj('web', { ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 'http' }] }),
  );
  await rig.seed('pods', podObj('a', { ip: '10.244.0.2', httpPort: 8080 }));
  await rig.seed('pods', podObj('b', { ip: '10.244.0.3', httpPort: 9090 }));
  await rig.seed('pods', podObj('c', { ip: '10.244.0.4', httpPort: 8080 }));
  await c.reconcile(`${ns}/web`);
  const got = slices(rig)
    .map((s) => `${s.ports[0]!.port}:${s.endpoints.map((e) => e.addresses[0]).join(',')}`)
    .sort();
  assert.deepEqual(got, ['8080:10.244.0.2,10.244.0.4', '9090:10.244.0.3']);
});

test('a headless Service gets slices too, labelled headless; one without ports gets port-less slices', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('db', { clusterIP: 'None', ports: [] }));
  await rig.seed('pods', podObj('a', { ip: '10.244.0.2' }));
  await c.reconcile(`${ns}/db`);
  const [s] = slices(rig);
  assert.equal(s!.metadata.labels?.['service.kubernetes.io/headless'], '');
  assert.deepEqual(s!.ports, []);
  assert.equal(s!.endpoints.length, 1);
});

test('Services without a selector are left alone; slices made earlier go when the selector is removed', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('ext', { selector: undefined }));
  await rig.seed('pods', podObj('a'));
  rig.reset();
  await c.reconcile(`${ns}/ext`);
  assert.deepEqual(rig.writes(), []);

  await rig.seed('services', svcObj('web'));
  await c.reconcile(`${ns}/web`);
  rig.syncCache('endpointslices');
  const svc = structuredClone(rig.stored<Service>('services', ns).find((s) => s.metadata.name === 'web')!);
  delete svc.spec!.selector;
  rig.event('services', 'MODIFIED', svc);
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(
    rig.writes().map((w) => w.replace(/\/.*/, '')),
    ['delete endpointslices'],
  );
});

test('changes update the existing slice in place; a second pass with a fresh cache writes nothing', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  for (let i = 1; i <= 3; i++) await rig.seed('pods', podObj(`p${i}`, { ip: `10.244.0.${i + 1}` }));
  await c.reconcile(`${ns}/web`);
  rig.syncCache('endpointslices');
  const name = slices(rig)[0]!.metadata.name;
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), []);

  const p2 = rig.stored<Pod>('pods', ns).find((p) => p.metadata.name === 'p2')!;
  p2.status!.conditions = [{ type: 'Ready', status: 'False' }];
  rig.event('pods', 'MODIFIED', p2);
  rig.event(
    'pods',
    'DELETED',
    rig.stored<Pod>('pods', ns).find((p) => p.metadata.name === 'p3')!,
  );
  assert.ok(c.queued() >= 1);
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), [`update endpointslices/${name}`]);
  const [s] = slices(rig);
  assert.deepEqual(
    s!.endpoints.map((e) => `${e.targetRef!.name}:${e.conditions.ready}`),
    ['p1:true', 'p2:false'],
  );
});

test('at most 100 endpoints per slice; removing some updates only the slice that held them', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  const pods: Pod[] = [];
  for (let i = 0; i < 150; i++)
    pods.push(
      await rig.seed('pods', podObj(`p${String(i).padStart(3, '0')}`, { ip: `10.244.${i >> 8}.${i & 255}` })),
    );
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(
    slices(rig)
      .map((s) => s.endpoints.length)
      .sort((a, b) => a - b),
    [50, 100],
  );
  rig.syncCache('endpointslices');
  const full = slices(rig).find((s) => s.endpoints.length === 100)!;
  const gone = new Set(full.endpoints.slice(0, 5).map((e) => e.targetRef!.name));
  for (const p of pods.filter((p) => gone.has(p.metadata.name ?? ''))) rig.event('pods', 'DELETED', p);
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.equal(rig.writes().length, 1);
  assert.equal(rig.writes()[0], `update endpointslices/${full.metadata.name}`);
  assert.deepEqual(
    slices(rig)
      .map((s) => s.endpoints.length)
      .sort((a, b) => a - b),
    [50, 95],
  );
});

test('a Service without endpoints keeps one empty placeholder slice', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  await c.reconcile(`${ns}/web`);
  const [s] = slices(rig);
  assert.equal(slices(rig).length, 1);
  assert.deepEqual([s!.endpoints, s!.ports], [[], []]);
  rig.syncCache('endpointslices');
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), []);
});

test('no second create while the informer has not shown the first: the key is requeued instead', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  await rig.seed('pods', podObj('a'));
  await c.reconcile(`${ns}/web`);
  rig.reset();
  const r = await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), []);
  assert.ok(r && r.requeueAfterMs > 0);
  // The create arrives through the watch: planning resumes and finds nothing to do.
  rig.event('endpointslices', 'ADDED', slices(rig)[0]!);
  assert.equal(await c.reconcile(`${ns}/web`), undefined);
  assert.deepEqual(rig.writes(), []);
});

test('pod events enqueue the Services that select the pod now or before', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  await rig.seed('services', svcObj('db', { selector: { app: 'db' } }));
  const pod = await rig.seed('pods', podObj('a', { labels: { app: 'web' } }));
  assert.equal(c.queued(), 0);
  const moved = structuredClone(pod);
  moved.metadata.labels = { app: 'db' };
  moved.metadata.resourceVersion = '999';
  rig.event('pods', 'MODIFIED', moved); // leaves web, joins db
  assert.equal(c.queued(), 2);
  rig.event('pods', 'MODIFIED', moved); // a resync: same resourceVersion, nothing new
  assert.equal(c.queued(), 2);
});
