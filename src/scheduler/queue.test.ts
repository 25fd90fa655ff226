import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, settle } from '../client/clock.ts';
import { frozenCopy } from '../client/store.ts';
import { makePod } from './fixtures.ts';
import { SchedulingQueue } from './queue.ts';
import type { RPod } from './types.ts';

const pod = (name: string, priority = 0): RPod => frozenCopy(makePod(name, {}, { priority }));

async function popName(q: SchedulingQueue): Promise<string | undefined> {
  return (await q.pop())?.key;
}

test('activeQ pops by priority, then by arrival', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  q.add('default/low', pod('low', 0));
  clock.advance(1);
  q.add('default/high', pod('high', 100));
  clock.advance(1);
  q.add('default/low2', pod('low2', 0));
  q.add('default/low', pod('low', 0)); // an update keeps its place
  assert.deepEqual(
    [await popName(q), await popName(q), await popName(q)],
    ['default/high', 'default/low', 'default/low2'],
  );
  q.close();
});

test('backoff doubles per attempt from 1 s and is capped at 10 s', () => {
  const q = new SchedulingQueue({ clock: new FakeClock() });
  const info = { key: 'k', pod: pod('k'), attempts: 0, timestamp: 0, lastFailure: 0 };
  const got = [1, 2, 3, 4, 5, 6].map((attempts) => q.backoffDuration({ ...info, attempts }));
  assert.deepEqual(got, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  q.close();
});

test('unschedulable pods wait for a cluster event, then honour their backoff', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  q.add('default/a', pod('a'));
  const info = await q.pop();
  assert.ok(info);
  q.requeue(info, q.schedulingCycle, true);
  q.done(info.key);
  assert.equal(q.where('default/a'), 'unschedulable');
  clock.advance(60_000);
  assert.equal(q.where('default/a'), 'unschedulable', 'no event, no retry before 5 minutes');
  q.moveAllToActiveOrBackoff();
  assert.equal(q.where('default/a'), 'active', 'backoff of 1 s long expired');

  const again = await q.pop();
  assert.ok(again);
  assert.equal(again.attempts, 2);
  q.requeue(again, q.schedulingCycle, true);
  q.moveAllToActiveOrBackoff();
  assert.equal(q.where('default/a'), 'backoff', 'failed just now: waits 2 s');
  clock.advance(1999);
  assert.equal(q.where('default/a'), 'backoff');
  clock.advance(1);
  assert.equal(q.where('default/a'), 'active');
  q.close();
});

test('a move request during the attempt sends the pod to backoff, not to the unschedulable pool', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  q.add('default/a', pod('a'));
  const info = await q.pop();
  assert.ok(info);
  const cycle = q.schedulingCycle;
  q.moveAllToActiveOrBackoff(); // e.g. a node was added while we were filtering
  q.requeue(info, cycle, true);
  assert.equal(q.where('default/a'), 'backoff');
  clock.advance(1000);
  assert.equal(q.where('default/a'), 'active');
  q.close();
});

test('unschedulable pods are retried after 5 minutes without events; spec changes retry at once', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  q.add('default/a', pod('a'));
  q.add('default/b', pod('b'));
  for (let i = 0; i < 2; i++) {
    const info = await q.pop();
    assert.ok(info);
    q.requeue(info, q.schedulingCycle, true);
    q.done(info.key);
  }
  clock.advance(2000);
  q.add('default/b', frozenCopy(makePod('b', { cpu: '1' })));
  assert.equal(q.where('default/b'), 'active');
  q.add('default/a', pod('a')); // same spec: stays
  assert.equal(q.where('default/a'), 'unschedulable');
  clock.advance(300_000);
  assert.equal(q.where('default/a'), 'active');
  q.close();
});

test('delete removes a pod wherever it waits; a deleted in-flight pod is not requeued; pop waits and close ends it', async () => {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock });
  q.add('default/a', pod('a'));
  const info = await q.pop();
  assert.ok(info);
  q.delete('default/a');
  q.requeue(info, q.schedulingCycle, true);
  assert.equal(q.where('default/a'), undefined);
  let got: string | undefined = 'pending';
  void q.pop().then((i) => (got = i?.key));
  await settle();
  assert.equal(got, 'pending');
  q.add('default/b', pod('b'));
  await settle();
  assert.equal(got, 'default/b');
  void q.pop().then((i) => (got = i?.key));
  q.close();
  await settle();
  assert.equal(got, undefined);
});
