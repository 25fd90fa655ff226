import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionConditions, mergeConditions } from './conditions.ts';

test('namespace conditions: a changed condition gets a new transition time, an unchanged one keeps its own', () => {
  const clean = deletionConditions([], { remaining: {}, finalizers: {}, failures: [] });
  const first = mergeConditions(undefined, clean, 't1');
  assert.ok(first);
  assert.ok(first.every((c) => c.lastTransitionTime === 't1'));
  assert.equal(mergeConditions(first, clean, 't2'), undefined, 'nothing changed: no write');
  const busy = deletionConditions(['x.example.com/v1'], {
    remaining: { pods: 2 },
    finalizers: { 'a/b': 2 },
    failures: [],
  });
  const second = mergeConditions(first, busy, 't3');
  assert.ok(second);
  const byType = Object.fromEntries(second.map((c) => [c.type, c]));
  assert.deepEqual(
    [
      byType.NamespaceDeletionDiscoveryFailure.status,
      byType.NamespaceDeletionDiscoveryFailure.lastTransitionTime,
      byType.NamespaceDeletionDiscoveryFailure.reason,
    ],
    ['True', 't3', 'DiscoveryFailed'],
  );
  assert.equal(
    byType.NamespaceContentRemaining.message,
    'Some resources are still present: pods has 2 objects',
  );
  assert.equal(byType.NamespaceDeletionContentFailure.lastTransitionTime, 't1');
});
