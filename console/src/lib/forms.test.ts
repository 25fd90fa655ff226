import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteOptions, dnsLabelError, namespaceObject, replicasError, scalePatch } from './forms.ts';

test('dnsLabelError', () => {
  const ok = ['a', 'shop', 'team-1', 'a'.repeat(63), '0abc'];
  const bad = ['', 'Shop', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64), 'a b'];
  for (const n of ok) assert.equal(dnsLabelError(n), undefined, n);
  for (const n of bad) assert.notEqual(dnsLabelError(n), undefined, n);
});

test('replicasError', () => {
  for (const n of [0, 1, 10_000]) assert.equal(replicasError(n), undefined, String(n));
  for (const n of [-1, 1.5, Number.NaN, '3', null, 10_001])
    assert.notEqual(replicasError(n), undefined, String(n));
});

test('request bodies', () => {
  assert.deepEqual(scalePatch(3), { spec: { replicas: 3 } });
  assert.deepEqual(namespaceObject('x'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
  assert.equal(deleteOptions().propagationPolicy, 'Background');
  assert.equal(deleteOptions('Foreground').propagationPolicy, 'Foreground');
});
