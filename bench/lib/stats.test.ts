import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, percentileSorted, summarize } from './stats.ts';

test('percentile interpolates between ranks', () => {
  const cases: { samples: number[]; p: number; want: number }[] = [
    { samples: [5], p: 50, want: 5 },
    { samples: [1, 2, 3, 4, 5], p: 50, want: 3 },
    { samples: [5, 1, 4, 2, 3], p: 50, want: 3 },
    { samples: [1, 2, 3, 4], p: 50, want: 2.5 },
    { samples: [1, 2, 3, 4, 5], p: 0, want: 1 },
    { samples: [1, 2, 3, 4, 5], p: 100, want: 5 },
    { samples: [0, 10], p: 90, want: 9 },
    { samples: Array.from({ length: 101 }, (_, i) => i), p: 99, want: 99 },
  ];
  for (const c of cases) {
    assert.equal(percentile(c.samples, c.p), c.want, `p${c.p} of ${c.samples.join(',')}`);
  }
});

test('percentile of nothing is NaN and does not sort the caller array', () => {
  assert.ok(Number.isNaN(percentileSorted([], 50)));
  const samples = [3, 1, 2];
  percentile(samples, 50);
  assert.deepEqual(samples, [3, 1, 2]);
});

test('summarize reports extremes, mean and percentiles', () => {
  const s = summarize([4, 1, 3, 2, 10]);
  assert.equal(s.count, 5);
  assert.equal(s.min, 1);
  assert.equal(s.max, 10);
  assert.equal(s.mean, 4);
  assert.equal(s.p50, 3);
  assert.ok(s.p10 >= s.min && s.p10 <= s.p50);
  assert.ok(s.p90 >= s.p50 && s.p99 <= s.max);
  const empty = summarize([]);
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.p50) && Number.isNaN(empty.min));
});
