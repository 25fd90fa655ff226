import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCopy } from '../client/store.ts';
import { SchedulerCache } from './cache.ts';
import { makeNode, makePod } from './fixtures.ts';
import { numFeasibleNodesToFind, schedulePod } from './framework.ts';
import { Snapshot } from './node-info.ts';

test('numFeasibleNodesToFind: all nodes up to 100, then an adaptive share, never under 100 or 5%', () => {
  const cases: [all: number, want: number][] = [
    [0, 0],
    [1, 1],
    [99, 99],
    [100, 100],
    [200, 100], // 49% of 200 = 98 → at least 100
    [1_000, 420], // 50 - 8 = 42%
    [5_000, 500], // 50 - 40 = 10%
    [6_000, 300], // 50 - 48 = 2% → 5%
    [100_000, 5_000],
  ];
  for (const [all, want] of cases) assert.equal(numFeasibleNodesToFind(all), want, `${all} nodes`);
});

test('a large cluster is searched in part, and the next cycle starts where the last stopped', () => {
  const nodes = Array.from({ length: 1_000 }, (_, i) =>
    frozenCopy(makeNode(`n${String(i).padStart(4, '0')}`)),
  );
  const snap = Snapshot.build(nodes, []);
  const pod = frozenCopy(makePod('p', { cpu: '100m' }));
  const first = schedulePod(pod, snap, undefined, 0);
  assert.ok(first.node !== undefined);
  if (first.node === undefined) return;
  assert.equal(first.searched, 420);
  assert.equal(first.feasible, 420);
  assert.ok(Number(first.node.slice(1)) < 420, `${first.node} is among the nodes searched`);
  // From index 900 the search wraps: nodes 900..999 then 0..319.
  const wrapped = schedulePod(pod, snap, undefined, 900);
  if (wrapped.node === undefined) return assert.fail('no node');
  const i = Number(wrapped.node.slice(1));
  assert.ok(i >= 900 || i < 320, `${wrapped.node} is in the wrapped window`);
});

test('when nothing fits, every node is tried and reported', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => frozenCopy(makeNode(`n${i}`)));
  const r = schedulePod(
    frozenCopy(makePod('huge', { cpu: '1000' })),
    Snapshot.build(nodes, []),
    undefined,
    123,
  );
  assert.equal(r.node, undefined);
  if (r.node !== undefined) return;
  assert.equal(r.diagnosis.numAllNodes, 300);
  assert.equal(r.diagnosis.nodeToStatus.size, 300);
});

test('the cache reuses its snapshot until the set of nodes changes; NodeInfos stay live', () => {
  const cache = new SchedulerCache();
  cache.upsertNode(frozenCopy(makeNode('a')));
  cache.upsertNode(frozenCopy(makeNode('b')));
  const s1 = cache.snapshot();
  cache.upsertNode(frozenCopy(makeNode('a'))); // an update of a known node
  const bound = frozenCopy(makePod('x', { cpu: '1' }, { nodeName: 'a' }));
  cache.upsertPod(bound);
  const s2 = cache.snapshot();
  assert.equal(s2, s1, 'same snapshot object');
  assert.equal(s2.byName.get('a')?.pods.length, 1, 'the pod shows in the reused snapshot');
  cache.upsertNode(frozenCopy(makeNode('c')));
  const s3 = cache.snapshot();
  assert.notEqual(s3, s1);
  assert.deepEqual(
    s3.nodes.map((n) => n.name),
    ['a', 'b', 'c'],
  );
  cache.removeNode('b');
  assert.deepEqual(
    cache.snapshot().nodes.map((n) => n.name),
    ['a', 'c'],
  );
});
