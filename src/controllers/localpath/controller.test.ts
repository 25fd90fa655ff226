import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import {
  hostnameAffinity,
  makeClaim,
  makeClass,
  makeVolume,
  VolumeRig,
} from '../persistentvolume/testing.ts';
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

const nodeSim1 = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'sim-1', labels: { 'kubernetes.io/hostname': 'sim-1.host' } },
};

/** A volume the provisioner made on sim-1 (hostname sim-1.host), in `phase`. */
function ours(name: string, phase: 'Released' | 'Bound', policy = 'Delete', path?: string): PersistentVolume {
  const pv = makeVolume(name, '1Gi', {
    persistentVolumeReclaimPolicy: policy,
    hostPath: undefined,
    local: { path: path ?? `/var/lib/berth/storage/${name}_default_data` },
    nodeAffinity: hostnameAffinity('sim-1.host'),
  });
  pv.metadata.annotations = { [annProvisionedBy]: localPathProvisioner };
  pv.status = { phase };
  return pv;
}

/** Sets the cleanup pod's phase (and a container exit) in the API and the cache. */
async function finishCleanup(rig: VolumeRig, name: string, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const pod = rig.get<KubeObject>('pods', 'kube-system', name);
  assert.ok(pod, `cleanup pod ${name} exists`);
  const exitCode = phase === 'Succeeded' ? 0 : 1;
  pod.status = {
    phase,
    containerStatuses: [{ name: 'remove', state: { terminated: { exitCode, message: 'rm: busy' } } }],
  };
  await rig.client.resource('', 'v1', 'pods').update('kube-system', pod);
  rig.syncCache('pods');
}

test('a Released Delete volume it made is deleted only after a cleanup pod removed its directory', async () => {
  const { rig, c } = await setup();
  await rig.seed('nodes', nodeSim1);
  await rig.seed('persistentvolumes', ours('released', 'Released'));
  await rig.seed('persistentvolumes', ours('bound', 'Bound'));
  await rig.seed('persistentvolumes', ours('retained', 'Released', 'Retain'));
  await rig.seed('persistentvolumes', { ...makeVolume('static', '1Gi'), status: { phase: 'Released' } });
  rig.reset();
  for (const k of ['released', 'bound', 'retained', 'static']) await c.reconcile(k);
  assert.deepEqual(rig.writes(), ['create pods'], 'only a cleanup pod, no volume deleted yet');
  const pod = rig.get<KubeObject>('pods', 'kube-system', 'delete-released');
  assert.ok(pod);
  const spec = pod.spec as Record<string, unknown>;
  assert.equal(spec.nodeName, 'sim-1');
  assert.equal(spec.restartPolicy, 'Never');
  assert.deepEqual(spec.volumes, [
    { name: 'data', hostPath: { path: '/var/lib/berth/storage', type: 'Directory' } },
  ]);
  const [container] = spec.containers as { command: string[]; volumeMounts: unknown[] }[];
  assert.deepEqual(container!.command, ['rm', '-rf', '--', '/data/released_default_data']);
  assert.deepEqual(container!.volumeMounts, [{ name: 'data', mountPath: '/data' }]);

  // Still running: nothing more happens.
  rig.syncCache('pods');
  rig.reset();
  await c.reconcile('released');
  assert.deepEqual(rig.writes(), []);

  // Failed: reported, the pod goes, the reconcile errs so the queue retries with backoff.
  await finishCleanup(rig, 'delete-released', 'Failed');
  rig.reset();
  await assert.rejects(c.reconcile('released'), /cleanup pod for released failed \(exit code 1: rm: busy\)/);
  assert.deepEqual(rig.writes(), ['delete pods/delete-released']);
  assert.ok(
    (await rig.events()).some((e) =>
      /^VolumeFailedDelete: removing \/var\/lib\/berth\/storage\/released_default_data on node "sim-1" failed/.test(
        e,
      ),
    ),
  );

  // The retry starts a new pod; once it Succeeded, the pod and then the volume are deleted.
  rig.syncCache('pods');
  rig.reset();
  await c.reconcile('released');
  assert.deepEqual(rig.writes(), ['create pods']);
  await finishCleanup(rig, 'delete-released', 'Succeeded');
  rig.reset();
  await c.reconcile('released');
  assert.deepEqual(rig.writes(), ['delete pods/delete-released', 'delete persistentvolumes/released']);
});

test('a volume whose path it did not make, or whose node is gone, is deleted without touching data', async () => {
  const { rig, c } = await setup();
  await rig.seed('nodes', nodeSim1);
  await rig.seed('persistentvolumes', ours('forged', 'Released', 'Delete', '/etc'));
  await rig.seed('persistentvolumes', ours('other', 'Released', 'Delete', '/srv/data/somebody_else'));
  const orphan = ours('orphan', 'Released');
  orphan.spec.nodeAffinity = hostnameAffinity('gone.host');
  await rig.seed('persistentvolumes', orphan);
  rig.reset();
  for (const k of ['forged', 'other', 'orphan']) await c.reconcile(k);
  assert.deepEqual(rig.writes(), [
    'delete persistentvolumes/forged',
    'delete persistentvolumes/other',
    'delete persistentvolumes/orphan',
  ]);
  const events = await rig.events();
  assert.ok(
    events.includes(
      'VolumeFailedDelete: data left in place: path "/etc" is not a clean absolute path below a base directory',
    ),
    events.join('\n'),
  );
  assert.ok(
    events.includes(
      'VolumeFailedDelete: data left in place: directory "somebody_else" was not made for volume other',
    ),
  );
  assert.ok(events.some((e) => /^VolumeFailedDelete: the volume's node is not in the cluster/.test(e)));
});
