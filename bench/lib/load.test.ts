import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from './load.ts';

test('request budget is exact and spread over workers', async () => {
  const perWorker = new Map<number, number>();
  const seqs = new Set<number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const res = await runLoad({
    concurrency: 4,
    requests: 50,
    fn: async (worker, seq) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
      seqs.add(seq);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
    },
  });
  assert.equal(res.requests, 50);
  assert.equal(res.errors, 0);
  assert.equal(seqs.size, 50);
  assert.equal(maxInFlight, 4);
  assert.equal(perWorker.size, 4);
  assert.equal(res.latency.count, 50);
  assert.ok(res.throughput > 0);
});

test('errors are counted, the first is kept, and they do not count as throughput', async () => {
  const res = await runLoad({
    concurrency: 2,
    requests: 10,
    fn: async (_w, seq) => {
      if (seq % 2 === 0) throw new Error(`boom ${seq}`);
    },
  });
  assert.equal(res.requests, 10);
  assert.equal(res.errors, 5);
  assert.equal(res.firstError, 'boom 0');
  const okOnly = (5 * 1000) / res.elapsedMs;
  assert.ok(Math.abs(res.throughput - okOnly) < 1e-6);
});

test('duration budget stops the run', async () => {
  const t0 = performance.now();
  const res = await runLoad({
    concurrency: 3,
    durationMs: 60,
    fn: () => new Promise<void>((resolve) => setTimeout(resolve, 5)),
  });
  const took = performance.now() - t0;
  assert.ok(took >= 60 && took < 1000, `took ${took} ms`);
  assert.ok(res.requests >= 3);
});

test('bad options are refused', async () => {
  await assert.rejects(runLoad({ concurrency: 0, requests: 1, fn: async () => {} }), /concurrency/);
  await assert.rejects(runLoad({ concurrency: 1, fn: async () => {} }), /durationMs/);
});
