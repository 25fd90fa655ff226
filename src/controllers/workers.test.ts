import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../client/clock.ts';
import { silentLogger } from '../client/logger.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { runWorkers } from './workers.ts';

test('workers: failures come back with backoff, requeueAfter comes back on time, shutdown ends the loops', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock });
  const seen: string[] = [];
  let failures = 1;
  const done = runWorkers({
    queue,
    workers: 3,
    controller: 'test',
    log: silentLogger,
    reconcile: async (key) => {
      seen.push(key);
      if (key === 'flaky' && failures-- > 0) throw new Error('try again');
      if (key === 'later' && seen.filter((k) => k === 'later').length === 1) return { requeueAfterMs: 1000 };
    },
  });
  queue.add('flaky');
  queue.add('later');
  await settle();
  assert.deepEqual(seen.sort(), ['flaky', 'later']);
  assert.equal(queue.numRequeues('flaky'), 1);
  await clock.advanceAsync(999, 333);
  assert.equal(seen.filter((k) => k === 'later').length, 1, 'not before its time');
  await clock.advanceAsync(1, 1);
  assert.equal(seen.filter((k) => k === 'later').length, 2);
  assert.equal(seen.filter((k) => k === 'flaky').length, 2, 'the failed key was retried after its backoff');
  assert.equal(queue.numRequeues('flaky'), 0, 'success forgets the backoff');
  queue.shutDown();
  await done;
});
