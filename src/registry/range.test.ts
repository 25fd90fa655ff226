import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseContentRange, parseRangeHeader } from './range.ts';

test('Content-Range of upload chunks', () => {
  const cases: [string, { start: number; end: number } | undefined][] = [
    ['0-99', { start: 0, end: 99 }],
    ['100-100', { start: 100, end: 100 }],
    ['bytes 0-9', { start: 0, end: 9 }],
    ['bytes=5-9', { start: 5, end: 9 }],
    ['0-9/100', { start: 0, end: 9 }],
    ['bytes 0-9/*', { start: 0, end: 9 }],
    ['9-0', undefined],
    ['-5', undefined],
    ['a-b', undefined],
    ['', undefined],
  ];
  for (const [h, want] of cases) assert.deepEqual(parseContentRange(h), want, h);
});

test('Range requests against a blob of 100 bytes', () => {
  const cases: [string | undefined, ReturnType<typeof parseRangeHeader>][] = [
    [undefined, { kind: 'whole' }],
    ['bytes=0-9', { kind: 'partial', range: { start: 0, end: 9 } }],
    ['bytes=90-', { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=90-500', { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-10', { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-500', { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'whole' }],
    ['bytes=0-1,5-6', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
  ];
  for (const [h, want] of cases) assert.deepEqual(parseRangeHeader(h, 100), want, String(h));
  assert.deepEqual(parseRangeHeader('bytes=0-', 0), { kind: 'unsatisfiable' });
});
