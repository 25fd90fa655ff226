import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenCache } from './token-cache.ts';

test('entries live for the TTL or until the token expires, whichever is first', () => {
  let now = 1_000_000;
  const cache = new TokenCache<string>({ ttlMs: 10_000, now: () => now });
  cache.set('a', 'A');
  cache.set('b', 'B', now + 3_000);
  assert.equal(cache.get('a'), 'A');
  assert.equal(cache.get('b'), 'B');
  now += 3_000;
  assert.equal(cache.get('b'), undefined, 'b expired with its token');
  assert.equal(cache.get('a'), 'A');
  now += 7_000;
  assert.equal(cache.get('a'), undefined, 'a expired with the TTL');
  assert.equal(cache.size, 0);
});

test('bounded: the oldest entry leaves first', () => {
  const cache = new TokenCache<number>({ maxEntries: 2 });
  cache.set('1', 1);
  cache.set('2', 2);
  cache.set('3', 3);
  assert.deepEqual([cache.get('1'), cache.get('2'), cache.get('3')], [undefined, 2, 3]);
  assert.equal(cache.size, 2);
});

test('keys are digests, not tokens', () => {
  assert.equal(TokenCache.key('secret').includes('secret'), false);
  assert.equal(TokenCache.key('secret'), TokenCache.key('secret'));
  assert.notEqual(TokenCache.key('secret'), TokenCache.key('secret2'));
});
