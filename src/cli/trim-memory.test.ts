import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedDataVersionTag, getHeapSpaceStatistics } from 'node:v8';
import { collectForMemory, shouldTrim, trimMemoryAfterStart, youngGenerationMB } from './trim-memory.ts';

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

test('shouldTrim: only an idle event loop with a grown young generation and a small heap', () => {
  const cases: [busy: number, youngMB: number, heapMB: number, want: boolean][] = [
    [0.01, 32, 40, true],
    [0.09, 4, 40, true],
    [0.01, 1, 40, false], // already trimmed
    [0.01, 3.9, 40, false],
    [0.1, 32, 40, false], // serving requests
    [0.9, 32, 40, false],
    [0.01, 32, 63, true],
    [0.01, 32, 64, false], // a bigger heap: the collection would stall requests for 100s of ms
    [0.01, 32, 256, false],
    [0.01, 32, 1500, false],
  ];
  for (const [busy, young, heap, want] of cases)
    assert.equal(shouldTrim(busy, young, heap), want, `${busy} ${young} ${heap}`);
});

test('after start, a young generation that grows back while idle is trimmed again', async () => {
  trimMemoryAfterStart(0);
  await new Promise((r) => setTimeout(r, 100));
  let keep: object[] = [];
  // Enough survivors to grow the young generation (to 16–32 MB), few enough to stay well under
  // maxTrimHeapMB (64): ~20 MB of heap, where 400,000 objects made ~60 MB and, in CI, more than 64.
  for (let i = 0; i < 100_000; i++) keep.push({ i, s: `y${i}`, a: [i] });
  keep = [];
  assert.ok(youngGenerationMB() >= 4, `young generation did not grow (${youngGenerationMB()} MB)`);
  for (let i = 0; i < 100 && youngGenerationMB() >= 4; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(
    youngGenerationMB() < 4,
    `still ${youngGenerationMB()} MB after 10 s idle (V8 alone keeps it longer)`,
  );
  assert.equal(keep.length, 0);
});
