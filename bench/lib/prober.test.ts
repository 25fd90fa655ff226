import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeUntil } from './prober.ts';

test('probes on schedule until aborted, then waits for the ones in flight', async () => {
  const stop = new AbortController();
  let finished = 0;
  setTimeout(() => stop.abort(), 100);
  const res = await probeUntil({
    rate: 100,
    signal: stop.signal,
    fn: async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      finished++;
    },
  });
  // About 10 probes in 100 ms (timer slack allowed); every one started has finished and is counted.
  assert.ok(res.requests >= 8 && res.requests <= 12, `requests ${res.requests}`);
  assert.equal(finished, res.requests);
  assert.equal(res.errors, 0);
  assert.ok(res.concurrency >= 2, `max in flight ${res.concurrency}`);
  assert.ok(res.latency.min >= 29, `latency min ${res.latency.min}`);
});

test('counts errors with the first message, and an already aborted signal probes nothing', async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 50);
  let n = 0;
  const res = await probeUntil({
    rate: 100,
    signal: stop.signal,
    fn: async () => {
      if (n++ % 2 === 0) throw new Error(`boom ${n}`);
    },
  });
  assert.ok(res.errors >= 1);
  assert.equal(res.firstError, 'boom 1');
  assert.equal(res.errors, Math.ceil(res.requests / 2));

  const none = await probeUntil({ rate: 100, signal: AbortSignal.abort(), fn: async () => {} });
  assert.equal(none.requests, 0);
});

test('rejects a rate that is not positive', async () => {
  await assert.rejects(
    probeUntil({ rate: 0, signal: new AbortController().signal, fn: async () => {} }),
    /rate must be > 0/,
  );
});
