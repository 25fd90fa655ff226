import assert from 'node:assert/strict';
import { test } from 'node:test';
import { persistentVolumeController, type PersistentVolumeController } from './controller.ts';
import { noVolumeNoClassMessage, waitForFirstConsumerMessage } from './sync-claim.ts';
import { hostnameAffinity, makeClaim, makeClass, makeVolume, VolumeRig } from './testing.ts';
import {
  annBindCompleted,
  annBoundByController,
  annProvisionedBy,
  annSelectedNode,
  annStorageProvisioner,
  type PersistentVolume,
  type PersistentVolumeClaim,
} from './types.ts';

function setup(): { rig: VolumeRig; c: PersistentVolumeController } {
  const rig = new VolumeRig();
  const c = persistentVolumeController();
  c.init(rig.ctx);
  return { rig, c };
}

const claimOf = (rig: VolumeRig, name: string) =>
  rig.get<PersistentVolumeClaim>('persistentvolumeclaims', 'default', name)!;
const volumeOf = (rig: VolumeRig, name: string) => rig.get<PersistentVolume>('persistentvolumes', '', name);

test('an Immediate claim binds both ways to the smallest fitting volume; a second sync writes nothing', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumes', makeVolume('pv-big', '10Gi'));
  await rig.seed('persistentvolumes', makeVolume('pv-small', '2Gi'));
  const claim = await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi', { storageClassName: '' }));
  rig.reset();
  await c.reconcileClaim('default/data');
  assert.deepEqual(rig.writes(), [
    'update persistentvolumes/pv-small',
    'update persistentvolumes/pv-small/status',
    'update persistentvolumeclaims/data',
    'update persistentvolumeclaims/data/status',
  ]);
  const pv = volumeOf(rig, 'pv-small')!;
  assert.equal(pv.spec.claimRef?.uid, claim.metadata.uid);
  assert.equal(pv.spec.claimRef?.name, 'data');
  assert.equal(pv.spec.claimRef?.kind, 'PersistentVolumeClaim');
  assert.equal(pv.metadata.annotations?.[annBoundByController], 'yes');
  assert.equal(pv.status?.phase, 'Bound');
  const pvc = claimOf(rig, 'data');
  assert.equal(pvc.spec.volumeName, 'pv-small');
  assert.equal(pvc.metadata.annotations?.[annBindCompleted], 'yes');
  assert.equal(pvc.metadata.annotations?.[annBoundByController], 'yes');
  assert.deepEqual(pvc.status, {
    phase: 'Bound',
    capacity: { storage: '2Gi' },
    accessModes: ['ReadWriteOnce'],
  });

  rig.syncCache('persistentvolumes');
  rig.syncCache('persistentvolumeclaims');
  rig.reset();
  await c.reconcileClaim('default/data');
  await c.reconcileVolume('pv-small');
  assert.deepEqual(rig.writes(), []);
});

test('a class-less claim with nothing to bind stays Pending with FailedBinding', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumes', makeVolume('pv-tiny', '100Mi'));
  await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi', { storageClassName: '' }));
  rig.reset();
  await c.reconcileClaim('default/data');
  assert.deepEqual(rig.writes(), []);
  assert.deepEqual(await rig.events(), [`FailedBinding: ${noVolumeNoClassMessage}`]);
});

test('a claim naming a missing class says so', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi', { storageClassName: 'gold' }));
  await c.reconcileClaim('default/data');
  assert.deepEqual(await rig.events(), ['FailedBinding: storageclass.storage.k8s.io "gold" not found']);
});

test('WaitForFirstConsumer: no binding before the scheduler picks a node, even with a free volume', async () => {
  const { rig, c } = setup();
  await rig.seed(
    'storageclasses',
    makeClass('local', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer'),
  );
  await rig.seed('persistentvolumes', makeVolume('pv1', '1Gi', { storageClassName: 'local' }));
  await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi', { storageClassName: 'local' }));
  rig.reset();
  await c.reconcileClaim('default/data');
  assert.deepEqual(rig.writes(), []);
  assert.deepEqual(await rig.events(), [`WaitForFirstConsumer: ${waitForFirstConsumerMessage}`]);
});

test('WaitForFirstConsumer with a selected node binds a static volume reachable from that node', async () => {
  const { rig, c } = setup();
  await rig.seed(
    'storageclasses',
    makeClass('local', 'kubernetes.io/no-provisioner', 'WaitForFirstConsumer'),
  );
  await rig.seed('nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n2', labels: { 'kubernetes.io/hostname': 'n2' } },
  });
  const onN1 = { storageClassName: 'local', nodeAffinity: hostnameAffinity('n1') };
  const onN2 = { storageClassName: 'local', nodeAffinity: hostnameAffinity('n2') };
  await rig.seed('persistentvolumes', makeVolume('pv-n1', '1Gi', onN1));
  await rig.seed('persistentvolumes', makeVolume('pv-n2', '5Gi', onN2));
  await rig.seed(
    'persistentvolumeclaims',
    makeClaim('data', '1Gi', { storageClassName: 'local' }, { [annSelectedNode]: 'n2' }),
  );
  await c.reconcileClaim('default/data');
  assert.equal(claimOf(rig, 'data').spec.volumeName, 'pv-n2');
  assert.equal(volumeOf(rig, 'pv-n1')?.spec.claimRef, undefined);
});

test('WaitForFirstConsumer with a selected node and a provisioning class hands the claim to the provisioner', async () => {
  const { rig, c } = setup();
  await rig.seed('storageclasses', makeClass('local-path', 'berth.io/local-path', 'WaitForFirstConsumer'));
  await rig.seed(
    'persistentvolumeclaims',
    makeClaim('data', '1Gi', { storageClassName: 'local-path' }, { [annSelectedNode]: 'n1' }),
  );
  rig.reset();
  await c.reconcileClaim('default/data');
  assert.deepEqual(rig.writes(), ['update persistentvolumeclaims/data']);
  const ann = claimOf(rig, 'data').metadata.annotations ?? {};
  assert.equal(ann[annStorageProvisioner], 'berth.io/local-path');
  assert.equal(ann['volume.beta.kubernetes.io/storage-provisioner'], 'berth.io/local-path');
  const [ev] = await rig.events();
  assert.match(ev ?? '', /^ExternalProvisioning: .*"berth\.io\/local-path"/);
  // The provisioned volume arrives pre-bound to the claim; the next sync binds it.
  rig.syncCache('persistentvolumeclaims');
  const uid = claimOf(rig, 'data').metadata.uid;
  await rig.seed(
    'persistentvolumes',
    makeVolume('pvc-x', '1Gi', {
      storageClassName: 'local-path',
      persistentVolumeReclaimPolicy: 'Delete',
      claimRef: { namespace: 'default', name: 'data', uid },
    }),
  );
  await c.reconcileClaim('default/data');
  assert.equal(claimOf(rig, 'data').status?.phase, 'Bound');
  assert.equal(volumeOf(rig, 'pvc-x')?.metadata.annotations?.[annBoundByController], undefined);
});

test('a claim pre-bound by spec.volumeName binds to that volume, or says why it cannot', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumes', makeVolume('pv-small', '1Gi'));
  await rig.seed('persistentvolumes', makeVolume('pv-ok', '8Gi'));
  await rig.seed('persistentvolumeclaims', makeClaim('a', '5Gi', { volumeName: 'pv-small' }));
  await rig.seed('persistentvolumeclaims', makeClaim('b', '5Gi', { volumeName: 'pv-ok' }));
  await c.reconcileClaim('default/a');
  await c.reconcileClaim('default/b');
  assert.deepEqual(await rig.events(), [
    'FailedBinding: Cannot bind to requested volume "pv-small": requested PV is too small',
  ]);
  const b = claimOf(rig, 'b');
  assert.equal(b.status?.phase, 'Bound');
  assert.equal(b.metadata.annotations?.[annBoundByController], undefined, 'the user made this link');
  assert.equal(volumeOf(rig, 'pv-ok')?.metadata.annotations?.[annBoundByController], 'yes');
});

test('a bound claim whose volume is gone is Lost', async () => {
  const { rig, c } = setup();
  await rig.seed(
    'persistentvolumeclaims',
    makeClaim('data', '1Gi', { volumeName: 'gone' }, { [annBindCompleted]: 'yes' }),
  );
  await c.reconcileClaim('default/data');
  assert.equal(claimOf(rig, 'data').status?.phase, 'Lost');
  assert.match((await rig.events())[0] ?? '', /^ClaimLost: the bound volume "gone" no longer exists/);
});

const releaseCases: { name: string; policy: string; provisioned: boolean; want: string[]; phase?: string }[] =
  [
    {
      name: 'Retain keeps the volume Released',
      policy: 'Retain',
      provisioned: false,
      want: ['update persistentvolumes/pv1/status'],
      phase: 'Released',
    },
    {
      name: 'Delete removes a static volume',
      policy: 'Delete',
      provisioned: false,
      want: ['update persistentvolumes/pv1/status', 'delete persistentvolumes/pv1'],
    },
    {
      name: 'Delete leaves a provisioned volume to its provisioner',
      policy: 'Delete',
      provisioned: true,
      want: ['update persistentvolumes/pv1/status'],
      phase: 'Released',
    },
    {
      name: 'Recycle is not supported: Failed',
      policy: 'Recycle',
      provisioned: false,
      want: ['update persistentvolumes/pv1/status', 'update persistentvolumes/pv1/status'],
      phase: 'Failed',
    },
  ];

for (const tc of releaseCases) {
  test(`a volume whose claim is gone is Released; ${tc.name}`, async () => {
    const { rig, c } = setup();
    const pv = makeVolume('pv1', '1Gi', {
      persistentVolumeReclaimPolicy: tc.policy,
      claimRef: { namespace: 'default', name: 'data', uid: 'uid-deleted' },
    });
    pv.status = { phase: 'Bound' };
    if (tc.provisioned) pv.metadata.annotations = { [annProvisionedBy]: 'berth.io/local-path' };
    await rig.seed('persistentvolumes', pv);
    rig.reset();
    await c.reconcileVolume('pv1');
    assert.deepEqual(rig.writes(), tc.want);
    assert.equal(volumeOf(rig, 'pv1')?.status?.phase, tc.phase);
  });
}

test('a claim recreated under the same name does not inherit the old volume', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi'));
  const pv = makeVolume('pv1', '1Gi', { claimRef: { namespace: 'default', name: 'data', uid: 'old-uid' } });
  pv.status = { phase: 'Bound' };
  await rig.seed('persistentvolumes', pv);
  await c.reconcileVolume('pv1');
  assert.equal(volumeOf(rig, 'pv1')?.status?.phase, 'Released');
});

test('free volumes become Available; a volume whose claim went elsewhere is unbound if the controller bound it', async () => {
  const { rig, c } = setup();
  const fresh = makeVolume('fresh', '1Gi');
  fresh.status = { phase: 'Pending' };
  await rig.seed('persistentvolumes', fresh);
  await rig.seed('persistentvolumeclaims', makeClaim('data', '1Gi', { volumeName: 'other' }));
  const uid = claimOf(rig, 'data').metadata.uid;
  const stale = makeVolume('stale', '1Gi', { claimRef: { namespace: 'default', name: 'data', uid } });
  stale.metadata.annotations = { [annBoundByController]: 'yes' };
  stale.status = { phase: 'Bound' };
  await rig.seed('persistentvolumes', stale);
  await c.reconcileVolume('fresh');
  await c.reconcileVolume('stale');
  assert.equal(volumeOf(rig, 'fresh')?.status?.phase, 'Available');
  const s = volumeOf(rig, 'stale')!;
  assert.equal(s.spec.claimRef, undefined);
  assert.equal(s.status?.phase, 'Available');
});

test('handlers: a new free volume queues waiting claims; a deleted claim queues its volume', async () => {
  const { rig, c } = setup();
  await rig.seed('persistentvolumeclaims', makeClaim('waiting', '1Gi', { storageClassName: '' }));
  const pv = makeVolume('pv1', '1Gi');
  pv.metadata.resourceVersion = '7';
  const claims = rig.informer('persistentvolumeclaims');
  const volumes = rig.informer('persistentvolumes');
  volumes.apply('ADDED', pv);
  assert.equal(c.claimQueue.len(), 1);
  assert.equal(c.volumeQueue.len(), 1);
  const bound = makeClaim('bound', '1Gi', { volumeName: 'pv1' });
  claims.apply('ADDED', bound);
  claims.apply('DELETED', bound);
  assert.equal(c.claimQueue.len(), 2);
  assert.equal(c.volumeQueue.len(), 1, 'pv1 was queued already');
});
