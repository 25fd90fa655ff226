import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../client/clock.ts';
import { Expectations } from './expectations.ts';
import { slowStartBatch } from './slow-start.ts';

const cases: { count: number; failAt?: number; batches: number[]; successes: number }[] = [
  { count: 0, batches: [], successes: 0 },
  { count: 1, batches: [1], successes: 1 },
  { count: 10, batches: [1, 2, 4, 3], successes: 10 },
  { count: 10, failAt: 0, batches: [1], successes: 0 },
  { count: 10, failAt: 4, batches: [1, 2, 4], successes: 6 },
];

for (const tc of cases) {
  test(`slowStartBatch count=${tc.count} failAt=${tc.failAt ?? 'none'}`, async () => {
    const batches: number[] = [];
    let inFlight = 0;
    let last = -1;
    const res = await slowStartBatch(tc.count, 1, async (i) => {
      inFlight++;
      if (i !== last + 1 || inFlight === 1) batches.push(0);
      batches[batches.length - 1]!++;
      last = i;
      await Promise.resolve();
      inFlight--;
      if (i === tc.failAt) throw new Error('quota');
    });
    assert.deepEqual(batches, tc.batches);
    assert.equal(res.successes, tc.successes);
    assert.equal(res.error !== undefined, tc.failAt !== undefined);
  });
}

test('expectations: creations and per-pod deletions drain; a repeat deletion counts once', () => {
  const e = new Expectations(new FakeClock());
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  e.creationObserved('ns/rs');
  e.creationObserved('ns/rs'); // never below zero
  assert.deepEqual(e.pending('ns/rs'), { adds: 0, deletes: 0 });
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a');
  assert.equal(e.satisfied('ns/rs'), false);
  e.deletionObserved('ns/rs', 'ns/b');
  assert.equal(e.satisfied('ns/rs'), true);
});

test('expectations expire after the TTL', () => {
  const clock = new FakeClock();
  const e = new Expectations(clock, 1000);
  e.expectCreations('ns/rs', 1);
  clock.advance(1000);
  assert.equal(e.satisfied('ns/rs'), false);
  clock.advance(1);
  assert.equal(e.satisfied('ns/rs'), true);
});
