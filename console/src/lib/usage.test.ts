import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeObject } from '../api/types.ts';
import { arcPath, clusterUsage, nodeUsage, percent, usageColor } from './usage.ts';

const node = (name: string, cpu: string, memory: string): NodeObject => ({
  metadata: { name },
  status: { allocatable: { cpu, memory } },
});

test('nodeUsage joins metrics to nodes; a node without metrics has no used value', () => {
  const got = nodeUsage(
    [node('b', '2', '4Gi'), node('a', '4', '8Gi')],
    [
      { metadata: { name: 'a' }, usage: { cpu: '1000000000n', memory: '2Gi' } },
      { metadata: { name: 'gone' } },
    ],
  );
  assert.deepEqual(got, [
    {
      name: 'a',
      cpu: { used: 1, allocatable: 4, fraction: 0.25 },
      memory: { used: 2 * 1024 ** 3, allocatable: 8 * 1024 ** 3, fraction: 0.25 },
    },
    {
      name: 'b',
      cpu: { used: undefined, allocatable: 2, fraction: undefined },
      memory: { used: undefined, allocatable: 4 * 1024 ** 3, fraction: undefined },
    },
  ]);
});

test('clusterUsage sums only nodes that report; none reporting gives no figure', () => {
  const nodes = nodeUsage(
    [node('a', '4', '8Gi'), node('b', '4', '8Gi'), node('c', '8', '8Gi')],
    [
      { metadata: { name: 'a' }, usage: { cpu: '2', memory: '4Gi' } },
      { metadata: { name: 'b' }, usage: { cpu: '500m', memory: '0' } },
    ],
  );
  const c = clusterUsage(nodes);
  assert.equal(c.reporting, 2);
  assert.equal(c.cpu.used, 2.5);
  assert.equal(c.cpu.allocatable, 8);
  assert.equal(c.memory.fraction, 0.25);
  const none = clusterUsage(nodeUsage([node('a', '4', '8Gi')], []));
  assert.equal(none.reporting, 0);
  assert.equal(none.cpu.used, undefined);
  assert.equal(none.cpu.allocatable, 4);
  assert.equal(clusterUsage([]).cpu.used, undefined);
});

test('colour, percent and arc', () => {
  assert.equal(usageColor(undefined), '#d9d9d9');
  assert.equal(usageColor(0.5), '#52c41a');
  assert.equal(usageColor(0.7), '#faad14');
  assert.equal(usageColor(1.2), '#ff4d4f');
  assert.equal(percent(0.374), '37%');
  assert.equal(percent(undefined), '-');
  assert.equal(arcPath(0, 50, 40), '');
  assert.equal(arcPath(0.25, 50, 40), 'M 50 10 A 40 40 0 0 1 90 50');
  assert.equal(arcPath(0.75, 50, 40), 'M 50 10 A 40 40 0 1 1 10 50');
  assert.match(arcPath(2, 50, 40), /^M 50 10 A 40 40 0 1 1 /, 'over 100% draws a full ring');
});
