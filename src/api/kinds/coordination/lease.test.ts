import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { module } from './index.ts';
import { lease } from './lease.ts';

const CREATED = '2024-05-01T10:00:00Z';

function fixture(): KubeObject {
  return {
    metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: CREATED },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:30.000000Z' },
  };
}

test('coordination: module refs resolve', () => {
  assert.deepEqual(checkModule(module), []);
  assert.deepEqual([lease.resource, lease.namespaced], ['leases', true]);
});

test('lease: valid object has no errors; bad durations are rejected', () => {
  assert.deepEqual(lease.strategy.validate?.(fixture()), []);
  const o = fixture();
  o.spec = { leaseDurationSeconds: 0, leaseTransitions: -1 };
  assert.deepEqual(
    lease.strategy.validate?.(o).map((e) => e.field),
    ['spec.leaseDurationSeconds', 'spec.leaseTransitions'],
  );
});

test('lease: columns HOLDER AGE', () => {
  const now = Date.parse(CREATED) + 25 * 3600_000;
  assert.deepEqual(
    lease.columns?.map((c) => c.cell(fixture(), now)),
    ['node-1', '25h'],
  );
  assert.deepEqual(
    lease.columns?.map((c) => c.cell({ metadata: { creationTimestamp: CREATED }, spec: {} }, now)),
    ['', '25h'],
  );
});
