import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeLifecycleController } from './controller.ts';
import { nodeLease, NodeRig, readyNode, runningPod } from './testing.ts';
import type { Node, Pod } from './types.ts';

const grace = 40_000;

async function setup(nodes = ['n1', 'n2']) {
  const rig = new NodeRig();
  const c = nodeLifecycleController({ nodeMonitorGracePeriodMs: grace });
  c.init(rig.ctx);
  for (const n of nodes) {
    await rig.add('nodes', readyNode(n, rig.clock.now()));
    await rig.add('leases', nodeLease(n, rig.clock.now()));
  }
  return { rig, c };
}

const conditions = (rig: NodeRig, name: string) =>
  Object.fromEntries(
    (rig.get<Node>('nodes', '', name)?.status?.conditions ?? []).map((c) => [
      c.type,
      `${c.status} ${c.reason}`,
    ]),
  );
const taints = (rig: NodeRig, name: string) =>
  (rig.get<Node>('nodes', '', name)?.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);

/** Renews n's Lease at the current time and lets the informer see it. */
async function renew(rig: NodeRig, n: string) {
  await rig.put('leases', nodeLease(n, rig.clock.now()));
}

test('a healthy node is left alone and looked at again when its grace period would run out', async () => {
  const { rig, c } = await setup();
  rig.reset();
  const r = await c.reconcile('n1');
  assert.deepEqual(rig.writes(), []);
  assert.deepEqual(r, { requeueAfterMs: grace + 1 });
  rig.clock.advance(15_000);
  await renew(rig, 'n1');
  // The lease renewal restarts the grace period.
  assert.deepEqual(await c.reconcile('n1'), { requeueAfterMs: grace + 1 });
});

test('status heartbeats count as well as lease renewals', async () => {
  const { rig, c } = await setup(['n1']);
  await c.reconcile('n1');
  rig.clock.advance(30_000);
  await rig.put('nodes', readyNode('n1', rig.clock.now()));
  assert.deepEqual(await c.reconcile('n1'), { requeueAfterMs: grace + 1 });
});

test('silence for the grace period: conditions Unknown, unreachable taints, pods not ready', async () => {
  const { rig, c } = await setup();
  await rig.add('pods', runningPod('web-1', 'n1'));
  await rig.add('pods', runningPod('other', 'n2'));
  await c.reconcile('n1');
  await c.reconcile('n2');
  rig.clock.advance(grace - 1);
  await renew(rig, 'n2');
  rig.reset();
  assert.deepEqual(await c.reconcile('n1'), { requeueAfterMs: 2 });
  assert.deepEqual(rig.writes(), [], 'one millisecond short of the grace period');
  rig.clock.advance(1);
  assert.equal(await c.reconcile('n1'), undefined);
  assert.deepEqual(rig.writes(), ['update nodes/n1/status', 'update nodes/n1', 'update pods/web-1/status']);
  assert.deepEqual(conditions(rig, 'n1'), {
    MemoryPressure: 'Unknown NodeStatusUnknown',
    DiskPressure: 'Unknown NodeStatusUnknown',
    PIDPressure: 'Unknown NodeStatusUnknown',
    Ready: 'Unknown NodeStatusUnknown',
  });
  const ready = rig.get<Node>('nodes', '', 'n1')?.status?.conditions?.find((x) => x.type === 'Ready');
  assert.equal(ready?.message, 'Kubelet stopped posting node status.');
  assert.equal(
    ready?.lastHeartbeatTime,
    '2026-01-01T00:00:00Z',
    'the heartbeat time stays the last one heard',
  );
  assert.equal(ready?.lastTransitionTime, '2026-01-01T00:00:40Z');
  assert.deepEqual(taints(rig, 'n1'), [
    'node.kubernetes.io/unreachable:NoSchedule',
    'node.kubernetes.io/unreachable:NoExecute',
  ]);
  const noExecute = rig.get<Node>('nodes', '', 'n1')?.spec?.taints?.find((t) => t.effect === 'NoExecute');
  assert.equal(noExecute?.timeAdded, '2026-01-01T00:00:40Z');
  const pod = rig.get<Pod>('pods', 'default', 'web-1');
  assert.equal(pod?.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
  assert.equal(
    rig.get<Pod>('pods', 'default', 'other')?.status?.conditions?.[0]?.status,
    'True',
    'pods on the healthy node keep their Ready condition',
  );
  assert.deepEqual((await rig.events()).sort(), [
    'NodeNotReady: Node is not ready',
    'NodeNotReady: Node n1 status is now: NodeNotReady',
  ]);
  // Repeating changes nothing.
  rig.sync('nodes', '', 'n1');
  rig.sync('pods', 'default', 'web-1');
  rig.reset();
  await c.reconcile('n1');
  assert.deepEqual(rig.writes(), []);
});

test('a node whose kubelet reports Ready=False gets the not-ready taints', async () => {
  const { rig, c } = await setup();
  const n = readyNode('n1', rig.clock.now());
  n.status!.conditions!.find((x) => x.type === 'Ready')!.status = 'False';
  n.status!.conditions!.find((x) => x.type === 'DiskPressure')!.status = 'True';
  await rig.put('nodes', n);
  await c.reconcile('n1');
  assert.deepEqual(taints(rig, 'n1'), [
    'node.kubernetes.io/not-ready:NoSchedule',
    'node.kubernetes.io/disk-pressure:NoSchedule',
    'node.kubernetes.io/not-ready:NoExecute',
  ]);
  assert.equal(conditions(rig, 'n1').Ready, 'False Kubelet', 'a fresh report is not overwritten');
});

test('recovery: when heartbeats return with Ready, the taints go and other taints stay', async () => {
  const { rig, c } = await setup();
  const mine = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
  await rig.put('nodes', readyNode('n1', rig.clock.now(), { taints: [mine] }));
  await c.reconcile('n1');
  await c.reconcile('n2');
  rig.clock.advance(grace);
  await renew(rig, 'n2');
  await c.reconcile('n1');
  rig.sync('nodes', '', 'n1');
  assert.deepEqual(taints(rig, 'n1'), [
    'dedicated:NoSchedule',
    'node.kubernetes.io/unreachable:NoSchedule',
    'node.kubernetes.io/unreachable:NoExecute',
  ]);
  // The kubelet comes back: it posts Ready (keeping the spec as it is) and renews its lease.
  rig.clock.advance(5_000);
  const back = structuredClone(rig.get<Node>('nodes', '', 'n1')!);
  back.status = readyNode('n1', rig.clock.now()).status;
  await rig.put('nodes', back);
  await renew(rig, 'n1');
  assert.deepEqual(await c.reconcile('n1'), { requeueAfterMs: grace + 1 });
  assert.deepEqual(taints(rig, 'n1'), ['dedicated:NoSchedule']);
  assert.equal(conditions(rig, 'n1').Ready, 'True Kubelet');
});

test('a lease renewal alone after the grace period keeps the node from being marked', async () => {
  const { rig, c } = await setup(['n1']);
  await c.reconcile('n1');
  rig.clock.advance(grace - 1000);
  await renew(rig, 'n1');
  rig.clock.advance(2000);
  rig.reset();
  await c.reconcile('n1');
  assert.deepEqual(rig.writes(), []);
});

test('a node first seen after a controller restart gets a full grace period', async () => {
  const rig = new NodeRig();
  await rig.add('nodes', readyNode('n1', rig.clock.now() - 10 * 60_000));
  const c = nodeLifecycleController({ nodeMonitorGracePeriodMs: grace });
  c.init(rig.ctx);
  rig.reset();
  assert.deepEqual(await c.reconcile('n1'), { requeueAfterMs: grace + 1 });
  assert.deepEqual(rig.writes(), []);
});

test('a node that never posted Ready waits the startup grace period, then gets NodeStatusNeverUpdated', async () => {
  const rig = new NodeRig();
  const c = nodeLifecycleController({ nodeMonitorGracePeriodMs: grace, nodeStartupGracePeriodMs: 60_000 });
  c.init(rig.ctx);
  await rig.add('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' }, spec: {} });
  await rig.add('nodes', readyNode('ok', rig.clock.now()));
  await rig.add('leases', nodeLease('ok', rig.clock.now()));
  await c.reconcile('ok');
  assert.deepEqual(await c.reconcile('bare'), { requeueAfterMs: 60_001 });
  rig.clock.advance(60_000);
  await rig.put('leases', nodeLease('ok', rig.clock.now()));
  await c.reconcile('bare');
  const ready = rig.get<Node>('nodes', '', 'bare')?.status?.conditions?.find((x) => x.type === 'Ready');
  assert.equal(ready?.reason, 'NodeStatusNeverUpdated');
  assert.equal(ready?.message, 'Kubelet never posted node status.');
  // Our own write (with the creation time as heartbeat) is not taken for the kubelet speaking.
  rig.sync('nodes', '', 'bare');
  assert.equal(await c.reconcile('bare'), undefined);
  assert.deepEqual(taints(rig, 'bare'), [
    'node.kubernetes.io/unreachable:NoSchedule',
    'node.kubernetes.io/unreachable:NoExecute',
  ]);
});

test('when every node goes silent, NoExecute taints are withheld (and removed) until one is back', async () => {
  const { rig, c } = await setup();
  await c.reconcile('n1');
  await c.reconcile('n2');
  rig.clock.advance(grace);
  await c.reconcile('n1'); // n2 still looks Ready in the cache: n1 gets NoExecute
  rig.sync('nodes', '', 'n1');
  assert.ok(taints(rig, 'n1').includes('node.kubernetes.io/unreachable:NoExecute'));
  await c.reconcile('n2'); // now no node is Ready
  rig.sync('nodes', '', 'n2');
  assert.deepEqual(taints(rig, 'n2'), ['node.kubernetes.io/unreachable:NoSchedule']);
  await c.reconcile('n1');
  rig.sync('nodes', '', 'n1');
  assert.deepEqual(taints(rig, 'n1'), ['node.kubernetes.io/unreachable:NoSchedule']);
  // n2 comes back: eviction resumes for n1.
  const back = structuredClone(rig.get<Node>('nodes', '', 'n2')!);
  back.status = readyNode('n2', rig.clock.now()).status;
  await rig.put('nodes', back);
  await c.reconcile('n2');
  rig.sync('nodes', '', 'n2');
  await c.reconcile('n1');
  assert.deepEqual(taints(rig, 'n1'), [
    'node.kubernetes.io/unreachable:NoSchedule',
    'node.kubernetes.io/unreachable:NoExecute',
  ]);
  assert.deepEqual(taints(rig, 'n2'), []);
});

test('cordoning adds the unschedulable taint; uncordoning removes it', async () => {
  const { rig, c } = await setup(['n1']);
  await rig.put('nodes', readyNode('n1', rig.clock.now(), { unschedulable: true }));
  await c.reconcile('n1');
  assert.deepEqual(taints(rig, 'n1'), ['node.kubernetes.io/unschedulable:NoSchedule']);
  rig.sync('nodes', '', 'n1');
  const cur = structuredClone(rig.get<Node>('nodes', '', 'n1')!);
  delete cur.spec!.unschedulable;
  await rig.put('nodes', cur);
  await c.reconcile('n1');
  assert.deepEqual(taints(rig, 'n1'), []);
});

test('a deleted node is forgotten', async () => {
  const { rig, c } = await setup(['n1']);
  await c.reconcile('n1');
  assert.ok(c.health.get('n1'));
  await rig.remove('nodes', '', 'n1');
  assert.equal(await c.reconcile('n1'), undefined);
  assert.equal(c.health.get('n1'), undefined);
});
