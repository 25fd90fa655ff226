import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeClaim, makeClass, makeVolume, VolumeRig } from '../persistentvolume/testing.ts';
import {
  annProvisionedBy,
  annSelectedNode,
  annStorageProvisioner,
  type PersistentVolume,
} from '../persistentvolume/types.ts';
import { localPathController, type LocalPathOptions } from './controller.ts';
import { localPathProvisioner } from './volume.ts';

const handed = (node?: string): Record<string, string> => ({
  [annStorageProvisioner]: localPathProvisioner,
  ...(node ? { [annSelectedNode]: node } : {}),
});

async function setup(opts: LocalPathOptions = {}, classExtra = {}) {
  const rig = new VolumeRig();
  const c = localPathController(opts);
  c.init(rig.ctx);
  await rig.seed(
    'storageclasses',
    makeClass('local-path', localPathProvisioner, 'WaitForFirstConsumer', classExtra),
  );
  return { rig, c };
}

test('a handed-over claim with a selected node gets a pre-bound local PV pinned to that node', async () => {
  const { rig, c } = await setup();
  await rig.seed('nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'sim-1', labels: { 'kubernetes.io/hostname': 'sim-1.host' } },
  });
  const claim = await rig.seed(
    'persistentvolumeclaims',
    makeClaim('data', '3Gi', { storageClassName: 'local-path' }, handed('sim-1')),
  );
  await c.reconcile('default/data');
  const name = `pvc-${claim.metadata.uid}`;
  const pv = rig.get<PersistentVolume>('persistentvolumes', '', name);
  assert.ok(pv, 'the PV was created');
  assert.deepEqual(pv.spec.capacity, { storage: '3Gi' });
  assert.deepEqual(pv.spec.accessModes, ['ReadWriteOnce']);
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
  assert.equal(pv.spec.storageClassName, 'local-path');
  assert.deepEqual(pv.spec.local, { path: `/var/lib/berth/storage/${name}_default_data` });
  assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms, [
    { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['sim-1.host'] }] },
  ]);
  assert.equal(pv.spec.claimRef?.uid, claim.metadata.uid);
  assert.equal(pv.spec.claimRef?.name, 'data');
  assert.equal(pv.metadata.annotations?.[annProvisionedBy], localPathProvisioner);
  assert.deepEqual(await rig.events(), [
    `Provisioning: provisioning volume ${name} for claim "default/data" on node "sim-1"`,
    `ProvisioningSucceeded: Successfully provisioned volume ${name}`,
  ]);
});

test('the class basePath parameter overrides the default base', async () => {
  const { rig, c } = await setup({}, { parameters: { basePath: '/mnt/fast/' } });
  const claim = await rig.seed(
    'persistentvolumeclaims',
    makeClaim('db', '1Gi', { storageClassName: 'local-path' }, handed('n1')),
  );
  await c.reconcile('default/db');
  const pv = rig.get<PersistentVolume>('persistentvolumes', '', `pvc-${claim.metadata.uid}`);
  assert.equal(pv?.spec.local?.path, `/mnt/fast/pvc-${claim.metadata.uid}_default_db`);
  assert.deepEqual(pv?.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values, [
    'n1',
  ]);
});

test('nothing is provisioned for claims not handed over, already bound, or of another provisioner', async () => {
  const { rig, c } = await setup();
  await rig.seed('storageclasses', makeClass('other', 'example.com/nfs', 'WaitForFirstConsumer'));
  await rig.seed('persistentvolumeclaims', makeClaim('plain', '1Gi', { storageClassName: 'local-path' }));
  await rig.seed(
    'persistentvolumeclaims',
    makeClaim('bound', '1Gi', { storageClassName: 'local-path', volumeName: 'x' }, handed('n1')),
  );
  await rig.seed(
    'persistentvolumeclaims',
    makeClaim('nfs', '1Gi', { storageClassName: 'other' }, handed('n1')),
  );
  rig.reset();
  for (const k of ['default/plain', 'default/bound', 'default/nfs']) await c.reconcile(k);
  assert.deepEqual(rig.writes(), []);
});

test('without a selected node the claim gets ProvisioningFailed and no volume', async () => {
  const { rig, c } = await setup();
  await rig.seed(
    'persistentvolumeclaims',
    makeClaim('data', '1Gi', { storageClassName: 'local-path' }, handed()),
  );
  rig.reset();
  await c.reconcile('default/data');
  assert.deepEqual(rig.writes(), []);
  assert.match((await rig.events())[0] ?? '', /^ProvisioningFailed: no node selected/);
});

test('a Released Delete volume it made is deleted after the data hook; others are left alone', async () => {
  const removed: string[] = [];
  const { rig, c } = await setup({ removeData: async (pv) => void removed.push(pv.metadata.name ?? '') });
  const ours = (name: string, phase: 'Released' | 'Bound', policy = 'Delete'): PersistentVolume => {
    const pv = makeVolume(name, '1Gi', { persistentVolumeReclaimPolicy: policy });
    pv.metadata.annotations = { [annProvisionedBy]: localPathProvisioner };
    pv.status = { phase };
    return pv;
  };
  await rig.seed('persistentvolumes', ours('released', 'Released'));
  await rig.seed('persistentvolumes', ours('bound', 'Bound'));
  await rig.seed('persistentvolumes', ours('retained', 'Released', 'Retain'));
  await rig.seed('persistentvolumes', { ...makeVolume('static', '1Gi'), status: { phase: 'Released' } });
  rig.reset();
  for (const k of ['released', 'bound', 'retained', 'static']) await c.reconcile(k);
  assert.deepEqual(rig.writes(), ['delete persistentvolumes/released']);
  assert.deepEqual(removed, ['released']);
});
