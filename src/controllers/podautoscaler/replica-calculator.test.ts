import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceReplicas, type PodSample } from './replica-calculator.ts';
import {
  limitRate,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
  defaultScaleUp,
  defaultScaleDown,
} from './behavior.ts';

const pods = (...usage: (number | undefined)[]): PodSample[] =>
  usage.map((u, i) => ({ name: `p${i}`, ready: true, usage: u, request: 100 }));

test('utilization: replicas scale with the usage ratio, nothing changes inside the tolerance', () => {
  const cases: [string, number, PodSample[], number, number | undefined][] = [
    ['at target', 3, pods(50, 50, 50), 3, 50],
    ['within 10%', 3, pods(54, 54, 54), 3, 54],
    ['double', 3, pods(100, 100, 100), 6, 100],
    ['half', 4, pods(25, 25, 25, 25), 2, 25],
    ['rounds up', 3, pods(60, 60, 70), 4, 63],
  ];
  for (const [what, current, samples, want, util] of cases) {
    const r = resourceReplicas(current, { type: 'Utilization', averageUtilization: 50 }, samples, 'cpu');
    assert.equal(r.replicas, want, what);
    assert.equal(r.utilization, util, what);
  }
});

test('missing metrics temper a scale-down; unready pods temper a scale-up', () => {
  const target = { type: 'Utilization', averageUtilization: 50 } as const;
  // Three pods idle at 10%, one without metrics: assumed at 100% of its request, so only one goes
  // (without the missing pod the ratio 0.2 would ask for a single replica).
  assert.equal(resourceReplicas(4, target, pods(10, 10, 10, undefined), 'cpu').replicas, 3);
  assert.equal(resourceReplicas(3, target, pods(10, 10, 10), 'cpu').replicas, 1);
  // Scale-up with an unready pod: it counts as idle, ratio (80+80+0)/150 is within the tolerance,
  // so the count stays at 3 instead of ceil(1.6 × 2) = 4.
  const withUnready: PodSample[] = [...pods(80, 80), { name: 'new', ready: false, request: 100 }];
  assert.equal(resourceReplicas(3, target, withUnready, 'cpu').replicas, 3);
  const strong: PodSample[] = [...pods(200, 200), { name: 'new', ready: false, request: 100 }];
  assert.equal(resourceReplicas(3, target, strong, 'cpu').replicas, 8);
});

test('average value targets and refusals', () => {
  const r = resourceReplicas(2, { type: 'AverageValue', averageValue: 100 }, pods(300, 300), 'memory');
  assert.equal(r.replicas, 6);
  assert.equal(r.averageValue, 300);
  assert.throws(
    () =>
      resourceReplicas(
        2,
        { type: 'Utilization', averageUtilization: 50 },
        [{ name: 'x', ready: true, usage: 5 }],
        'cpu',
      ),
    /missing request for cpu in pod x/,
  );
  assert.throws(
    () => resourceReplicas(2, { type: 'AverageValue', averageValue: 1 }, pods(undefined), 'cpu'),
    /did not receive metrics/,
  );
});

test('stabilization: a scale-down follows the highest recommendation of the window', () => {
  const now = 1_000_000;
  const history = [
    { at: now - 200_000, replicas: 8 },
    { at: now - 400_000, replicas: 10 }, // outside the 300 s window
  ];
  assert.equal(stabilize(3, 6, undefined, history, now), 6, 'current 6, window max 8 → stays at 6');
  assert.equal(stabilize(3, 9, undefined, history, now), 8);
  assert.equal(stabilize(12, 6, undefined, history, now), 12, 'scale-up has no window by default');
});

test('rate policies: +4 pods or +100% per 15 s up, -100% down, min/max with reasons', () => {
  const now = 1_000_000;
  assert.equal(scaleUpLimit(2, [], defaultScaleUp, now), 6); // max(2+4, 2*2)
  assert.equal(scaleUpLimit(10, [], defaultScaleUp, now), 20);
  // 4 were added 5 s ago: the period started at 6.
  assert.equal(scaleUpLimit(10, [{ at: now - 5000, replicas: 4 }], defaultScaleUp, now), 12);
  assert.equal(scaleDownLimit(10, [], defaultScaleDown, now), 0);
  const slow = {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max' as const,
    policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }],
  };
  assert.equal(scaleDownLimit(10, [], slow, now), 9);
  assert.deepEqual(limitRate(30, 2, 1, 10, undefined, [], now), {
    replicas: 6,
    reason: 'ScaleUpLimit',
    message: 'the desired replica count is increasing faster than the maximum scale rate',
  });
  assert.equal(limitRate(30, 8, 1, 10, undefined, [], now).reason, 'TooManyReplicas');
  assert.equal(limitRate(30, 8, 1, 10, undefined, [], now).replicas, 10);
  assert.equal(limitRate(0, 8, 2, 10, undefined, [], now).replicas, 2);
  assert.equal(limitRate(5, 8, 2, 10, { scaleDown: slow }, [], now).replicas, 7);
  assert.deepEqual(limitRate(5, 5, 2, 10, undefined, [], now), { replicas: 5 });
});
