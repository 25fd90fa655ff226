import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedDataVersionTag, getHeapSpaceStatistics } from 'node:v8';
import { collectForMemory } from './trim-memory.ts';

const newSpaceMB = (): number =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;

test('collectForMemory shrinks a grown young generation and leaves the V8 flag hash as it was', () => {
  const tag = cachedDataVersionTag();
  // Allocation with survivors, as module loading does, grows the young generation.
  let keep: object[] = [];
  for (let i = 0; i < 400_000; i++) keep.push({ i, s: `x${i}`, a: [i] });
  const grown = newSpaceMB();
  assert.ok(grown > 4, `young generation did not grow (${grown} MB)`);
  keep = [];
  collectForMemory();
  const trimmed = newSpaceMB();
  assert.ok(trimmed < grown / 2, `young generation ${grown} MB → ${trimmed} MB`);
  assert.equal(cachedDataVersionTag(), tag);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'gc must not become a global');
  assert.equal(keep.length, 0);
});
