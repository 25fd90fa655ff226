import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeClaim, makeVolume, VolumeRig } from '../persistentvolume/testing.ts';
import {
  pvcProtectionFinalizer,
  pvProtectionFinalizer,
  type PersistentVolume,
  type PersistentVolumeClaim,
} from '../persistentvolume/types.ts';
import type { Pod } from '../../scheduler/types.ts';
import { podHoldsClaim, volumeProtectionController } from './controller.ts';

const deleting = '2026-01-01T00:00:00Z';

function pod(name: string, claim: string, nodeName?: string, phase = 'Running'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
    } as Pod['spec'],
    status: { phase },
  };
}

function setup() {
  const rig = new VolumeRig();
  const c = volumeProtectionController();
  c.init(rig.ctx);
  return { rig, c };
}

const claimFinalizers = (rig: VolumeRig, name: string) =>
  rig.get<PersistentVolumeClaim>('persistentvolumeclaims', 'default', name)?.metadata.finalizers;

test('claims and volumes without the finalizer get it', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi'));
  await rig.seed('persistentvolumes', makeVolume('pv1', '1Gi'));
  await c.reconcile('default/data');
  await c.reconcile('pv1');
  assert.deepEqual(claimFinalizers(rig, 'data'), [pvcProtectionFinalizer]);
  assert.deepEqual(rig.get<PersistentVolume>('persistentvolumes', '', 'pv1')?.metadata.finalizers, [
    pvProtectionFinalizer,
  ]);
  rig.syncCache('persistentvolumeclaims');
  rig.syncCache('persistentvolumes');
  rig.reset();
  await c.reconcile('default/data');
  await c.reconcile('pv1');
  assert.deepEqual(rig.writes(), []);
});

const claimCases: { name: string; pods: Pod[]; removed: boolean }[] = [
  { name: 'no pod uses it: the finalizer comes off', pods: [], removed: true },
  { name: 'a running pod uses it: kept', pods: [pod('web', 'data', 'n1')], removed: false },
  {
    name: 'only a finished pod uses it: removed',
    pods: [pod('job', 'data', 'n1', 'Succeeded')],
    removed: true,
  },
  { name: 'only an unscheduled pod uses it: removed', pods: [pod('new', 'data')], removed: true },
  { name: 'a pod using another claim does not count', pods: [pod('other', 'logs', 'n1')], removed: true },
];

for (const tc of claimCases) {
  test(`a claim being deleted: ${tc.name}`, async () => {
    const { rig, c } = setup();
    const claim = makeClaim('data', '1Gi');
    claim.metadata.finalizers = [pvcProtectionFinalizer, 'example.com/keep'];
    claim.metadata.deletionTimestamp = deleting;
    await rig.seed('persistentvolumeclaims', claim);
    for (const p of tc.pods) await rig.seed('pods', p);
    await c.reconcile('default/data');
    assert.deepEqual(
      claimFinalizers(rig, 'data'),
      tc.removed ? ['example.com/keep'] : [pvcProtectionFinalizer, 'example.com/keep'],
    );
  });
}

test('a pod the cache has not seen yet still protects the claim (live list)', async () => {
  const { rig, c } = setup();
  const claim = makeClaim('data', '1Gi');
  claim.metadata.finalizers = [pvcProtectionFinalizer];
  claim.metadata.deletionTimestamp = deleting;
  await rig.seed('persistentvolumeclaims', claim);
  await rig.client.resource('', 'v1', 'pods').create('default', pod('web', 'data', 'n1'));
  await c.reconcile('default/data');
  assert.deepEqual(claimFinalizers(rig, 'data'), [pvcProtectionFinalizer]);
});

test('a volume being deleted keeps its finalizer while Bound and loses it after', async () => {
  const { rig, c } = setup();
  const pv = makeVolume('pv1', '1Gi');
  pv.metadata.finalizers = [pvProtectionFinalizer];
  pv.metadata.deletionTimestamp = deleting;
  pv.status = { phase: 'Bound' };
  await rig.seed('persistentvolumes', pv);
  rig.reset();
  await c.reconcile('pv1');
  assert.deepEqual(rig.writes(), []);
  const released = rig.get<PersistentVolume>('persistentvolumes', '', 'pv1')!;
  released.status = { phase: 'Released' };
  rig.informer('persistentvolumes').store.upsert(released);
  await c.reconcile('pv1');
  assert.deepEqual(rig.get<PersistentVolume>('persistentvolumes', '', 'pv1')?.metadata.finalizers, []);
});

test('a pod that finishes or goes away queues the claims it held that are being deleted', async () => {
  const { rig, c } = setup();
  const claim = makeClaim('data', '1Gi');
  claim.metadata.finalizers = [pvcProtectionFinalizer];
  claim.metadata.deletionTimestamp = deleting;
  await rig.seed('persistentvolumeclaims', claim);
  const pods = rig.informer('pods');
  const running = {
    ...pod('web', 'data', 'n1'),
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
  };
  pods.apply('ADDED', running);
  assert.equal(c.queue.len(), 0);
  pods.apply('DELETED', running);
  assert.equal(c.queue.len(), 1);
  assert.equal(podHoldsClaim(running, 'data'), true);
});
