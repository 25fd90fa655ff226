import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayCache, type ReplayAnswer } from './replay-cache.ts';

const answer = (status: number): Promise<ReplayAnswer> =>
  Promise.resolve({ status, headers: {}, body: Buffer.from(String(status)) });

test('an answer is kept until it expires', async () => {
  const c = new ReplayCache({ ttlMs: 1000 });
  c.set('k', answer(201), 0);
  assert.equal((await c.get('k', 999))?.status, 201);
  assert.equal(c.get('k', 1000), undefined);
  assert.equal(c.get('other', 0), undefined);
});

test('the oldest entries go when the cache is full', () => {
  const c = new ReplayCache({ ttlMs: 1000, maxEntries: 2 });
  c.set('a', answer(1), 0);
  c.set('b', answer(2), 1);
  c.set('c', answer(3), 2);
  assert.equal(c.get('a', 3), undefined);
  assert.ok(c.get('b', 3));
  assert.ok(c.get('c', 3));
});

test('a failed answer is forgotten, so a resend runs again', async () => {
  const c = new ReplayCache();
  const failed = Promise.reject(new Error('upstream broke'));
  c.set('k', failed);
  await assert.rejects(failed);
  await new Promise((r) => setImmediate(r));
  assert.equal(c.get('k'), undefined);
  // A later answer under the same key is not removed by the earlier failure.
  const ok = answer(201);
  c.set('k', ok);
  assert.equal(c.get('k'), ok);
});
