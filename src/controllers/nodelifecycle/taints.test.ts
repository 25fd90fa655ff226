import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcileTaints, wantedTaints } from './taints.ts';
import type { Node, Taint } from './types.ts';

function node(conds: Record<string, string>, unschedulable = false): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n' },
    spec: unschedulable ? { unschedulable } : {},
    status: { conditions: Object.entries(conds).map(([type, status]) => ({ type, status })) },
  };
}

test('wantedTaints follows the conditions (TaintNodesByCondition + taint-based eviction)', () => {
  const cases: { name: string; node: Node; paused?: boolean; want: string[] }[] = [
    { name: 'ready', node: node({ Ready: 'True', MemoryPressure: 'False' }), want: [] },
    {
      name: 'not ready',
      node: node({ Ready: 'False' }),
      want: ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute'],
    },
    {
      name: 'unknown',
      node: node({ Ready: 'Unknown' }),
      want: ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute'],
    },
    {
      name: 'unknown while eviction is paused',
      node: node({ Ready: 'Unknown' }),
      paused: true,
      want: ['node.kubernetes.io/unreachable:NoSchedule'],
    },
    {
      name: 'pressures and cordon',
      node: node(
        {
          Ready: 'True',
          MemoryPressure: 'True',
          DiskPressure: 'True',
          PIDPressure: 'True',
          NetworkUnavailable: 'True',
        },
        true,
      ),
      want: [
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/network-unavailable:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ],
    },
    { name: 'no Ready condition yet', node: node({}), want: [] },
  ];
  for (const c of cases)
    assert.deepEqual(
      wantedTaints(c.node, c.paused ?? false).map((t) => `${t.key}:${t.effect}`),
      c.want,
      c.name,
    );
});

test('reconcileTaints keeps foreign taints and the timeAdded of kept ones; undefined when nothing changes', () => {
  const now = Date.UTC(2026, 0, 1, 0, 1);
  const current: Taint[] = [
    { key: 'gpu', value: 'true', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
  ];
  const wanted: Taint[] = [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
  ];
  assert.deepEqual(reconcileTaints(current, wanted, now), [
    { key: 'gpu', value: 'true', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
  ]);
  assert.deepEqual(reconcileTaints([], [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], now), [
    { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2026-01-01T00:01:00Z' },
  ]);
  assert.equal(reconcileTaints(current.slice(0, 2), [wanted[1]!], now), undefined);
  assert.equal(reconcileTaints(undefined, [], now), undefined);
});
