import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  isQuantity,
  parseQuantity,
  quantityFromMillis,
  quantityFromValue,
  quantityMilliValue,
  quantityToNumber,
  quantityValue,
  subtractQuantities,
} from './quantity.ts';

test('canonical form', () => {
  const cases: [string, string][] = [
    ['0', '0'],
    ['-0', '0'],
    ['0Mi', '0'],
    ['1', '1'],
    ['+1', '1'],
    ['1.0', '1'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['5.', '5'],
    ['100m', '100m'],
    ['0.1', '100m'],
    ['1000', '1k'],
    ['1200', '1200'],
    ['1k', '1k'],
    ['1000k', '1M'],
    ['2G', '2G'],
    ['1E', '1E'],
    ['1000E', '1000E'],
    ['1n', '1n'],
    ['1000n', '1u'],
    ['1u', '1u'],
    ['0.0000000001', '1n'], // rounded up to the smallest unit
    ['-0.0000000001', '-1n'],
    ['1Ki', '1Ki'],
    ['1024', '1024'],
    ['1024Ki', '1Mi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['1Gi', '1Gi'],
    ['0.5Ki', '512'],
    ['0.1Ki', '102400m'],
    ['1023', '1023'],
    ['-1Ki', '-1Ki'],
    ['-5Mi', '-5Mi'],
    ['8Ei', '9223372036854775807'], // capped at the largest int64
    ['1e3', '1e3'],
    ['1E3', '1e3'],
    ['1e0', '1'],
    ['12e2', '1200'],
    ['15e3', '15e3'],
    ['1.5e3', '1500'],
    ['1e-3', '1e-3'],
    ['1e+3', '1e3'],
    ['-2.5', '-2500m'],
    ['129e6', '129e6'],
    ['129M', '129M'],
  ];
  for (const [input, want] of cases) {
    assert.equal(canonicalQuantity(input), want, input);
  }
});

test('bad input throws with a message', () => {
  for (const bad of [
    '',
    ' 1',
    '1 ',
    'abc',
    '1.2.3',
    '1Kb',
    '1ki',
    '.',
    '1e',
    'e3',
    '1e3.5',
    '--1',
    '1KiB',
    '1m2',
    '0x10',
  ]) {
    assert.throws(() => parseQuantity(bad), /quantit/, bad);
    assert.equal(isQuantity(bad), false, bad);
  }
  assert.equal(isQuantity(5), false);
  assert.equal(isQuantity('5'), true);
});

test('values', () => {
  const cases: [string, number, number][] = [
    ['100m', 1, 100],
    ['0.1', 1, 100],
    ['1', 1, 1000],
    ['2.5', 3, 2500],
    ['-2.5', -3, -2500],
    ['1Mi', 1048576, 1048576000],
    ['1n', 1, 1],
    ['1500m', 2, 1500],
  ];
  for (const [input, value, milli] of cases) {
    const q = parseQuantity(input);
    assert.equal(quantityValue(q), value, `value ${input}`);
    assert.equal(quantityMilliValue(q), milli, `milli ${input}`);
  }
  assert.equal(quantityToNumber(parseQuantity('1.25')), 1.25);
  assert.equal(quantityToNumber(parseQuantity('-250m')), -0.25);
});

test('compare', () => {
  const cases: [string, string, number][] = [
    ['1', '1000m', 0],
    ['1Ki', '1024', 0],
    ['1k', '1Ki', -1],
    ['2Gi', '2G', 1],
    ['-1', '0', -1],
    ['1e3', '1k', 0],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(compareQuantities(parseQuantity(a), parseQuantity(b)), want, `${a} vs ${b}`);
  }
});

test('add and subtract keep exact values and the first format', () => {
  const sum = addQuantities(parseQuantity('100m'), parseQuantity('0.2'));
  assert.equal(formatQuantity(sum), '300m');
  // No float drift: 0.1 + 0.2 is exactly 0.3.
  assert.equal(compareQuantities(sum, parseQuantity('0.3')), 0);
  assert.equal(formatQuantity(addQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))), '1536Mi');
  assert.equal(formatQuantity(addQuantities(parseQuantity('0'), parseQuantity('1Gi'))), '1Gi');
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('1Gi'), parseQuantity('1Gi'))), '0');
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('1'), parseQuantity('1500m'))), '-500m');
});

test('constructors', () => {
  assert.equal(formatQuantity(quantityFromValue(4096, 'BinarySI')), '4Ki');
  assert.equal(formatQuantity(quantityFromValue(3)), '3');
  assert.equal(formatQuantity(quantityFromMillis(250)), '250m');
  assert.equal(formatQuantity(quantityFromMillis(2000)), '2');
});
