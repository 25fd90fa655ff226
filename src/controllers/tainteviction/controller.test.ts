import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeRig, readyNode, runningPod } from '../nodelifecycle/testing.ts';
import { timestamp, type Node, type Pod, type Taint, type Toleration } from '../nodelifecycle/types.ts';
import { taintEvictionController } from './controller.ts';
import { evictionDeadline } from './deadline.ts';

const unreachable = (at: number): Taint => ({
  key: 'node.kubernetes.io/unreachable',
  effect: 'NoExecute',
  timeAdded: timestamp(at),
});
const defaults = (seconds: number): Toleration[] => [
  {
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: seconds,
  },
  {
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: seconds,
  },
];

async function setup() {
  const rig = new NodeRig();
  const c = taintEvictionController();
  c.init(rig.ctx);
  await rig.add('nodes', readyNode('n1', rig.clock.now()));
  return { rig, c };
}

/** Puts taints on n1 (as the lifecycle controller would) and lets the informer see them. */
async function taint(rig: NodeRig, taints: Taint[]): Promise<void> {
  const n = structuredClone(rig.get<Node>('nodes', '', 'n1')!);
  n.spec = { ...n.spec, taints };
  await rig.put('nodes', n);
}

test('evictionDeadline table', () => {
  const t0 = 1_000_000;
  const now = t0 + 5000;
  const since = () => t0;
  const cases: { name: string; taints: Taint[]; tol?: Toleration[]; want: unknown }[] = [
    { name: 'no taints', taints: [], want: { kind: 'none' } },
    { name: 'NoSchedule only', taints: [{ key: 'x', effect: 'NoSchedule' }], want: { kind: 'none' } },
    {
      name: 'untolerated',
      taints: [unreachable(t0)],
      want: { kind: 'evict', at: now, untolerated: unreachable(t0) },
    },
    {
      name: 'tolerated for 300 s',
      taints: [unreachable(t0)],
      tol: defaults(300),
      want: { kind: 'evict', at: t0 + 300_000 },
    },
    {
      name: 'tolerated for ever',
      taints: [unreachable(t0)],
      tol: [{ operator: 'Exists' }],
      want: { kind: 'never' },
    },
    {
      name: 'most lenient matching toleration wins',
      taints: [unreachable(t0)],
      tol: [...defaults(300), { key: 'node.kubernetes.io/unreachable', operator: 'Exists' }],
      want: { kind: 'never' },
    },
    {
      name: 'negative seconds mean now',
      taints: [unreachable(t0)],
      tol: defaults(-5),
      want: { kind: 'evict', at: t0 },
    },
    {
      name: 'earliest over several taints',
      taints: [unreachable(t0), { key: 'maint', value: 'y', effect: 'NoExecute' }],
      tol: [...defaults(300), { key: 'maint', operator: 'Equal', value: 'y', tolerationSeconds: 60 }],
      want: { kind: 'evict', at: t0 + 60_000 },
    },
    {
      name: 'one of several untolerated',
      taints: [unreachable(t0), { key: 'maint', effect: 'NoExecute' }],
      tol: defaults(300),
      want: { kind: 'evict', at: now, untolerated: { key: 'maint', effect: 'NoExecute' } },
    },
  ];
  for (const c of cases) assert.deepEqual(evictionDeadline(c.taints, c.tol, since, now), c.want, c.name);
});

test('a pod that does not tolerate a NoExecute taint is marked and deleted at once', async () => {
  const { rig, c } = await setup();
  await rig.add('pods', runningPod('web-1', 'n1'));
  await taint(rig, [unreachable(rig.clock.now())]);
  rig.reset();
  assert.equal(await c.reconcile('default/web-1'), undefined);
  assert.deepEqual(rig.writes(), ['update pods/web-1/status', 'delete pods/web-1']);
  const statusWrite = rig.api.writes().find((a) => a.subresource === 'status')!.body as Pod;
  const dt = statusWrite.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  assert.deepEqual(dt, {
    type: 'DisruptionTarget',
    status: 'True',
    reason: 'DeletionByTaintManager',
    message: 'Taint manager: deleting due to NoExecute taint',
    lastTransitionTime: timestamp(rig.clock.now()),
  });
  const del = rig.api.writes().find((a) => a.verb === 'delete')!.body as { preconditions?: { uid?: string } };
  assert.ok(del.preconditions?.uid, 'the delete is pinned to this pod by uid');
  assert.deepEqual(await rig.events(), ['TaintManagerEviction: Marking for deletion Pod default/web-1']);
});

test('with tolerationSeconds the pod is deleted when the toleration runs out, counted from timeAdded', async () => {
  const { rig, c } = await setup();
  await rig.add('pods', runningPod('web-1', 'n1', defaults(300)));
  const added = rig.clock.now();
  await taint(rig, [unreachable(added)]);
  rig.clock.advance(100_000);
  rig.reset();
  assert.deepEqual(await c.reconcile('default/web-1'), { requeueAfterMs: 200_000 });
  assert.deepEqual(rig.writes(), []);
  rig.clock.advance(199_999);
  assert.deepEqual(await c.reconcile('default/web-1'), { requeueAfterMs: 1 });
  rig.clock.advance(1);
  await c.reconcile('default/web-1');
  assert.deepEqual(rig.writes(), ['update pods/web-1/status', 'delete pods/web-1']);
  assert.equal(rig.get('pods', 'default', 'web-1'), undefined);
});

test('the queue fires the eviction on time through the injected clock (addAfter)', async () => {
  const rig = new NodeRig();
  const c = taintEvictionController();
  await c.start(rig.ctx);
  await rig.add('nodes', readyNode('n1', rig.clock.now()));
  await rig.add('pods', runningPod('web-1', 'n1', defaults(5)));
  await taint(rig, [unreachable(rig.clock.now())]);
  await rig.clock.advanceAsync(4_000, 1000);
  assert.ok(rig.get('pods', 'default', 'web-1'), 'still there after 4 s');
  await rig.clock.advanceAsync(1_000, 1000);
  assert.equal(rig.get('pods', 'default', 'web-1'), undefined, 'gone after 5 s');
  await c.stop();
});

test('removing the taint before the deadline cancels the eviction', async () => {
  const { rig, c } = await setup();
  await rig.add('pods', runningPod('web-1', 'n1', defaults(300)));
  await taint(rig, [unreachable(rig.clock.now())]);
  await c.reconcile('default/web-1');
  await taint(rig, []);
  rig.clock.advance(300_000);
  rig.reset();
  assert.equal(await c.reconcile('default/web-1'), undefined);
  assert.deepEqual(rig.writes(), []);
  assert.deepEqual(await rig.events(), ['TaintManagerEviction: Cancelling deletion of Pod default/web-1']);
});

test('a taint without timeAdded counts from when it was first seen', async () => {
  const { rig, c } = await setup();
  await rig.add(
    'pods',
    runningPod('web-1', 'n1', [{ key: 'maint', operator: 'Exists', tolerationSeconds: 60 }]),
  );
  rig.clock.advance(10_000);
  await taint(rig, [{ key: 'maint', effect: 'NoExecute' }]);
  rig.clock.advance(30_000);
  assert.deepEqual(await c.reconcile('default/web-1'), { requeueAfterMs: 30_000 });
});

test('pods tolerating for ever, finished pods, terminating pods and pods elsewhere are left alone', async () => {
  const { rig, c } = await setup();
  await rig.add('nodes', readyNode('n2', rig.clock.now()));
  await rig.add('pods', runningPod('forever', 'n1', [{ operator: 'Exists' }]));
  const done = runningPod('done', 'n1');
  done.status!.phase = 'Succeeded';
  await rig.add('pods', done);
  const going = runningPod('going', 'n1');
  going.metadata.deletionTimestamp = timestamp(rig.clock.now());
  await rig.add('pods', going);
  await rig.add('pods', runningPod('elsewhere', 'n2'));
  await taint(rig, [unreachable(rig.clock.now())]);
  rig.reset();
  for (const p of ['forever', 'done', 'going', 'elsewhere', 'missing'])
    assert.equal(await c.reconcile(`default/${p}`), undefined, p);
  assert.deepEqual(rig.writes(), []);
});
