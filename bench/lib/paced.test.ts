import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPaced } from './paced.ts';

test('issues rate × duration requests on schedule, overlapping slow ones', async () => {
  const starts: number[] = [];
  const t0 = performance.now();
  const res = await runPaced({
    rate: 200,
    durationMs: 100,
    fn: async () => {
      starts.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  });
  assert.equal(res.requests, 20);
  assert.equal(res.errors, 0);
  // 20 ms requests started every 5 ms: several must have been in flight at once (open loop).
  assert.ok(res.concurrency >= 3, `max in flight ${res.concurrency}`);
  // The last request is due at 95 ms: nothing starts much earlier than its slot.
  assert.ok(starts[19]! >= 90, `last start at ${starts[19]} ms`);
  assert.ok(res.latency.min >= 19, `latency min ${res.latency.min}`);
});

test('latency counts from the due time, so a stall delays every request queued behind it', async () => {
  let busyUntil = 0;
  const res = await runPaced({
    rate: 100,
    durationMs: 100,
    fn: async (seq) => {
      if (seq === 0) {
        // Block the event loop for 50 ms: requests due meanwhile start late.
        busyUntil = performance.now() + 50;
        while (performance.now() < busyUntil);
      }
    },
  });
  assert.equal(res.requests, 10);
  assert.ok(res.latency.p90 >= 10, `p90 ${res.latency.p90} ms should include the stall`);
});

test('errors are counted and bad options refused', async () => {
  const res = await runPaced({
    rate: 1000,
    durationMs: 10,
    fn: async (seq) => {
      if (seq % 2) throw new Error(`e${seq}`);
    },
  });
  assert.equal(res.requests, 10);
  assert.equal(res.errors, 5);
  assert.equal(res.firstError, 'e1');
  await assert.rejects(runPaced({ rate: 0, durationMs: 10, fn: async () => {} }), /rate/);
});
