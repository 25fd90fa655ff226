import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../client/clock.ts';
import { makeClaim, makeClass, VolumeRig } from '../controllers/persistentvolume/testing.ts';
import { annSelectedNode, type PersistentVolumeClaim } from '../controllers/persistentvolume/types.ts';
import { makeNode, makePod } from './fixtures.ts';
import { schedulerController } from './scheduler.ts';
import type { Pod } from './types.ts';
import { PreBindError, SchedulerVolumeBinder } from './volume-binder.ts';

const n1 = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } };

function podWith(claim: string): Pod {
  return makePod('app', {}, {
    volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }],
  } as Pod['spec']);
}

async function setup() {
  const rig = new VolumeRig();
  const binder = new SchedulerVolumeBinder(rig.ctx, () => {});
  await rig.seed('storageclasses', makeClass('local-path', 'berth.io/local-path', 'WaitForFirstConsumer'));
  const claim = await rig.seed(
    'persistentvolumeclaims',
    makeClaim('data', '1Gi', { storageClassName: 'local-path' }),
  );
  return { rig, binder, claim };
}

/** Delivers the claim as the binder would leave it: bound to `pvc-x`. */
function bindInCache(rig: VolumeRig, claim: PersistentVolumeClaim): void {
  const bound = structuredClone(claim);
  bound.spec.volumeName = 'pvc-x';
  bound.status = { phase: 'Bound' };
  bound.metadata.resourceVersion = '999';
  rig.informer('persistentvolumeclaims').apply('MODIFIED', bound);
}

test('preBind selects the node on the claim and resolves once the claim is Bound', async () => {
  const { rig, binder, claim } = await setup();
  rig.reset();
  let done = false;
  const p = binder.preBind(podWith('data'), n1).then(() => (done = true));
  await settle();
  assert.deepEqual(rig.writes(), ['patch persistentvolumeclaims/data']);
  assert.equal(
    rig.get<PersistentVolumeClaim>('persistentvolumeclaims', 'default', 'data')?.metadata.annotations?.[
      annSelectedNode
    ],
    'n1',
  );
  assert.equal(done, false, 'waits for the binder');
  bindInCache(rig, claim);
  await p;
  assert.equal(done, true);
});

test('preBind gives up after the timeout with a PreBindError', async () => {
  const { rig, binder } = await setup();
  const p = binder.preBind(podWith('data'), n1);
  await settle();
  rig.clock.advance(20_001);
  await assert.rejects(
    p,
    (err) => err instanceof PreBindError && /timed out waiting for claims data/.test(err.message),
  );
});

test('preBind fails when the claim is deleted meanwhile, and is a no-op for pods without claims', async () => {
  const { rig, binder, claim } = await setup();
  const p = binder.preBind(podWith('data'), n1);
  await settle();
  rig.informer('persistentvolumeclaims').apply('DELETED', claim);
  await assert.rejects(p, /was deleted while binding/);
  rig.reset();
  await binder.preBind(makePod('plain'), n1);
  assert.deepEqual(rig.writes(), []);
});

test('the scheduler binds a pod with a WaitForFirstConsumer claim only after the claim is bound', async () => {
  const rig = new VolumeRig();
  rig.api.reactors.push((req, a) => {
    if (a.subresource !== 'binding' || a.verb !== 'create') return undefined;
    return { status: 201, headers: {}, body: Buffer.from('{"kind":"Status","status":"Success"}') };
  });
  await rig.client.resource('', 'v1', 'nodes').create(undefined, makeNode('n1'));
  await rig.client
    .resource('storage.k8s.io', 'v1', 'storageclasses')
    .create(undefined, makeClass('local-path', 'berth.io/local-path', 'WaitForFirstConsumer'));
  const claim = await rig.client
    .resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims')
    .create('default', makeClaim('data', '1Gi', { storageClassName: 'local-path' }));
  await rig.client.resource('', 'v1', 'pods').create('default', podWith('data'));
  const abort = new AbortController();
  const c = schedulerController();
  await c.start({ ...rig.ctx, signal: abort.signal });
  rig.informers.start();
  await rig.informers.waitForCacheSync();
  const bindings = () => rig.api.actions.filter((a) => a.subresource === 'binding').length;
  for (let i = 0; i < 200 && !rig.api.actions.some((a) => a.verb === 'patch'); i++) await settle();
  const selected = rig.get<PersistentVolumeClaim>('persistentvolumeclaims', 'default', 'data');
  assert.equal(selected?.metadata.annotations?.[annSelectedNode], 'n1');
  assert.equal(bindings(), 0, 'the pod waits for its volume');
  const bound = structuredClone(selected!);
  bound.spec.volumeName = 'pvc-x';
  bound.status = { phase: 'Bound' };
  await rig.client.resource('', 'v1', 'persistentvolumeclaims').update('default', bound);
  for (let i = 0; i < 200 && bindings() === 0; i++) await settle();
  assert.equal(bindings(), 1);
  assert.ok(claim.metadata.uid);
  abort.abort();
  await c.stop();
  await rig.informers.shutdown();
});
