import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/clock.ts';
import { SchedulerCache } from './cache.ts';
import { makeNode, makePod } from './fixtures.ts';

const podsOn = (cache: SchedulerCache, node: string): number =>
  cache.snapshot().byName.get(node)?.podCount ?? -1;

test('an assumed pod counts until its binding is written and then expires after the TTL unconfirmed', () => {
  const clock = new FakeClock(0);
  const cache = new SchedulerCache({ clock, assumeTtlMs: 1000 });
  cache.upsertNode(makeNode('n1'));
  const a = makePod('a', { cpu: '1' });
  const b = makePod('b', { cpu: '1' });
  cache.assume(a, 'n1');
  cache.assume(b, 'n1');
  clock.advance(5000);
  assert.equal(podsOn(cache, 'n1'), 2, 'no expiry while the bindings wait their turn');
  cache.finishBinding('default/a');
  clock.advance(500);
  cache.finishBinding('default/b');
  clock.advance(600);
  assert.equal(podsOn(cache, 'n1'), 1, 'a expired 1 s after its binding; b not yet');
  assert.ok(!cache.isAssumed('default/a'));
  assert.ok(cache.isAssumed('default/b'));
  // Confirmed by the informer: never expires.
  cache.upsertPod({ ...b, spec: { ...b.spec, nodeName: 'n1' } });
  clock.advance(10_000);
  assert.equal(podsOn(cache, 'n1'), 1);
  assert.ok(!cache.isAssumed('default/b'));
});
