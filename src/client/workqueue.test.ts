import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from './clock.ts';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './workqueue.ts';

function queue() {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({
    clock,
    rateLimiter: new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
  });
  return { q, clock };
}

test('adds of a queued key collapse; keys come out in order', async () => {
  const { q } = queue();
  for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
  assert.equal(q.len(), 3);
  assert.deepEqual([await q.get(), await q.get(), await q.get()], ['a', 'b', 'c']);
});

test('a key added while processing is not handed to a second worker; done re-queues it once', async () => {
  const { q } = queue();
  q.add('a');
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'only marked dirty while processing');
  let second: string | undefined = 'unset';
  void q.get().then((v) => (second = v));
  await settle();
  assert.equal(second, 'unset', 'a second worker waits');
  q.done('a');
  await settle();
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.len(), 0);
});

test('done without a re-add does not re-queue', async () => {
  const { q } = queue();
  q.add('a');
  q.done((await q.get()) as string);
  assert.equal(q.len(), 0);
});

test('waiting workers wake on add', async () => {
  const { q } = queue();
  const got: (string | undefined)[] = [];
  const workers = [q.get(), q.get()].map((p) => p.then((v) => got.push(v)));
  q.add('x');
  q.add('y');
  await Promise.all(workers);
  assert.deepEqual(got.sort(), ['x', 'y']);
});

test('addRateLimited backs off per key (5, 10, 20 ms ...) on the injected clock; forget resets', async () => {
  const { q, clock } = queue();
  const table: [number, number][] = [
    [0, 5],
    [1, 10],
    [2, 20],
    [3, 40],
  ];
  for (const [requeues, delay] of table) {
    assert.equal(q.numRequeues('a'), requeues);
    q.addRateLimited('a');
    clock.advance(delay - 1);
    assert.equal(q.len(), 0, `not before ${delay} ms`);
    clock.advance(1);
    assert.equal(q.len(), 1, `after ${delay} ms`);
    q.done((await q.get()) as string);
  }
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  q.addRateLimited('a');
  clock.advance(5);
  assert.equal(q.len(), 1);
});

test('addAfter keeps the earlier of two delays, and a delayed key dedups with a direct add', async () => {
  const { q, clock } = queue();
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 200);
  clock.advance(50);
  assert.equal(q.len(), 1);
  clock.advance(200);
  assert.equal(q.len(), 1, 'the later timers were dropped or collapsed');
  q.addAfter('b', 0);
  assert.equal(q.len(), 2, 'zero delay adds now');
});

test('shutDown: no new keys, workers drain what is queued, then get undefined; delayed keys are dropped', async () => {
  const { q, clock } = queue();
  q.add('a');
  q.addAfter('late', 10);
  const idle = q.get();
  assert.equal(await idle, 'a');
  q.add('b');
  q.shutDown();
  q.add('c');
  assert.equal(await q.get(), 'b');
  assert.equal(await q.get(), undefined);
  clock.advance(100);
  assert.equal(q.len(), 0);
  assert.equal(q.shuttingDown(), true);
});

test('shutDownWithDrain resolves only after processing keys are done', async () => {
  const { q } = queue();
  q.add('a');
  const k = (await q.get()) as string;
  let drained = false;
  void q.shutDownWithDrain().then(() => (drained = true));
  await settle();
  assert.equal(drained, false);
  q.done(k);
  await settle();
  assert.equal(drained, true);
});

test('a blocked get returns undefined on shutdown', async () => {
  const { q } = queue();
  const p = q.get();
  q.shutDown();
  assert.equal(await p, undefined);
});
