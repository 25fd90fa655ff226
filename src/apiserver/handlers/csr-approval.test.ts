import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { withApproval } from './csr-approval.ts';

const now = '2026-01-01T00:00:00Z';
const stored = (conditions: unknown[], certificate?: string): KubeObject => ({
  metadata: { name: 'c', resourceVersion: '5' },
  spec: { request: 'x', signerName: 'example.com/s' },
  status: { conditions, ...(certificate ? { certificate } : {}) },
});

test('withApproval takes only Approved/Denied from the body and keeps the rest as stored', () => {
  const cur = stored([{ type: 'Failed', status: 'True', reason: 'X' }], 'Q0VSVA==');
  const body = {
    metadata: { name: 'c' },
    spec: { request: 'forged', signerName: 'evil.com/s' },
    status: {
      certificate: 'Rk9SR0VE',
      conditions: [
        { type: 'Approved', status: 'True', reason: 'KubectlApprove' },
        { type: 'Failed', status: 'False' },
      ],
    },
  };
  const next = withApproval(cur, body, now);
  assert.deepEqual(next.spec, cur.spec);
  assert.deepEqual(next.status, {
    certificate: 'Q0VSVA==',
    conditions: [
      {
        type: 'Approved',
        status: 'True',
        reason: 'KubectlApprove',
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
      { type: 'Failed', status: 'True', reason: 'X' },
    ],
  });
});

test('withApproval keeps lastTransitionTime when the status did not change', () => {
  const cur = stored([{ type: 'Approved', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }]);
  const next = withApproval(cur, { status: { conditions: [{ type: 'Approved', status: 'True' }] } }, now);
  assert.deepEqual((next.status as { conditions: unknown[] }).conditions, [
    { type: 'Approved', status: 'True', lastUpdateTime: now, lastTransitionTime: '2025-01-01T00:00:00Z' },
  ]);
});
