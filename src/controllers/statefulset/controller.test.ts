import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { podIndexLabel, podNameLabel } from './identity.ts';
import { newRevision } from './revisions.ts';
import { seedPod, seedRevision, seedSet, stsObj, StsRig, type PodState } from './testing.ts';
import type { ControllerRevision, Pod, StatefulSet } from './types.ts';

const claimTemplate = {
  metadata: { name: 'www' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};

/** A rig with `set` seeded at revision 1 and pods in the given states (undefined: missing). */
async function setup(
  spec: Partial<StatefulSet['spec']>,
  states: (PodState | undefined)[],
  image = 'nginx:1',
): Promise<{ rig: StsRig; set: StatefulSet; rev: ControllerRevision }> {
  const rig = new StsRig();
  const base = stsObj(image, spec);
  const set = await seedSet(rig, base, newRevision(base, 1, 0).metadata.name);
  const rev = await seedRevision(rig, set, 1);
  for (const [i, s] of states.entries()) if (s) await seedPod(rig, set, i, rev, s);
  rig.reset();
  return { rig, set, rev };
}

test('OrderedReady creates only the first missing pod, its claim first, with a stable identity', async () => {
  const { rig } = await setup({ volumeClaimTemplates: [claimTemplate] }, []);
  await rig.reconcile();
  assert.deepEqual(rig.writes(), [
    'create persistentvolumeclaims/www-web-0',
    'create pods/web-0',
    'update statefulsets/web/status',
  ]);
  const claim = rig.body('create persistentvolumeclaims/www-web-0');
  assert.deepEqual(claim.metadata.labels, { app: 'web' });
  assert.equal(claim.metadata.ownerReferences, undefined, 'Retain: the claim has no owner');
  assert.deepEqual(claim.spec, claimTemplate.spec);
  const pod = rig.body('create pods/web-0') as Pod;
  assert.equal(pod.spec?.hostname, 'web-0');
  assert.equal(pod.spec?.subdomain, 'nginx');
  assert.deepEqual(pod.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
  const labels = pod.metadata.labels ?? {};
  assert.equal(labels[podNameLabel], 'web-0');
  assert.equal(labels[podIndexLabel], '0');
  assert.match(labels['controller-revision-hash'] ?? '', /^web-[a-z0-9]+$/);
  assert.equal(pod.metadata.ownerReferences?.[0]?.kind, 'StatefulSet');
  assert.equal(pod.metadata.ownerReferences?.[0]?.controller, true);
  assert.ok(rig.events().includes('SuccessfulCreate: create Pod web-0 in StatefulSet web successful'));
  assert.ok(
    rig.events().includes('SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success'),
  );
  assert.equal(rig.lastStatus().replicas, 1);
});

test('OrderedReady waits for each pod to be Running and Ready before the next', async () => {
  const cases: { states: (PodState | undefined)[]; want: string[] }[] = [
    { states: ['pending'], want: [] },
    { states: ['terminating'], want: [] },
    { states: ['ready'], want: ['create pods/web-1'] },
    { states: ['ready', 'ready'], want: ['create pods/web-2'] },
    { states: ['ready', undefined, 'ready'], want: ['create pods/web-1'] },
    { states: ['ready', 'ready', 'ready'], want: [] },
  ];
  for (const c of cases) {
    const { rig } = await setup({}, c.states);
    await rig.reconcile();
    assert.deepEqual(
      rig.writes().filter((w) => w.startsWith('create') || w.startsWith('delete')),
      c.want,
      JSON.stringify(c.states),
    );
  }
});

test('Parallel creates every missing pod at once', async () => {
  const { rig } = await setup({ podManagementPolicy: 'Parallel' }, ['pending']);
  await rig.reconcile();
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('create')),
    ['create pods/web-1', 'create pods/web-2'],
  );
});

test('scale down removes the highest ordinal first, one at a time (OrderedReady) or all (Parallel)', async () => {
  const cases: {
    policy: 'OrderedReady' | 'Parallel';
    states: PodState[];
    want: string[];
  }[] = [
    { policy: 'OrderedReady', states: ['ready', 'ready', 'ready'], want: ['delete pods/web-2'] },
    { policy: 'OrderedReady', states: ['ready', 'ready', 'terminating'], want: [] },
    { policy: 'OrderedReady', states: ['pending', 'ready', 'ready'], want: [] },
    {
      policy: 'Parallel',
      states: ['ready', 'ready', 'ready'],
      want: ['delete pods/web-2', 'delete pods/web-1'],
    },
  ];
  for (const c of cases) {
    const { rig } = await setup({ replicas: 1, podManagementPolicy: c.policy }, c.states);
    await rig.reconcile();
    assert.deepEqual(
      rig.writes().filter((w) => w.startsWith('delete')),
      c.want,
      `${c.policy} ${JSON.stringify(c.states)}`,
    );
  }
  const { rig } = await setup({ replicas: 1 }, ['ready', 'ready', 'ready']);
  await rig.reconcile();
  assert.ok(rig.events().includes('SuccessfulDelete: delete Pod web-2 in StatefulSet web successful'));
  const del = rig.api.writes().find((a) => a.verb === 'delete');
  assert.ok(
    (del?.body as { preconditions?: { uid?: string } }).preconditions?.uid,
    'delete carries a uid precondition',
  );
});

/** Three ready pods at revision 1 (nginx:1) and the set's template changed to nginx:2. */
async function rollingSetup(
  strategy: StatefulSet['spec']['updateStrategy'],
  states: PodState[] = ['ready', 'ready', 'ready'],
): Promise<{ rig: StsRig; set: StatefulSet; rev: ControllerRevision }> {
  const { rig, set, rev } = await setup({ updateStrategy: strategy }, states);
  const updated = structuredClone(set);
  updated.spec.template!.spec = { containers: [{ name: 'c', image: 'nginx:2' }] };
  updated.metadata.generation = 2;
  rig.informers.forResource('apps', 'v1', 'statefulsets').store.upsert(updated);
  return { rig, set: updated, rev };
}

test('a template change makes a new revision and replaces the highest pod first', async () => {
  const { rig, rev } = await rollingSetup({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  await rig.reconcile();
  assert.deepEqual(rig.writes(), [
    'create controllerrevisions/' + (rig.writes()[0] ?? '').split('/')[1],
    'delete pods/web-2',
    'update statefulsets/web/status',
  ]);
  const newRev = rig.body(rig.writes()[0] ?? '') as ControllerRevision;
  assert.equal(newRev.revision, 2);
  assert.notEqual(newRev.metadata.name, rev.metadata.name);
  const status = rig.lastStatus();
  assert.equal(status.currentRevision, rev.metadata.name);
  assert.equal(status.updateRevision, newRev.metadata.name);
  assert.equal(status.currentReplicas, 2, 'web-2 is terminating and no longer counted');
  assert.equal(status.updatedReplicas, 0);
  assert.equal(status.observedGeneration, 2);
});

test('rolling update honours partition, maxUnavailable and OnDelete', async () => {
  const cases: { strategy: StatefulSet['spec']['updateStrategy']; want: string[] }[] = [
    { strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } }, want: ['delete pods/web-2'] },
    { strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } }, want: [] },
    {
      strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } },
      want: ['delete pods/web-2', 'delete pods/web-1'],
    },
    { strategy: { type: 'OnDelete' }, want: [] },
  ];
  for (const c of cases) {
    const { rig } = await rollingSetup(c.strategy);
    await rig.reconcile();
    assert.deepEqual(
      rig.writes().filter((w) => w.startsWith('delete')),
      c.want,
      JSON.stringify(c.strategy),
    );
  }
});

test('the rolling update waits while an updated pod is not ready, and keeps the current revision below the partition', async () => {
  const { rig, set, rev } = await rollingSetup({ type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, [
    'ready',
    'ready',
  ]);
  // web-2 was already replaced: it runs the new revision but is not Ready yet.
  const newRev = await seedRevision(rig, set, 2);
  await seedPod(rig, set, 2, newRev, 'pending');
  rig.reset();
  await rig.reconcile();
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('delete') || w.startsWith('create')),
    [],
  );
  assert.equal(rig.lastStatus().updatedReplicas, 1);
  assert.equal(rig.lastStatus().currentRevision, rev.metadata.name);

  // web-0 is missing and below the partition: it comes back at the current revision.
  const rig2 = (await rollingSetup({ type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, [])).rig;
  await rig2.reconcile();
  const pod = rig2.body('create pods/web-0') as Pod;
  assert.equal(pod.metadata.labels?.['controller-revision-hash'], rev.metadata.name);
  assert.deepEqual(pod.spec?.containers, [{ name: 'c', image: 'nginx:1' }]);
});

test('status completes the rollout when every pod is updated and ready', async () => {
  const { rig, set } = await setup({}, [], 'nginx:2');
  const v1 = structuredClone(set);
  v1.spec.template!.spec = { containers: [{ name: 'c', image: 'nginx:1' }] };
  const rev1 = await seedRevision(rig, v1, 1);
  const rev2 = (await rig.client.resource('apps', 'v1', 'controllerrevisions').list('default')).items.find(
    (r) => r.metadata.name !== rev1.metadata.name,
  ) as ControllerRevision;
  for (let i = 0; i < 3; i++) await seedPod(rig, set, i, rev2);
  rig.reset();
  await rig.reconcile();
  const s = rig.lastStatus();
  assert.deepEqual(
    {
      replicas: s.replicas,
      ready: s.readyReplicas,
      available: s.availableReplicas,
      current: s.currentReplicas,
      updated: s.updatedReplicas,
      currentRevision: s.currentRevision,
      updateRevision: s.updateRevision,
    },
    {
      replicas: 3,
      ready: 3,
      available: 3,
      current: 3,
      updated: 3,
      currentRevision: rev2.metadata.name,
      updateRevision: rev2.metadata.name,
    },
  );
});

test('minReadySeconds: a pod ready too briefly is not available and holds back the next one', async () => {
  const { rig } = await setup({ minReadySeconds: 120 }, ['ready']);
  await rig.reconcile();
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('create')),
    [],
  );
  assert.equal(rig.lastStatus().readyReplicas, 1);
  assert.equal(rig.lastStatus().availableReplicas, 0);
  assert.equal(rig.controller.queued(), 0, 'requeued later, not now');
  rig.clock.advance(61_000);
  rig.reset();
  await rig.reconcile();
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('create')),
    ['create pods/web-1'],
  );
});

test('a Failed pod is deleted so it can be recreated', async () => {
  const { rig } = await setup({}, ['ready', 'failed']);
  await rig.reconcile();
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('delete')),
    ['delete pods/web-1'],
  );
  assert.ok(
    rig.events().includes('RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-1'),
  );
});

test('persistentVolumeClaimRetentionPolicy sets the owners the garbage collector acts on', async () => {
  // whenDeleted=Delete: new claims are owned by the set.
  const a = await setup(
    {
      volumeClaimTemplates: [claimTemplate],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    },
    [],
  );
  await a.rig.reconcile();
  const claim = a.rig.body('create persistentvolumeclaims/www-web-0');
  assert.deepEqual(
    claim.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${String(r.controller)}`),
    ['StatefulSet/web/true'],
  );

  // whenScaled=Delete: the claim of a scaled-away pod is handed to the pod before it is deleted.
  const b = await setup(
    {
      replicas: 1,
      volumeClaimTemplates: [claimTemplate],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
    },
    [],
  );
  const setRef = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name: 'web',
    uid: b.set.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  for (let i = 0; i < 2; i++) {
    await b.rig.seed('persistentvolumeclaims', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `www-web-${i}`, namespace: 'default', ownerReferences: [setRef] },
      spec: {},
    } as KubeObject);
  }
  const web0 = await seedPod(b.rig, b.set, 0, b.rev);
  const web1 = await seedPod(b.rig, b.set, 1, b.rev);
  b.rig.reset();
  await b.rig.reconcile();
  assert.deepEqual(b.rig.writes().slice(0, 2), [
    'patch persistentvolumeclaims/www-web-1',
    'delete pods/web-1',
  ]);
  const patch = b.rig.body('patch persistentvolumeclaims/www-web-1') as { metadata: KubeObject['metadata'] };
  assert.deepEqual(patch.metadata.ownerReferences, [
    { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: web1.metadata.uid },
  ]);
  assert.notEqual(web0.metadata.uid, undefined);
  assert.ok(
    !b.rig.writes().includes('patch persistentvolumeclaims/www-web-0'),
    'web-0 keeps the set as owner',
  );
});

test('an equal older revision is renumbered on rollback; unused revisions beyond the limit are pruned', async () => {
  const rig = new StsRig();
  const v1 = stsObj('nginx:1', { revisionHistoryLimit: 1 });
  const v2 = stsObj('nginx:2', { revisionHistoryLimit: 1 });
  const v3 = stsObj('nginx:3', { revisionHistoryLimit: 1 });
  const set = await seedSet(rig, v1);
  const own = (s: StatefulSet): StatefulSet => ({ ...s, metadata: { ...s.metadata, uid: set.metadata.uid } });
  const r1 = await seedRevision(rig, own(v1), 1);
  await seedRevision(rig, own(v2), 2);
  const r3 = await seedRevision(rig, own(v3), 3);
  for (let i = 0; i < 3; i++) await seedPod(rig, set, i, r3);
  rig.reset();
  await rig.reconcile();
  const writes = rig.writes();
  assert.equal(writes[0], `update controllerrevisions/${r1.metadata.name}`);
  assert.equal((rig.body(writes[0] ?? '') as ControllerRevision).revision, 4);
  assert.equal(rig.lastStatus().updateRevision, r1.metadata.name);
  // r3 is used by pods, r1 is the update revision; r2 is history, within the limit of 1.
  assert.ok(!writes.some((w) => w.startsWith('delete controllerrevisions')), writes.join(', '));

  const rig2 = new StsRig();
  const set2 = await seedSet(rig2, v3);
  const own2 = (s: StatefulSet): StatefulSet => ({
    ...s,
    metadata: { ...s.metadata, uid: set2.metadata.uid },
  });
  const old1 = await seedRevision(rig2, own2(v1), 1);
  await seedRevision(rig2, own2(v2), 2);
  await seedRevision(rig2, own2(v3), 3);
  rig2.reset();
  await rig2.reconcile();
  assert.ok(
    rig2.writes().includes(`delete controllerrevisions/${old1.metadata.name}`),
    rig2.writes().join(', '),
  );
  assert.equal(rig2.writes().filter((w) => w.startsWith('delete controllerrevisions')).length, 1);
});

test('orphan pods that match are adopted; owned pods that stop matching are released', async () => {
  const { rig, set, rev } = await setup({ replicas: 1 }, []);
  await rig.seed('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-0',
      namespace: 'default',
      labels: { app: 'web', 'controller-revision-hash': rev.metadata.name ?? '' },
    },
    spec: {},
  } as Pod);
  await seedPod(rig, set, 1, rev, 'ready');
  const stray = rig.informers.forResource('', 'v1', 'pods').lister.get('default', 'web-1')!;
  const changed = structuredClone(stray) as Pod;
  changed.metadata.labels = { app: 'other' };
  rig.informers.forResource('', 'v1', 'pods').store.upsert(changed);
  rig.reset();
  await rig.reconcile();
  // Adopting web-0 and releasing web-1 come first, in either order.
  assert.deepEqual(rig.writes().slice(0, 2).sort(), ['patch pods/web-0', 'patch pods/web-1']);
  const adopt = rig.body('patch pods/web-0') as { metadata: KubeObject['metadata'] };
  assert.equal(adopt.metadata.ownerReferences?.[0]?.uid, set.metadata.uid);
});
