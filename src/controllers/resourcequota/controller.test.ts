import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { informerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import { resourceQuotaController } from './controller.ts';

type Obj = Record<string, unknown>;
const ns = 'team';

/** A FakeApi serving what the controller reads, informers the test fills, and the controller. */
function rig() {
  const api = new FakeApi([
    ...defaultFakeResources,
    { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true },
    { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
    {
      group: '',
      version: 'v1',
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespaced: true,
    },
  ]);
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
  const c = resourceQuotaController({ resyncMs: 60_000 });
  c.init(ctx);
  /** Creates objects in the fake API and makes the informer of their resource hold exactly them (synced). */
  const fill = async (group: string, resource: string, objs: KubeObject[]): Promise<KubeObject[]> => {
    const rc = client.resource(group, 'v1', resource);
    const stored: KubeObject[] = [];
    for (const o of objs) stored.push(await rc.create(o.metadata.namespace, o));
    informers.forResource(group, 'v1', resource).replace(stored, api.resourceVersion);
    return stored;
  };
  const writes = (): { what: string; body: unknown }[] =>
    api
      .writes()
      .filter((a) => a.resource !== 'events')
      .map((a) => ({
        what: `${a.verb} ${a.resource}/${a.name}${a.subresource ? '/' + a.subresource : ''}`,
        body: a.body,
      }));
  return { api, client, informers, c, fill, writes };
}

function quota(name: string, hard: Record<string, string>, extra: Obj = {}, status?: Obj): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: ns },
    spec: { hard, ...extra },
    ...(status ? { status } : {}),
  };
}

function pod(name: string, cpu?: string, extra: { status?: Obj; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ...(cpu ? { resources: { requests: { cpu } } } : {}) }],
    },
    status: extra.status ?? { phase: 'Running' },
  };
}

const obj = (apiVersion: string, kind: string, name: string, spec: Obj = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: ns },
  spec,
});

async function emptySources(r: ReturnType<typeof rig>): Promise<void> {
  await r.fill('', 'pods', []);
  await r.fill('', 'services', []);
  await r.fill('', 'persistentvolumeclaims', []);
}

test('status.hard mirrors spec.hard and status.used counts what the namespace holds', async () => {
  const r = rig();
  await r.fill('', 'pods', [
    pod('a', '200m'),
    pod('b', '300m'),
    pod('done', '1', { status: { phase: 'Succeeded' } }),
    pod('leaving', '1', { deleting: true }),
    { ...pod('elsewhere', '1'), metadata: { name: 'elsewhere', namespace: 'other' } },
  ]);
  await r.fill('', 'services', [
    obj('v1', 'Service', 'np', { type: 'NodePort', ports: [{ port: 80 }, { port: 81 }] }),
    obj('v1', 'Service', 'ip', { ports: [{ port: 80 }] }),
  ]);
  await r.fill('', 'persistentvolumeclaims', [
    obj('v1', 'PersistentVolumeClaim', 'data', {
      storageClassName: 'local-path',
      resources: { requests: { storage: '2Gi' } },
    }),
  ]);
  await r.fill('', 'configmaps', [obj('v1', 'ConfigMap', 'x'), obj('v1', 'ConfigMap', 'y')]);
  await r.fill('apps', 'deployments', [obj('apps/v1', 'Deployment', 'web')]);
  const hard = {
    pods: '10',
    'count/pods': '20',
    'requests.cpu': '2',
    cpu: '2',
    services: '5',
    'services.nodeports': '4',
    'requests.storage': '10Gi',
    'local-path.storageclass.storage.k8s.io/requests.storage': '5Gi',
    configmaps: '10',
    'count/deployments.apps': '3',
    'count/widgets.example.com': '1',
  };
  await r.fill('', 'resourcequotas', [quota('q', hard)]);
  r.api.actions.length = 0;

  assert.deepEqual(await r.c.reconcile(`${ns}/q`), { requeueAfterMs: 60_000 });
  const w = r.writes();
  assert.deepEqual(
    w.map((x) => x.what),
    ['update resourcequotas/q/status'],
  );
  assert.deepEqual((w[0]!.body as KubeObject).status, {
    hard,
    used: {
      pods: '2',
      'count/pods': '4',
      'requests.cpu': '500m',
      cpu: '500m',
      services: '2',
      'services.nodeports': '2',
      'requests.storage': '2Gi',
      'local-path.storageclass.storage.k8s.io/requests.storage': '2Gi',
      configmaps: '2',
      'count/deployments.apps': '1',
      'count/widgets.example.com': '0',
    },
  });
});

test('nothing is written when the status is already right', async () => {
  const r = rig();
  await emptySources(r);
  await r.fill('', 'pods', [pod('a', '100m')]);
  await r.fill('', 'resourcequotas', [
    quota(
      'q',
      { pods: '2', 'requests.cpu': '1' },
      {},
      { hard: { pods: '2', 'requests.cpu': '1' }, used: { pods: '1', 'requests.cpu': '0.1' } },
    ),
  ]);
  r.api.actions.length = 0;
  await r.c.reconcile(`${ns}/q`);
  assert.deepEqual(r.writes(), []);
  // A vanished quota is not an error.
  assert.equal(await r.c.reconcile(`${ns}/gone`), undefined);
});

test('scoped quotas count only the pods they select', async () => {
  const r = rig();
  await emptySources(r);
  await r.fill('', 'pods', [pod('be1'), pod('be2'), pod('burst', '100m')]);
  await r.fill('', 'resourcequotas', [
    quota('be', { pods: '5' }, { scopes: ['BestEffort'] }),
    quota('nbe', { pods: '5' }, { scopes: ['NotBestEffort'] }),
  ]);
  r.api.actions.length = 0;
  await r.c.reconcile(`${ns}/be`);
  await r.c.reconcile(`${ns}/nbe`);
  const used = r.writes().map((x) => ((x.body as KubeObject).status as { used: unknown }).used);
  assert.deepEqual(used, [{ pods: '2' }, { pods: '1' }]);
});

test('handlers: deletions and shrinking usage enqueue the namespace; additions and status writes do not', async () => {
  const r = rig();
  await emptySources(r);
  const [q] = await r.fill('', 'resourcequotas', [quota('q', { pods: '5' })]);
  const podInf = r.informers.forResource('', 'v1', 'pods');
  const quotaInf = r.informers.forResource('', 'v1', 'resourcequotas');
  assert.deepEqual(await r.c.drain(), [`${ns}/q`], 'a new quota is counted');
  const at = (o: KubeObject, rv: string, namespace = ns): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, namespace, resourceVersion: rv },
  });
  const cases: [string, () => void, string[]][] = [
    ['pod added', () => podInf.apply('ADDED', at(pod('p', '1'), '10')), []],
    [
      'pod relabelled',
      () =>
        podInf.apply('MODIFIED', at({ ...pod('p', '1'), metadata: { name: 'p', labels: { a: 'b' } } }, '11')),
      [],
    ],
    [
      'pod finished',
      () => podInf.apply('MODIFIED', at(pod('p', '1', { status: { phase: 'Succeeded' } }), '12')),
      [`${ns}/q`],
    ],
    ['pod deleted', () => podInf.apply('DELETED', at(pod('p'), '13')), [`${ns}/q`]],
    ['pod deleted in another namespace', () => podInf.apply('DELETED', at(pod('x'), '14', 'other')), []],
    [
      'quota status written',
      () =>
        quotaInf.apply('MODIFIED', { ...at(q!, '15'), status: { hard: { pods: '5' }, used: { pods: '1' } } }),
      [],
    ],
    [
      'quota spec changed',
      () =>
        quotaInf.apply('MODIFIED', {
          ...at(q!, '16'),
          spec: { hard: { pods: '6' } },
          status: { hard: { pods: '5' }, used: { pods: '1' } },
        }),
      [`${ns}/q`],
    ],
  ];
  for (const [name, act, want] of cases) {
    act();
    assert.deepEqual(await r.c.drain(), want, name);
  }
});

test('a quota naming a resource not watched yet waits for its informer to sync', async () => {
  const r = rig();
  await emptySources(r);
  await r.fill('', 'resourcequotas', [quota('q', { secrets: '3' })]);
  assert.deepEqual(await r.c.reconcile(`${ns}/q`), { requeueAfterMs: 200 });
  const inf = r.informers.forResource('', 'v1', 'secrets');
  assert.ok(await inf.waitForSync(), 'the controller started the secrets informer');
  await r.c.reconcile(`${ns}/q`);
  assert.deepEqual(((r.writes().at(-1)!.body as KubeObject).status as { used: unknown }).used, {
    secrets: '0',
  });
  await r.informers.shutdown();
});
