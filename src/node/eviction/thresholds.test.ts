import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crossed,
  defaultEvictionHard,
  formatBytes,
  parseEvictionHard,
  parseEvictionSoft,
  thresholdBytes,
} from './thresholds.ts';

const Mi = 1024 * 1024;

test('--eviction-hard parses quantities and percentages', () => {
  const cases: { spec: string; want: [string, number | string][] }[] = [
    {
      spec: defaultEvictionHard,
      want: [
        ['memory.available', 100 * Mi],
        ['nodefs.available', '10%'],
      ],
    },
    {
      spec: 'memory.available<200Mi,nodefs.available<5%',
      want: [
        ['memory.available', 200 * Mi],
        ['nodefs.available', '5%'],
      ],
    },
    { spec: ' memory.available < 1Gi ', want: [['memory.available', 1024 * Mi]] },
    { spec: 'memory.available<10%', want: [['memory.available', '10%']] },
    { spec: '', want: [] },
  ];
  for (const c of cases) {
    const got = parseEvictionHard(c.spec).map((t) => [
      t.signal,
      'bytes' in t.value ? t.value.bytes : `${Math.round(t.value.fraction * 100)}%`,
    ]);
    assert.deepEqual(got, c.want, c.spec);
  }
});

test('--eviction-hard rejects what it does not understand', () => {
  for (const bad of [
    'memory.available>100Mi',
    'imagefs.available<10%',
    'memory.available<lots',
    'memory.available<150%',
    'memory.available<1Mi,memory.available<2Mi',
  ])
    assert.throws(() => parseEvictionHard(bad), /eviction threshold/, bad);
});

test('a threshold is crossed when available falls below it; percentages are of capacity', () => {
  const [mem, disk] = parseEvictionHard('memory.available<100Mi,nodefs.available<10%') as [
    ReturnType<typeof parseEvictionHard>[0],
    ReturnType<typeof parseEvictionHard>[0],
  ];
  assert.equal(crossed(mem, { availableBytes: 99 * Mi, capacityBytes: 1000 * Mi }), true);
  assert.equal(crossed(mem, { availableBytes: 100 * Mi, capacityBytes: 1000 * Mi }), false);
  assert.equal(thresholdBytes(disk, 1000 * Mi), 100 * Mi);
  assert.equal(crossed(disk, { availableBytes: 99 * Mi, capacityBytes: 1000 * Mi }), true);
  assert.equal(crossed(disk, { availableBytes: 101 * Mi, capacityBytes: 1000 * Mi }), false);
});

test('parseEvictionSoft: thresholds with their grace periods; each needs the other', () => {
  const soft = parseEvictionSoft(
    'memory.available<1Gi,nodefs.available<15%',
    'memory.available=1m30s, nodefs.available=2m',
  );
  assert.deepEqual(
    soft.map((t) => [t.signal, t.text, t.gracePeriodMs]),
    [
      ['memory.available', '1Gi', 90_000],
      ['nodefs.available', '15%', 120_000],
    ],
  );
  const bad: [string, string, RegExp][] = [
    ['memory.available<1Gi', '', /has no grace period/],
    [
      'memory.available<1Gi',
      'memory.available=1m,nodefs.available=1m',
      /nodefs.available has no soft threshold/,
    ],
    ['memory.available<1Gi', 'memory.available:1m', /want SIGNAL=DURATION/],
    ['memory.available<1Gi', 'memory.available=soon', /invalid duration/],
    ['memory.available<1Gi', 'pid.available=1m', /unknown signal/],
    ['memory.free<1Gi', 'memory.available=1m', /eviction threshold/],
  ];
  for (const [s, g, re] of bad) assert.throws(() => parseEvictionSoft(s, g), re, `${s} / ${g}`);
});

test('formatBytes rounds down to binary units', () => {
  assert.deepEqual([0, 1023, 10 * 1024, 150 * Mi + 5, 3 * 1024 * Mi, 12 * 1024 * Mi].map(formatBytes), [
    '0',
    '1023',
    '10Ki',
    '150Mi',
    '3072Mi',
    '12Gi',
  ]);
});
