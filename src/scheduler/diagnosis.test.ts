import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCopy } from '../client/store.ts';
import { failedSchedulingMessage } from './diagnosis.ts';
import { makeNode, makePod } from './fixtures.ts';
import { defaultProfile, schedulePod } from './framework.ts';
import { Snapshot } from './node-info.ts';
import { findPreemption } from './preemption.ts';
import type { Node, Pod } from './types.ts';

const tainted = (name: string) =>
  makeNode(name, { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] });

/** The FailedScheduling message for `pod` on `nodes` (with `placed` pods), preemption included. */
function message(pod: Pod, nodes: Node[], placed: Pod[] = []): string {
  const snap = Snapshot.build(
    nodes.map((n) => frozenCopy(n)),
    placed.map((p) => frozenCopy(p)),
  );
  const r = schedulePod(frozenCopy(pod), snap);
  assert.equal(r.node, undefined, 'expected no fit');
  if (r.node !== undefined) return '';
  const p = findPreemption(defaultProfile, r.state, snap, r.diagnosis);
  return failedSchedulingMessage(r.diagnosis, p.node === undefined ? p.message : undefined);
}

test('FailedScheduling messages are worded like kube-scheduler', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; placed?: Pod[]; want: string }[] = [
    {
      name: 'insufficient cpu and taints',
      pod: makePod('big', { cpu: '6' }),
      nodes: [makeNode('n1'), tainted('n2'), tainted('n3')],
      want:
        '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: infra}. ' +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    },
    {
      name: 'two reasons on one node are both counted',
      pod: makePod('huge', { cpu: '100', memory: '100Gi' }),
      nodes: [makeNode('n1'), makeNode('n2')],
      want: '0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    },
    {
      name: 'selector and cordon',
      pod: makePod('x', {}, { nodeSelector: { disk: 'ssd' } }),
      nodes: [makeNode('n1'), makeNode('n2', { unschedulable: true })],
      want: "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    },
    {
      name: 'preemptionPolicy Never',
      pod: makePod('x', { cpu: '100' }, { preemptionPolicy: 'Never' }),
      nodes: [makeNode('n1')],
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    },
  ];
  for (const c of cases) assert.equal(message(c.pod, c.nodes, c.placed), c.want, c.name);
});

test('no nodes at all', () => {
  const r = schedulePod(frozenCopy(makePod('x')), new Snapshot([]));
  assert.ok(r.node === undefined);
  if (r.node === undefined)
    assert.equal(failedSchedulingMessage(r.diagnosis), 'no nodes available to schedule pods');
});

test('preemption picks the node whose victims matter least, and as few of them as needed', () => {
  const nodes = [makeNode('n1', { cpu: '4' }), makeNode('n2', { cpu: '4' })];
  const on = (p: Pod, node: string): Pod => ({ ...p, spec: { ...p.spec, nodeName: node } });
  const placed = [
    on(makePod('a-important', { cpu: '2' }, { priority: 50 }), 'n1'),
    on(makePod('a-cheap', { cpu: '2' }, { priority: 1 }), 'n1'),
    on(makePod('b-1', { cpu: '2' }, { priority: 10 }), 'n2'),
    on(makePod('b-2', { cpu: '2' }, { priority: 10 }), 'n2'),
  ];
  const snap = Snapshot.build(
    nodes.map((n) => frozenCopy(n)),
    placed.map((p) => frozenCopy(p)),
  );
  const pod = frozenCopy(makePod('urgent', { cpu: '2' }, { priority: 100 }));
  const r = schedulePod(pod, snap);
  assert.ok(r.node === undefined);
  if (r.node !== undefined) return;
  const p = findPreemption(defaultProfile, r.state, snap, r.diagnosis);
  assert.ok(p.node !== undefined, JSON.stringify(p));
  if (p.node === undefined) return;
  // n1's only needed victim has priority 1; n2's would have 10.
  assert.equal(p.node, 'n1');
  assert.deepEqual(
    p.victims.map((v) => v.metadata.name),
    ['a-cheap'],
  );

  const low = frozenCopy(makePod('low', { cpu: '2' }, { priority: 0 }));
  const r2 = schedulePod(low, snap);
  if (r2.node !== undefined) return assert.fail('expected no fit');
  const p2 = findPreemption(defaultProfile, r2.state, snap, r2.diagnosis);
  assert.equal(p2.node, undefined, 'nothing has lower priority than 0');
});

test('schedulePod prefers the emptier node and honours taints', () => {
  const nodes = [makeNode('busy'), makeNode('idle'), tainted('infra')];
  const placed = [
    {
      ...makePod('p', { cpu: '3', memory: '6Gi' }),
      spec: { ...makePod('p', { cpu: '3', memory: '6Gi' }).spec, nodeName: 'busy' },
    },
  ];
  const snap = Snapshot.build(
    nodes.map((n) => frozenCopy(n)),
    placed.map((p) => frozenCopy(p)),
  );
  const r = schedulePod(frozenCopy(makePod('x', { cpu: '500m' })), snap);
  assert.equal(r.node, 'idle');
});
