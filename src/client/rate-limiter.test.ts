import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './clock.ts';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from './rate-limiter.ts';

test('per-key exponential backoff: 5 ms doubling, capped at 1000 s, reset by forget', () => {
  const r = new ItemExponentialFailureRateLimiter<string>();
  const delays = Array.from({ length: 6 }, () => r.when('a'));
  assert.deepEqual(delays, [5, 10, 20, 40, 80, 160]);
  assert.equal(r.when('b'), 5, 'keys back off independently');
  assert.equal(r.numRequeues('a'), 6);
  for (let i = 0; i < 100; i++) r.when('a');
  assert.equal(r.when('a'), 1_000_000);
  for (let i = 0; i < 2000; i++) r.when('a');
  assert.equal(r.when('a'), 1_000_000, 'no overflow past the cap');
  r.forget('a');
  assert.equal(r.numRequeues('a'), 0);
  assert.equal(r.when('a'), 5);
});

test('token bucket: burst is free, then one token per 1/qps, refilled by elapsed time', () => {
  const clock = new FakeClock();
  const r = new BucketRateLimiter<string>(10, 3, clock);
  assert.deepEqual([r.when('x'), r.when('x'), r.when('x')], [0, 0, 0]);
  assert.equal(Math.round(r.when('x')), 100);
  assert.equal(Math.round(r.when('x')), 200);
  clock.advance(1000);
  assert.equal(r.when('x'), 0);
});

test('max-of takes the larger delay; the default combines backoff and bucket', () => {
  const clock = new FakeClock();
  const m = new MaxOfRateLimiter<string>(
    new ItemExponentialFailureRateLimiter(5, 1000),
    new BucketRateLimiter(1, 1, clock),
  );
  assert.equal(m.when('a'), 5);
  assert.equal(m.when('a'), 1000, 'bucket empty: 1 s beats 10 ms');
  m.forget('a');
  assert.equal(m.numRequeues('a'), 0);
  const d = defaultControllerRateLimiter<string>(clock);
  assert.deepEqual([d.when('k'), d.when('k'), d.when('k')], [5, 10, 20]);
});
