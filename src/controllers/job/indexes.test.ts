import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstPendingIndexes, IndexSet } from './indexes.ts';

const formatCases: [number[], string][] = [
  [[], ''],
  [[0], '0'],
  [[0, 1], '0-1'],
  [[0, 1, 2, 4], '0-2,4'],
  [[7, 3, 4, 5, 0, 9, 8], '0,3-5,7-9'],
  [[2, 2, 2], '2'],
];
for (const [input, want] of formatCases) {
  test(`IndexSet.of(${JSON.stringify(input)}) prints "${want}" and parses back`, () => {
    const set = IndexSet.of(input);
    assert.equal(set.toString(), want);
    assert.equal(set.total(), new Set(input).size);
    assert.equal(IndexSet.parse(want).toString(), want);
  });
}

test('IndexSet.parse keeps only indexes below the limit and skips malformed parts', () => {
  assert.equal(IndexSet.parse('0-2,4,x,6-9', 8).toString(), '0-2,4,6-7');
  assert.equal(IndexSet.parse(undefined).total(), 0);
  assert.equal(IndexSet.parse('1,3').with([2, 5]).toString(), '1-3,5');
  assert.equal(IndexSet.parse('1,3').has(2), false);
  assert.equal(IndexSet.parse('1-3').has(2), true);
});

test('firstPendingIndexes skips taken indexes and stops at count or completions', () => {
  const taken = new Set([0, 2]);
  assert.deepEqual(
    firstPendingIndexes(2, 5, (i) => taken.has(i)),
    [1, 3],
  );
  assert.deepEqual(
    firstPendingIndexes(9, 5, (i) => taken.has(i)),
    [1, 3, 4],
  );
  assert.deepEqual(
    firstPendingIndexes(0, 5, () => false),
    [],
  );
});
