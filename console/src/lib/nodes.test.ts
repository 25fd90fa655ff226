import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeObject } from '../api/types.ts';
import {
  cordonPatch,
  formatBytes,
  formatCpu,
  formatResource,
  nodeRoles,
  nodeStatus,
  parseQuantity,
} from './nodes.ts';

const node = (
  ready: string | undefined,
  unschedulable = false,
  labels: Record<string, string> = {},
): NodeObject => ({
  metadata: { name: 'n', labels },
  spec: { unschedulable },
  status: { conditions: ready === undefined ? [] : [{ type: 'Ready', status: ready }] },
});

test('nodeStatus', () => {
  const cases: [NodeObject, string][] = [
    [node('True'), 'Ready'],
    [node('False'), 'NotReady'],
    [node('Unknown'), 'Unknown'],
    [node(undefined), 'Unknown'],
    [node('True', true), 'Ready,SchedulingDisabled'],
  ];
  for (const [n, want] of cases) assert.equal(nodeStatus(n), want);
});

test('nodeRoles', () => {
  assert.equal(nodeRoles(node('True')), '<none>');
  assert.equal(
    nodeRoles(
      node('True', false, {
        'node-role.kubernetes.io/worker': '',
        'node-role.kubernetes.io/control-plane': '',
        x: 'y',
      }),
    ),
    'control-plane,worker',
  );
  assert.equal(nodeRoles(node('True', false, { 'node-role.kubernetes.io/': '' })), '<none>');
});

test('parseQuantity and formatting', () => {
  const q: [string | undefined, number | undefined][] = [
    ['250m', 0.25],
    ['2', 2],
    ['1Ki', 1024],
    ['16Gi', 16 * 1024 ** 3],
    ['1e3', 1000],
    ['1.5G', 1.5e9],
    ['abc', undefined],
    ['5Qi', undefined],
    [undefined, undefined],
  ];
  for (const [input, want] of q) assert.equal(parseQuantity(input), want, String(input));
  assert.equal(formatCpu('250m'), '250m');
  assert.equal(formatCpu('4'), '4');
  assert.equal(formatCpu('1500m'), '1.5');
  assert.equal(formatCpu(undefined), '-');
  assert.equal(formatBytes('16316412Ki'), '15.6 Gi');
  assert.equal(formatBytes('512Mi'), '512 Mi');
  assert.equal(formatBytes('100'), '100');
  assert.equal(formatBytes('weird'), 'weird');
  assert.equal(formatResource('pods', '110'), '110');
  assert.equal(formatResource('ephemeral-storage', '1Gi'), '1 Gi');
});

test('cordonPatch sets or removes spec.unschedulable', () => {
  assert.deepEqual(cordonPatch(true), { spec: { unschedulable: true } });
  assert.deepEqual(cordonPatch(false), { spec: { unschedulable: null } });
});
