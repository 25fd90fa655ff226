import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../../client/clock.ts';
import { silentLogger } from '../../client/logger.ts';
import { SyncLoop } from './sync-loop.ts';

function loop(clock: FakeClock, fail: () => boolean = () => false) {
  const runs: { at: number; full: boolean }[] = [];
  const l = new SyncLoop({
    sync: async (full) => {
      runs.push({ at: clock.now() - t0, full });
      if (fail()) throw new Error('nft failed');
    },
    minIntervalMs: 100,
    fullIntervalMs: 10_000,
    clock,
    logger: silentLogger,
  });
  const t0 = clock.now();
  return { l, runs };
}

test('first run is full and immediate; a burst collapses into one run at least 100 ms later', async () => {
  const clock = new FakeClock();
  const { l, runs } = loop(clock);
  l.start();
  await clock.advanceAsync(1);
  assert.deepEqual(runs, [{ at: 0, full: true }]);
  for (let i = 0; i < 5; i++) l.request();
  await clock.advanceAsync(49, 10);
  assert.equal(runs.length, 1, 'not before the minimum interval');
  await clock.advanceAsync(60, 10);
  assert.deepEqual(runs[1], { at: 100, full: false });
  assert.equal(runs.length, 2);
});

test('a lone change after a quiet period runs at once', async () => {
  const clock = new FakeClock();
  const { l, runs } = loop(clock);
  l.start();
  await clock.advanceAsync(500, 100);
  l.request();
  await settle();
  clock.advance(0);
  await settle();
  assert.deepEqual(runs.at(-1), { at: 500, full: false });
});

test('a failure is retried with backoff as a full sync; periodic full resync', async () => {
  const clock = new FakeClock();
  let failing = true;
  const { l, runs } = loop(clock, () => failing);
  l.start();
  await clock.advanceAsync(1);
  await clock.advanceAsync(250, 10);
  failing = false;
  await clock.advanceAsync(500, 10);
  assert.ok(runs.length >= 2);
  assert.ok(
    runs.every((r) => r.full),
    JSON.stringify(runs),
  );
  const n = runs.length;
  await clock.advanceAsync(2000, 100);
  assert.equal(runs.length, n, 'no runs without changes');
  await clock.advanceAsync(10_000, 1000);
  assert.deepEqual(runs.at(-1)?.full, true);
  await l.stop();
});
