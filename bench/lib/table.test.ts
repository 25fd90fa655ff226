import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatRate, formatRatio, formatTable } from './table.ts';

test('durations pick a readable unit', () => {
  const cases: [number, string][] = [
    [1234, '1.23 s'],
    [12.345, '12.3 ms'],
    [0.5, '500 µs'],
    [0.0000123, '12.3 ns'],
    [Number.NaN, '-'],
  ];
  for (const [ms, want] of cases) assert.equal(formatDuration(ms), want);
});

test('rates and ratios', () => {
  assert.equal(formatRate(12345.6), '12,346');
  assert.equal(formatRate(3.14159), '3.14');
  assert.equal(formatRatio(1.234), '1.23x');
  assert.equal(formatRatio(undefined), '-');
});

test('tables align columns and right-align numbers', () => {
  const out = formatTable(
    ['case', 'median'],
    [
      ['a', '1.00 ms'],
      ['longer', '100 ms'],
    ],
  );
  assert.equal(out, ['case    median', '------  -------', 'a       1.00 ms', 'longer   100 ms'].join('\n'));
});
