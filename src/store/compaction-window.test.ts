import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompactionWindow } from './compaction-window.ts';

test('a busy store keeps everything since the previous tick, not just the last `keep` revisions', () => {
  const w = new CompactionWindow(1000, 500);
  // 100,000 writes in the first interval: only what predates the previous tick (500) may go.
  assert.equal(w.tick(100_500), 500);
  // A reader that started at revision 100,500 still finds it one tick later.
  assert.equal(w.tick(250_000), 100_500);
});

test('a quiet store keeps at least `keep` revisions', () => {
  const w = new CompactionWindow(1000, 5000);
  assert.equal(w.tick(5010), 4010);
  assert.equal(w.tick(5020), 4020);
});

test('nothing to compact while the store is younger than `keep` revisions', () => {
  const w = new CompactionWindow(1000, 0);
  assert.equal(w.tick(10), 0);
  assert.equal(w.tick(900), 0);
});
