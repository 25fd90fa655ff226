import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rig } from '../endpointslice/testing.ts';
import type { Endpoints, Pod, Service } from '../endpointslice/types.ts';
import { endpointsController, type EndpointsController } from './controller.ts';

const ns = 'default';

function svcObj(name: string, spec: Partial<NonNullable<Service['spec']>> = {}, namespace = ns): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: {
      clusterIP: '10.96.0.10',
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }],
      ...spec,
    },
  };
}

function podObj(
  name: string,
  ip: string,
  o: { ready?: boolean; port?: number; deleting?: boolean } = {},
): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: 'web' } },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
  if (o.deleting) pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  return pod;
}

async function setup(): Promise<{ rig: Rig; c: EndpointsController }> {
  const rig = new Rig();
  const c = endpointsController();
  c.init(rig.ctx);
  return { rig, c };
}

const endpoints = (rig: Rig, name = 'web'): Endpoints | undefined =>
  rig.stored<Endpoints>('endpoints', ns).find((e) => e.metadata.name === name);

const ips = (list: { ip: string }[] | undefined): string[] => (list ?? []).map((a) => a.ip);

test('Endpoints list ready pods as addresses and the others as notReadyAddresses; terminating pods are left out', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  const a = await rig.seed('pods', podObj('a', '10.244.0.10'));
  await rig.seed('pods', podObj('b', '10.244.0.9'));
  await rig.seed('pods', podObj('c', '10.244.0.3', { ready: false }));
  await rig.seed('pods', podObj('d', '10.244.0.4', { deleting: true }));
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), ['create endpoints']);
  const ep = endpoints(rig)!;
  assert.equal(ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true');
  assert.equal(ep.subsets!.length, 1);
  const [ss] = ep.subsets!;
  assert.deepEqual(ips(ss!.addresses), ['10.244.0.9', '10.244.0.10']);
  assert.deepEqual(ips(ss!.notReadyAddresses), ['10.244.0.3']);
  assert.deepEqual(ss!.ports, [{ port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(ss!.addresses![1], {
    ip: '10.244.0.10',
    nodeName: 'n1',
    targetRef: { kind: 'Pod', namespace: ns, name: 'a', uid: a.metadata.uid },
  });
});

test('publishNotReadyAddresses puts every pod, terminating ones too, under addresses', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web', { publishNotReadyAddresses: true }));
  await rig.seed('pods', podObj('a', '10.244.0.2', { ready: false }));
  await rig.seed('pods', podObj('b', '10.244.0.3', { deleting: true }));
  await c.reconcile(`${ns}/web`);
  const [ss] = endpoints(rig)!.subsets!;
  assert.deepEqual(ips(ss!.addresses), ['10.244.0.2', '10.244.0.3']);
  assert.equal(ss!.notReadyAddresses, undefined);
});

test('pods resolving a named port differently land in separate subsets', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  await rig.seed('pods', podObj('a', '10.244.0.2', { port: 8080 }));
  await rig.seed('pods', podObj('b', '10.244.0.3', { port: 9090 }));
  await c.reconcile(`${ns}/web`);
  const got = endpoints(rig)!
    .subsets!.map((s) => `${ips(s.addresses).join(',')}:${s.ports![0]!.port}`)
    .sort();
  assert.deepEqual(got, ['10.244.0.2:8080', '10.244.0.3:9090']);
});

test('unchanged Endpoints are not rewritten; a change updates in place; no pods leaves empty subsets', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  const a = await rig.seed('pods', podObj('a', '10.244.0.2'));
  await c.reconcile(`${ns}/web`);
  rig.syncCache('endpoints');
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), []);
  rig.event('pods', 'DELETED', a);
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), ['update endpoints/web']);
  assert.deepEqual(endpoints(rig)!.subsets, []);
});

test('a stale cache that misses the Endpoints updates the live object instead of failing', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('web'));
  await rig.client.resource('', 'v1', 'endpoints').create(ns, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: ns },
  });
  await rig.seed('pods', podObj('a', '10.244.0.2'));
  rig.reset();
  await c.reconcile(`${ns}/web`);
  assert.deepEqual(rig.writes(), ['create endpoints', 'update endpoints/web']);
  assert.deepEqual(ips(endpoints(rig)!.subsets![0]!.addresses), ['10.244.0.2']);
});

test('selector-less Services, their Endpoints and default/kubernetes are never touched', async () => {
  const { rig, c } = await setup();
  await rig.seed('services', svcObj('manual', { selector: undefined }));
  await rig.seed('services', svcObj('kubernetes', { selector: undefined }, 'default'));
  await rig.seed<Endpoints>('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'manual', namespace: ns },
    subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80, protocol: 'TCP' }] }],
  });
  await rig.seed<Endpoints>('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '192.0.2.9' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  });
  rig.reset();
  await c.reconcile(`${ns}/manual`);
  await c.reconcile('default/kubernetes');
  // Even with the Service gone, the API server's Endpoints stay.
  rig.event(
    'services',
    'DELETED',
    rig.stored<Service>('services', 'default').find((s) => s.metadata.name === 'kubernetes')!,
  );
  await c.reconcile('default/kubernetes');
  assert.deepEqual(rig.writes(), []);
});

test('Endpoints this controller wrote go with their Service; user Endpoints without a Service stay', async () => {
  const { rig, c } = await setup();
  const svc = await rig.seed('services', svcObj('web'));
  await c.reconcile(`${ns}/web`);
  rig.syncCache('endpoints');
  await rig.seed<Endpoints>('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'orphan', namespace: ns },
  });
  rig.event('services', 'DELETED', svc);
  rig.reset();
  await c.reconcile(`${ns}/web`);
  await c.reconcile(`${ns}/orphan`);
  assert.deepEqual(rig.writes(), ['delete endpoints/web']);
});
