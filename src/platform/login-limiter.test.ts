import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoginLimiter } from './login-limiter.ts';

test('login limiter: per-client failures within the window', () => {
  let now = 1000;
  const l = new LoginLimiter({ windowMs: 60_000, perClient: 3, global: 100, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(l.retryAfterMs('a'), 0);
    l.fail('a');
    now += 1000;
  }
  // Three failures at 1000, 2000, 3000; now is 4000: wait until the first leaves the window.
  assert.equal(l.retryAfterMs('a'), 1000 + 60_000 - 4000);
  assert.equal(l.retryAfterMs('b'), 0, 'another client is not affected');
  now = 61_001;
  assert.equal(l.retryAfterMs('a'), 0, 'the oldest failure left the window');
});

test('login limiter: success clears the client', () => {
  const l = new LoginLimiter({ perClient: 2, now: () => 0 });
  l.fail('a');
  l.succeed('a');
  l.fail('a');
  assert.equal(l.retryAfterMs('a'), 0);
  l.fail('a');
  assert.ok(l.retryAfterMs('a') > 0);
});

test('login limiter: a global cap across clients', () => {
  const now = 0;
  const l = new LoginLimiter({ windowMs: 1000, perClient: 100, global: 5, now: () => now });
  for (let i = 0; i < 5; i++) l.fail(`client-${i}`);
  assert.equal(l.retryAfterMs('fresh'), 1000);
});
