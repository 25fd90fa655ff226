import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, humanDuration } from './duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

test('humanDuration matches HumanDuration unit switches', () => {
  const cases: [number, string][] = [
    [-3 * s, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [59 * s, '59s'],
    [60 * s, '60s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [123 * s, '2m3s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 20 * m, '3h20m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 5 * h, '8d'],
    [45 * d, '45d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 30 * d, '2y30d'],
    [7 * y + 364 * d, '7y364d'],
    [8 * y, '8y'],
    [9 * y + 100 * d, '9y'],
  ];
  for (const [ms, want] of cases) {
    assert.equal(humanDuration(ms), want, String(ms));
  }
});

test('age', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  assert.equal(age(undefined, now), '<unknown>');
  assert.equal(age('', now), '<unknown>');
  assert.equal(age('garbage', now), '<unknown>');
  assert.equal(age('2025-01-01T11:57:57Z', now), '2m3s');
  assert.equal(age('2024-12-29T08:00:00Z', now), '3d4h');
  assert.equal(age('2025-01-01T12:00:01Z', now), '0s');
});
