import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../../client/clock.ts';
import { daemonSetController, type DaemonSetController } from './controller.ts';
import { targetNodeName } from './pod-template.ts';
import { dsObj, DsRig, nodeObj, ns, readyConditions } from './testing.ts';
import type { ControllerRevision, DaemonSet, Node, Pod } from './types.ts';

async function setup(nodes: Node[]): Promise<{ rig: DsRig; c: DaemonSetController }> {
  const rig = new DsRig();
  const c = daemonSetController();
  c.init(rig.ctx);
  for (const n of nodes) await rig.seed('nodes', n);
  rig.reset();
  return { rig, c };
}

const key = (name: string): string => `${ns}/${name}`;
/** Pod name → node, remembered across deletions so a test can say where a deleted pod ran. */
const podNodeOf = new Map<string, string>();
const pods = (rig: DsRig): Pod[] => rig.api.list('pods', ns) as Pod[];
const podNodes = (rig: DsRig): string[] =>
  pods(rig)
    .map((p) => targetNodeName(p) ?? '?')
    .sort();
const dsStatus = (rig: DsRig, name: string): DaemonSet['status'] =>
  (rig.api.list('daemonsets', ns) as DaemonSet[]).find((d) => d.metadata.name === name)?.status;

/** Reconciles and lets the fake kubelet run, `rounds` times. */
async function converge(rig: DsRig, c: DaemonSetController, name: string, rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await c.reconcile(key(name));
    await rig.kubelet();
  }
}

/** Changes the DaemonSet's image (a template change: generation + 1) and syncs the caches. */
async function setImage(rig: DsRig, name: string, image: string): Promise<void> {
  const dss = rig.resource<DaemonSet>('daemonsets');
  const cur = await dss.get(ns, name);
  cur.spec.template!.spec!.containers![0]!.image = image;
  cur.metadata.generation = (cur.metadata.generation ?? 1) + 1;
  await dss.update(ns, cur);
  rig.sync();
}

test('one pod per eligible node, created with node affinity, a revision and events', async () => {
  const { rig, c } = await setup([
    nodeObj('a'),
    nodeObj('b', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
    nodeObj('c', {
      unschedulable: true,
      taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
    }),
  ]);
  await rig.seed('daemonsets', dsObj('d'));
  rig.reset();
  await c.reconcile(key('d'));
  assert.deepEqual(rig.createdOn().sort(), ['a', 'c']);
  const revs = rig.api.list('controllerrevisions', ns) as ControllerRevision[];
  assert.equal(revs.length, 1);
  assert.equal(revs[0]!.revision, 1);
  const hash = revs[0]!.metadata.labels?.['controller-revision-hash'];
  assert.equal(revs[0]!.metadata.name, `d-${hash}`);
  assert.equal(revs[0]!.metadata.labels?.app, 'd');
  assert.equal((revs[0]!.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
  for (const p of pods(rig)) {
    assert.equal(p.metadata.labels?.['controller-revision-hash'], hash);
    assert.equal(p.metadata.labels?.['pod-template-generation'], '1');
    assert.equal(p.spec?.nodeName, undefined);
    assert.equal(p.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');
  }
  assert.deepEqual(rig.events().filter((e) => e.startsWith('SuccessfulCreate')).length, 2);
  assert.match(rig.events()[0]!, /^SuccessfulCreate: Created pod: d-\w+$/);
  assert.equal(rig.writes().at(-1), 'update daemonsets/d/status');
  assert.equal(dsStatus(rig, 'd')?.desiredNumberScheduled, 2);
  assert.equal(dsStatus(rig, 'd')?.observedGeneration, 1);

  // The cache has not seen the pods: a second pass must not create them again.
  rig.reset();
  await c.reconcile(key('d'));
  assert.deepEqual(rig.createdOn(), []);
  assert.deepEqual(c.expectations.pending(key('d')), { adds: 2, deletes: 0 });

  await rig.kubelet();
  assert.equal(c.expectations.satisfied(key('d')), true);
  await c.reconcile(key('d'));
  assert.deepEqual(podNodes(rig), ['a', 'c']);
  const st = dsStatus(rig, 'd');
  assert.equal(st?.currentNumberScheduled, 2);
  assert.equal(st?.numberReady, 2);
  assert.equal(st?.numberAvailable, 2);
  assert.equal(st?.updatedNumberScheduled, 2);
  assert.equal(st?.numberUnavailable, 0);
  assert.equal(st?.numberMisscheduled, 0);
});

test('a node that joins gets a pod; a node that leaves loses it at once', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  await rig.seed('daemonsets', dsObj('d'));
  await converge(rig, c, 'd', 2);
  assert.deepEqual(podNodes(rig), ['a']);

  await rig.resource<Node>('nodes').create(undefined, nodeObj('b'));
  rig.sync('nodes');
  assert.ok(c.queued() > 0, 'the new node enqueues the DaemonSet');
  rig.reset();
  await converge(rig, c, 'd', 2);
  assert.deepEqual(rig.createdOn(), ['b']);
  assert.deepEqual(podNodes(rig), ['a', 'b']);

  await rig.resource<Node>('nodes').delete(undefined, 'a');
  rig.sync('nodes');
  rig.reset();
  await c.reconcile(key('d'));
  const del = rig.api.writes().find((a) => a.verb === 'delete' && a.resource === 'pods');
  assert.ok(del, 'the pod on the vanished node is deleted');
  assert.equal((del.body as { gracePeriodSeconds?: number }).gracePeriodSeconds, 0);
  assert.deepEqual(podNodes(rig), ['b']);
  await rig.kubelet();
  await c.reconcile(key('d'));
  assert.equal(dsStatus(rig, 'd')?.desiredNumberScheduled, 1);
});

test('taints added later: NoSchedule keeps the pod (misscheduled), NoExecute removes it', async () => {
  const { rig, c } = await setup([nodeObj('a'), nodeObj('b')]);
  await rig.seed('daemonsets', dsObj('d'));
  await converge(rig, c, 'd', 2);
  const nodes = rig.resource<Node>('nodes');

  const a = await nodes.get(undefined, 'a');
  a.spec = { taints: [{ key: 'maint', effect: 'NoSchedule' }] };
  await nodes.update(undefined, a);
  rig.sync('nodes');
  rig.reset();
  await converge(rig, c, 'd', 2);
  assert.deepEqual(podNodes(rig), ['a', 'b']);
  assert.equal(dsStatus(rig, 'd')?.numberMisscheduled, 1);
  assert.equal(dsStatus(rig, 'd')?.desiredNumberScheduled, 1);

  const b = await nodes.get(undefined, 'b');
  b.spec = { taints: [{ key: 'maint', effect: 'NoExecute' }] };
  await nodes.update(undefined, b);
  rig.sync('nodes');
  await converge(rig, c, 'd', 2);
  assert.deepEqual(podNodes(rig), ['a']);
  assert.equal(dsStatus(rig, 'd')?.desiredNumberScheduled, 0);
});

test('a failed daemon pod is deleted and recreated, with backoff between repeats', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  await rig.seed('daemonsets', dsObj('d'));
  await converge(rig, c, 'd', 2);
  const fail = async (): Promise<void> => {
    const p = pods(rig)[0]!;
    p.status = { phase: 'Failed' };
    await rig.resource<Pod>('pods').updateStatus(ns, p);
    rig.sync('pods');
  };
  await fail();
  rig.reset();
  await c.reconcile(key('d'));
  assert.ok(
    rig
      .events()
      .some((e) =>
        /^FailedDaemonPod: Found failed daemon pod default\/d-\w+ on node a, will try to kill it$/.test(e),
      ),
  );
  assert.deepEqual(pods(rig), []);
  rig.sync('pods');
  await c.reconcile(key('d'));
  assert.deepEqual(rig.createdOn(), ['a']);
  await rig.kubelet();

  // Failing again within the backoff window: left alone, looked at again later.
  await fail();
  rig.reset();
  const r = await c.reconcile(key('d'));
  assert.deepEqual(
    rig.writes().filter((w) => w.startsWith('delete')),
    [],
  );
  assert.ok(r && r.requeueAfterMs > 0 && r.requeueAfterMs <= 1000, JSON.stringify(r));
  rig.clock.advance(1000);
  await c.reconcile(key('d'));
  assert.deepEqual(rig.writes().filter((w) => w.startsWith('delete pods')).length, 1);
});

test('RollingUpdate with maxUnavailable 1 replaces one node at a time, in node order', async () => {
  const { rig, c } = await setup([nodeObj('n3'), nodeObj('n1'), nodeObj('n2')]);
  await rig.seed('daemonsets', dsObj('d'));
  await converge(rig, c, 'd', 2);
  await setImage(rig, 'd', 'busybox:2');
  rig.reset();
  for (const p of pods(rig)) podNodeOf.set(p.metadata.name!, p.spec?.nodeName ?? '');
  const deletedOn: string[] = [];
  for (let i = 0; i < 12; i++) {
    const before = rig.api.writes().length;
    await c.reconcile(key('d'));
    for (const a of rig.api.writes().slice(before)) {
      if (a.verb !== 'delete' || a.resource !== 'pods') continue;
      deletedOn.push(podNodeOf.get(a.name!) ?? '?');
    }
    // At most one node is without an available daemon at any moment.
    const up = new Set(
      pods(rig)
        .filter((p) => p.status?.phase === 'Running')
        .map((p) => p.spec?.nodeName),
    );
    assert.ok(up.size >= 2, `step ${i}: only ${[...up].join(',')} up`);
    await rig.kubelet();
    for (const p of pods(rig)) podNodeOf.set(p.metadata.name!, p.spec?.nodeName ?? '');
  }
  assert.deepEqual(deletedOn, ['n1', 'n2', 'n3']);
  assert.ok(pods(rig).every((p) => (p.spec?.containers?.[0]?.image ?? '') === 'busybox:2'));
  assert.equal(pods(rig).length, 3);
  const st = dsStatus(rig, 'd');
  assert.equal(st?.updatedNumberScheduled, 3);
  assert.equal(st?.numberAvailable, 3);
  assert.equal(st?.observedGeneration, 2);
  assert.equal(rig.api.list('controllerrevisions', ns).length, 2);
});

test('RollingUpdate with maxSurge 1 starts the new pod before the old one goes', async () => {
  const { rig, c } = await setup([nodeObj('n1'), nodeObj('n2'), nodeObj('n3')]);
  await rig.seed(
    'daemonsets',
    dsObj('d', 'busybox:1', {
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    }),
  );
  await converge(rig, c, 'd', 2);
  await setImage(rig, 'd', 'busybox:2');
  rig.reset();
  for (const p of pods(rig)) podNodeOf.set(p.metadata.name!, p.spec?.nodeName ?? '');
  const steps: string[] = [];
  for (let i = 0; i < 12; i++) {
    const before = rig.api.writes().length;
    await c.reconcile(key('d'));
    for (const a of rig.api.writes().slice(before)) {
      if (a.resource !== 'pods') continue;
      if (a.verb === 'create') steps.push(`create ${targetNodeName(a.body as Pod)}`);
      if (a.verb === 'delete') steps.push(`delete ${podNodeOf.get(a.name!)}`);
    }
    // Every node keeps a Running daemon throughout.
    const up = new Set(
      pods(rig)
        .filter((p) => p.status?.phase === 'Running')
        .map((p) => p.spec?.nodeName),
    );
    assert.equal(up.size, 3, `step ${i}`);
    // Never more than one extra pod.
    assert.ok(pods(rig).length <= 4);
    await rig.kubelet();
    for (const p of pods(rig)) podNodeOf.set(p.metadata.name!, p.spec?.nodeName ?? '');
  }
  assert.deepEqual(steps, ['create n1', 'delete n1', 'create n2', 'delete n2', 'create n3', 'delete n3']);
  assert.ok(pods(rig).every((p) => p.spec?.containers?.[0]?.image === 'busybox:2'));
});

test('OnDelete leaves old pods until they are deleted by hand', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  await rig.seed('daemonsets', dsObj('d', 'busybox:1', { updateStrategy: { type: 'OnDelete' } }));
  await converge(rig, c, 'd', 2);
  await setImage(rig, 'd', 'busybox:2');
  rig.reset();
  await converge(rig, c, 'd', 2);
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('pods')),
    [],
  );
  assert.equal(dsStatus(rig, 'd')?.updatedNumberScheduled, 0);
  await rig.resource<Pod>('pods').delete(ns, pods(rig)[0]!.metadata.name!);
  rig.sync('pods');
  await converge(rig, c, 'd', 2);
  assert.equal(pods(rig)[0]?.spec?.containers?.[0]?.image, 'busybox:2');
  assert.equal(dsStatus(rig, 'd')?.updatedNumberScheduled, 1);
});

test('minReadySeconds: Ready pods become available after the delay', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  await rig.seed('daemonsets', dsObj('d', 'busybox:1', { minReadySeconds: 30 }));
  await c.reconcile(key('d'));
  await rig.kubelet();
  const r = await c.reconcile(key('d'));
  assert.deepEqual(r, { requeueAfterMs: 30_000 });
  assert.equal(dsStatus(rig, 'd')?.numberReady, 1);
  assert.equal(dsStatus(rig, 'd')?.numberAvailable, 0);
  rig.sync();
  rig.clock.advance(30_000);
  assert.equal(await c.reconcile(key('d')), undefined);
  assert.equal(dsStatus(rig, 'd')?.numberAvailable, 1);
});

test('adopts a matching orphan and releases a pod whose labels stop matching', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  // OnDelete: a RollingUpdate would go on to replace the adopted pod (it lacks the current hash).
  const ds = await rig.seed('daemonsets', dsObj('d', 'busybox:1', { updateStrategy: { type: 'OnDelete' } }));
  await rig.seed('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'stray', namespace: ns, labels: { app: 'd' } },
    spec: { nodeName: 'a' },
    status: { phase: 'Running', conditions: readyConditions(rig.clock.now()) },
  } as Pod);
  rig.reset();
  await c.reconcile(key('d'));
  assert.ok(rig.writes().includes('patch pods/stray'));
  assert.deepEqual(rig.createdOn(), [], 'the adopted pod serves node a');
  const adopted = pods(rig).find((p) => p.metadata.name === 'stray');
  assert.equal(adopted?.metadata.ownerReferences?.[0]?.uid, ds.metadata.uid);

  rig.sync();
  const p = pods(rig)[0]!;
  p.metadata.labels = { app: 'other' };
  await rig.resource<Pod>('pods').update(ns, p);
  rig.sync();
  rig.reset();
  await c.reconcile(key('d'));
  assert.equal(pods(rig).find((x) => x.metadata.name === 'stray')?.metadata.ownerReferences, undefined);
  assert.deepEqual(rig.createdOn(), ['a']);
});

test('rolling back renumbers the old revision; revisionHistoryLimit prunes unused ones', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  await rig.seed('daemonsets', dsObj('d', 'busybox:1', { revisionHistoryLimit: 1 }));
  await converge(rig, c, 'd', 2);
  await setImage(rig, 'd', 'busybox:2');
  await converge(rig, c, 'd', 4);
  await setImage(rig, 'd', 'busybox:1');
  await converge(rig, c, 'd', 4);
  const revs = (rig.api.list('controllerrevisions', ns) as ControllerRevision[]).sort(
    (x, y) => x.revision - y.revision,
  );
  assert.deepEqual(
    revs.map((r) => r.revision),
    [2, 3],
  );
  const img = (r: ControllerRevision) =>
    (r.data as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec
      .containers[0]!.image;
  assert.equal(img(revs[1]!), 'busybox:1');
  assert.equal(
    pods(rig)[0]?.metadata.labels?.['controller-revision-hash'],
    revs[1]!.metadata.labels?.['controller-revision-hash'],
  );

  await setImage(rig, 'd', 'busybox:3');
  await converge(rig, c, 'd', 4);
  assert.deepEqual(
    (rig.api.list('controllerrevisions', ns) as ControllerRevision[]).map((r) => r.revision).sort(),
    [3, 4],
  );
});

test('a DaemonSet being deleted is left alone', async () => {
  const { rig, c } = await setup([nodeObj('a')]);
  const ds = dsObj('d');
  ds.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  rig.informer('daemonsets').store.upsert(ds);
  await c.reconcile(key('d'));
  assert.deepEqual(rig.writes(), []);
});

test('workers wait until every cache has synced', async () => {
  const rig = new DsRig();
  const c = daemonSetController();
  await rig.resource<Node>('nodes').create(undefined, nodeObj('a'));
  const ds = await rig
    .resource<DaemonSet>('daemonsets')
    .create(ns, dsObj('d', 'busybox:1', { updateStrategy: { type: 'OnDelete' } }));
  await rig.resource<Pod>('pods').create(ns, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'd-1',
      namespace: ns,
      labels: { app: 'd' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: ds.metadata.uid!, controller: true },
      ],
    },
    spec: { nodeName: 'a' },
  });
  rig.reset();
  await c.start(rig.ctx);
  // Pods listed but nodes not yet: a sync now would take node a for gone and delete its pod.
  rig.sync('daemonsets', 'pods', 'controllerrevisions');
  await settle();
  assert.deepEqual(rig.writes(), []);
  rig.sync('nodes');
  for (let i = 0; i < 50 && !rig.writes().includes('update daemonsets/d/status'); i++) await settle();
  assert.deepEqual(
    rig.writes().filter((w) => w.includes('pods')),
    [],
  );
  assert.ok(rig.writes().includes('update daemonsets/d/status'));
  await c.stop();
});
