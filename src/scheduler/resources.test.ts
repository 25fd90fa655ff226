import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCopy } from '../client/store.ts';
import { container, makePod } from './fixtures.ts';
import { amountOf, podRequests } from './resources.ts';
import type { RPod } from './types.ts';

test('amountOf: cached parses keep cpu (millicores) and other resources apart', () => {
  // Twice each, so the second answer comes from the cache.
  for (let i = 0; i < 2; i++) {
    assert.equal(amountOf('cpu', '1'), 1000);
    assert.equal(amountOf('memory', '1'), 1);
    assert.equal(amountOf('cpu', '250m'), 250);
    assert.equal(amountOf('memory', '1Ki'), 1024);
    assert.equal(amountOf('memory', 'bogus'), 0);
  }
});

test('podRequests: the assumed copy of a frozen pod reuses its parse; other init containers do not', () => {
  const pod = frozenCopy(makePod('p', { cpu: '100m', memory: '1Mi' }));
  const first = podRequests(pod);
  // What cache.assume places: a shallow copy sharing the containers array.
  const assumed = { ...pod, spec: { ...pod.spec, nodeName: 'n1' } } as RPod;
  assert.equal(podRequests(assumed), first, 'same Amounts object');
  const withInit = {
    ...pod,
    spec: { ...pod.spec, initContainers: [container('init', { cpu: '2' })] },
  } as RPod;
  assert.deepEqual(Object.fromEntries(podRequests(withInit)), { cpu: 2000, memory: 1048576 });
  const withOverhead = { ...pod, spec: { ...pod.spec, overhead: { cpu: '50m' } } } as RPod;
  assert.deepEqual(Object.fromEntries(podRequests(withOverhead)), { cpu: 150, memory: 1048576 });
  assert.deepEqual(Object.fromEntries(podRequests(pod)), { cpu: 100, memory: 1048576 });
});
