import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../api/errors.ts';
import { replicaSetController, statusCoalesceMs, type ReplicaSetController } from './controller.ts';
import { readyConditions, Rig } from './testing.ts';
import type { Pod, ReplicaSet } from './types.ts';

const ns = 'default';

function rsObj(name: string, replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: ns, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'front' } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
      ...extra,
    },
  };
}

function podObj(name: string, labels: Record<string, string>, owner?: ReplicaSet): Pod {
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: {} };
  if (owner) {
    pod.metadata.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: owner.metadata.name ?? '',
        uid: owner.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
  return pod;
}

async function setup(): Promise<{ rig: Rig; c: ReplicaSetController }> {
  const rig = new Rig();
  const c = replicaSetController();
  c.init(rig.ctx);
  return { rig, c };
}

test('scale up creates pods from the template with a controller reference, in slow-start batches', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 5));
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  const creates = rig.writeActions().filter((a) => a.verb === 'create');
  assert.equal(creates.length, 5);
  const pod = creates[0]!.body as Pod;
  assert.equal(pod.metadata.generateName, 'web-abc-');
  assert.deepEqual(pod.metadata.labels, { app: 'web', tier: 'front' });
  assert.deepEqual(pod.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-abc',
      uid: rs.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.deepEqual(pod.spec, { containers: [{ name: 'c', image: 'nginx' }] });
  const created = rig.api.list('pods', ns);
  assert.equal(created.length, 5);
  for (const p of created) assert.match(p.metadata.name ?? '', /^web-abc-[a-z0-9]{5}$/);
  // Status reflects the (still empty) cache; the pods come in through the informer.
  assert.deepEqual(rig.writes().at(-1), 'update replicasets/web-abc/status');
  assert.deepEqual(c.expectations.pending(`${ns}/web-abc`), { adds: 5, deletes: 0 });
});

test('expectations: no second round of creates until the informer has seen the first', async () => {
  const { rig, c } = await setup();
  await rig.seed('replicasets', rsObj('web-abc', 3));
  await c.reconcile(`${ns}/web-abc`);
  rig.reset();
  await c.reconcile(`${ns}/web-abc`); // cache still lags
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('create')),
    [],
  );
  const pods = rig.api.list('pods', ns);
  rig.event('pods', 'ADDED', pods[0]!);
  rig.event('pods', 'ADDED', pods[1]!);
  assert.deepEqual(c.expectations.pending(`${ns}/web-abc`), { adds: 1, deletes: 0 });
  assert.equal(c.expectations.satisfied(`${ns}/web-abc`), false);
  rig.event('pods', 'ADDED', pods[2]!);
  assert.equal(c.expectations.satisfied(`${ns}/web-abc`), true);
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  assert.deepEqual(rig.writes(), ['update replicasets/web-abc/status']);
  const st = (rig.api.list('replicasets', ns)[0] as ReplicaSet).status;
  assert.equal(st?.replicas, 3);
  assert.equal(st?.fullyLabeledReplicas, 3);
});

test('expectations expire after the TTL so a lost event cannot wedge the ReplicaSet', async () => {
  const { rig, c } = await setup();
  await rig.seed('replicasets', rsObj('web-abc', 2));
  await c.reconcile(`${ns}/web-abc`);
  rig.clock.advance(5 * 60 * 1000 + 1);
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 2);
});

test('a failing create stops the slow start early, lowers expectations and sets ReplicaFailure', async () => {
  const { rig, c } = await setup();
  await rig.seed('replicasets', rsObj('web-abc', 10));
  let allowed = 3;
  rig.api.reactors.push((req, a) => {
    if (a.verb !== 'create' || a.resource !== 'pods') return undefined;
    if (allowed-- > 0) return undefined;
    const err = new StatusError(403, 'Forbidden', 'pods "web-abc-x" is forbidden: exceeded quota: q');
    return { status: 403, headers: {}, body: Buffer.from(JSON.stringify(err.status)) };
  });
  rig.reset();
  await assert.rejects(c.reconcile(`${ns}/web-abc`), /exceeded quota/);
  // Batches of 1, 2 succeed; the batch of 4 fails; the remaining 3 are never tried.
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 7);
  assert.equal(rig.api.list('pods', ns).length, 3);
  assert.deepEqual(c.expectations.pending(`${ns}/web-abc`), { adds: 3, deletes: 0 });
  const st = (rig.api.list('replicasets', ns)[0] as ReplicaSet).status;
  const cond = st?.conditions?.find((x) => x.type === 'ReplicaFailure');
  assert.equal(cond?.status, 'True');
  assert.equal(cond?.reason, 'FailedCreate');
  assert.match(cond?.message ?? '', /exceeded quota/);
});

test('ReplicaFailure is cleared once a sync manages replicas cleanly', async () => {
  const { rig, c } = await setup();
  await rig.seed('replicasets', rsObj('web-abc', 0), (rs) => {
    rs.status = {
      replicas: 0,
      conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'x' }],
    };
  });
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  const st = (rig.writeActions().at(-1)?.body as ReplicaSet).status;
  assert.equal(st?.conditions, undefined);
});

interface PodCase {
  name: string;
  node?: string;
  phase?: 'Pending' | 'Running';
  readySinceMin?: number;
  createdMin: number;
}

const scaleDownCases: { name: string; pods: PodCase[]; replicas: number; deleted: string[] }[] = [
  {
    name: 'unscheduled, then pending, then not ready go first',
    replicas: 2,
    pods: [
      { name: 'ready-old', node: 'n1', phase: 'Running', readySinceMin: 10, createdMin: 0 },
      { name: 'ready-new', node: 'n2', phase: 'Running', readySinceMin: 20, createdMin: 15 },
      { name: 'pending', node: 'n3', phase: 'Pending', createdMin: 1 },
      { name: 'unscheduled', createdMin: 2 },
      { name: 'not-ready', node: 'n4', phase: 'Running', createdMin: 3 },
    ],
    deleted: ['not-ready', 'pending', 'unscheduled'],
  },
  {
    name: 'among equally ready pods the newest goes first',
    replicas: 1,
    pods: [
      { name: 'a', node: 'n1', phase: 'Running', readySinceMin: 10, createdMin: 0 },
      { name: 'b', node: 'n2', phase: 'Running', readySinceMin: 10, createdMin: 5 },
      { name: 'c', node: 'n3', phase: 'Running', readySinceMin: 10, createdMin: 3 },
    ],
    deleted: ['b', 'c'],
  },
];

for (const tc of scaleDownCases) {
  test(`scale down order: ${tc.name}`, async () => {
    const { rig, c } = await setup();
    const t0 = rig.clock.now() - 60 * 60 * 1000;
    const rs = await rig.seed('replicasets', rsObj('web-abc', tc.replicas));
    for (const p of tc.pods) {
      await rig.seed('pods', podObj(p.name, { app: 'web', tier: 'front' }, rs), (pod) => {
        pod.metadata.creationTimestamp = new Date(t0 + p.createdMin * 60000).toISOString();
        if (p.node) pod.spec = { nodeName: p.node };
        pod.status = {
          phase: p.phase ?? 'Pending',
          conditions: p.readySinceMin === undefined ? [] : readyConditions(t0 + p.readySinceMin * 60000),
        };
      });
    }
    rig.reset();
    await c.reconcile(`${ns}/web-abc`);
    const deleted = rig
      .writeActions()
      .filter((a) => a.verb === 'delete')
      .map((a) => a.name);
    assert.deepEqual(deleted.sort(), [...tc.deleted].sort());
    assert.deepEqual(c.expectations.pending(`${ns}/web-abc`), { adds: 0, deletes: tc.deleted.length });
    const gone = rig.api.list('pods', ns).length;
    assert.equal(gone, tc.pods.length - tc.deleted.length);
  });
}

test('deletions are observed through pod events, per pod', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 0));
  const p1 = await rig.seed('pods', podObj('p1', { app: 'web' }, rs));
  const p2 = await rig.seed('pods', podObj('p2', { app: 'web' }, rs));
  await c.reconcile(`${ns}/web-abc`);
  assert.deepEqual(c.expectations.pending(`${ns}/web-abc`), { adds: 0, deletes: 2 });
  rig.event('pods', 'MODIFIED', {
    ...p1,
    metadata: { ...p1.metadata, resourceVersion: '999', deletionTimestamp: '2026-01-01T00:00:00Z' },
  });
  rig.event('pods', 'DELETED', p1);
  assert.deepEqual(c.expectations.pending(`${ns}/web-abc`), { adds: 0, deletes: 1 });
  rig.event('pods', 'DELETED', p2);
  assert.equal(c.expectations.satisfied(`${ns}/web-abc`), true);
});

test('adopts matching orphans and releases owned pods that stopped matching', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 2));
  await rig.seed('pods', podObj('orphan', { app: 'web' }));
  await rig.seed('pods', podObj('unrelated', { app: 'db' }));
  await rig.seed('pods', podObj('relabelled', { app: 'debug' }, rs));
  await rig.seed('pods', podObj('owned', { app: 'web' }, rs));
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  const patches = rig.writeActions().filter((a) => a.verb === 'patch');
  assert.deepEqual(patches.map((a) => a.name).sort(), ['orphan', 'relabelled']);
  const orphan = rig.api.list('pods', ns).find((p) => p.metadata.name === 'orphan');
  assert.equal(orphan?.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid);
  assert.equal(orphan?.metadata.ownerReferences?.[0]?.controller, true);
  const relabelled = rig.api.list('pods', ns).find((p) => p.metadata.name === 'relabelled');
  assert.equal(relabelled?.metadata.ownerReferences, undefined);
  // Two claimed pods already: nothing to create.
  assert.equal(rig.writes().filter((w) => w === 'create pods').length, 0);
  // The adoption re-read the ReplicaSet from the API first.
  assert.ok(rig.api.actions.some((a) => a.verb === 'get' && a.resource === 'replicasets'));
});

test('a ReplicaSet being deleted adopts nothing and creates nothing', async () => {
  const { rig, c } = await setup();
  await rig.seed('replicasets', rsObj('web-abc', 2), (rs) => {
    rs.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  });
  await rig.seed('pods', podObj('orphan', { app: 'web' }));
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  assert.deepEqual(rig.writes(), ['update replicasets/web-abc/status']);
});

test('an orphan is not adopted when a fresh read shows the ReplicaSet is being deleted', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 1));
  await rig.client
    .resource('apps', 'v1', 'replicasets')
    .patch(ns, 'web-abc', 'merge', { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } });
  assert.ok(rs.metadata.uid);
  await rig.seed('pods', podObj('orphan', { app: 'web' }));
  rig.reset();
  await assert.rejects(c.reconcile(`${ns}/web-abc`), /being deleted/);
  assert.equal(rig.writes().filter((w) => w.startsWith('patch')).length, 0);
});

test('status counts ready and available pods; availability waits for minReadySeconds', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 3, { minReadySeconds: 30 }));
  const now = rig.clock.now();
  const states: [string, number | undefined][] = [
    ['old', now - 60_000],
    ['fresh', now - 5_000],
    ['unready', undefined],
  ];
  for (const [name, since] of states) {
    await rig.seed('pods', podObj(name, { app: 'web' }, rs), (p) => {
      p.status = { phase: 'Running', conditions: since === undefined ? [] : readyConditions(since) };
    });
  }
  rig.reset();
  await c.reconcile(`${ns}/web-abc`);
  const st = (rig.writeActions().at(-1)?.body as ReplicaSet).status;
  assert.deepEqual(st, {
    replicas: 3,
    fullyLabeledReplicas: 0,
    readyReplicas: 2,
    availableReplicas: 1,
    observedGeneration: 1,
  });
});

test('a pod turning Ready re-queues its ReplicaSet after minReadySeconds', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 1, { minReadySeconds: 10 }));
  const pod = await rig.seed('pods', podObj('p', { app: 'web' }, rs));
  rig.event('pods', 'MODIFIED', {
    ...pod,
    metadata: { ...pod.metadata, resourceVersion: '100' },
    status: { phase: 'Running', conditions: readyConditions(rig.clock.now()) },
  });
  const q = (c as unknown as { queue: { get(): Promise<string>; done(k: string): void } }).queue;
  while (c.queued() > 0) q.done(await q.get());
  rig.clock.advance(9_000);
  assert.equal(c.queued(), 0);
  rig.clock.advance(1_001);
  assert.equal(c.queued(), 1);
});

test('status-only pod changes reach the ReplicaSet after a short wait, together; a pod that stops being active at once', async () => {
  const { rig, c } = await setup();
  const rs = await rig.seed('replicasets', rsObj('web-abc', 2));
  const a = await rig.seed('pods', podObj('a', { app: 'web' }, rs));
  const b = await rig.seed('pods', podObj('b', { app: 'web' }, rs));
  const q = (c as unknown as { queue: { get(): Promise<string>; done(k: string): void } }).queue;
  const drain = async () => {
    while (c.queued() > 0) q.done(await q.get());
  };
  await drain();
  let rv = 100;
  const modify = (pod: Pod, status: Pod['status']) =>
    rig.event('pods', 'MODIFIED', {
      ...pod,
      metadata: { ...pod.metadata, resourceVersion: String(rv++) },
      status,
    });
  // Both pods turn Ready: one sync for both, after the wait.
  modify(a, { phase: 'Running', conditions: readyConditions(rig.clock.now()) });
  modify(b, { phase: 'Running', conditions: readyConditions(rig.clock.now()) });
  assert.equal(c.queued(), 0);
  rig.clock.advance(statusCoalesceMs);
  assert.equal(c.queued(), 1);
  await drain();
  // A pod that failed must be replaced: no wait.
  modify(a, { phase: 'Failed' });
  assert.equal(c.queued(), 1);
});

test('reconcile of a deleted ReplicaSet does nothing', async () => {
  const { rig, c } = await setup();
  await c.reconcile(`${ns}/gone`);
  assert.deepEqual(rig.writes(), []);
});
