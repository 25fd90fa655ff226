import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types.ts';
import {
  accessModes,
  claimCapacity,
  claimStatus,
  claimUsers,
  isDefaultClass,
  volumeClaim,
  volumeStatus,
} from './storage.ts';

test('isDefaultClass reads the annotation and its beta form', () => {
  const sc = (annotations?: Record<string, string>) => ({ metadata: { name: 'x', annotations } });
  assert.equal(isDefaultClass(sc()), false);
  assert.equal(isDefaultClass(sc({ 'storageclass.kubernetes.io/is-default-class': 'true' })), true);
  assert.equal(isDefaultClass(sc({ 'storageclass.beta.kubernetes.io/is-default-class': 'true' })), true);
  assert.equal(isDefaultClass(sc({ 'storageclass.kubernetes.io/is-default-class': 'false' })), false);
});

test('claim and volume status, capacity, access modes, bound claim', () => {
  assert.equal(claimStatus({ metadata: { name: 'a' } }), 'Pending');
  assert.equal(claimStatus({ metadata: { name: 'a' }, status: { phase: 'Bound' } }), 'Bound');
  assert.equal(
    claimStatus({ metadata: { name: 'a', deletionTimestamp: 'x' }, status: { phase: 'Bound' } }),
    'Terminating',
  );
  assert.equal(volumeStatus({ metadata: { name: 'v' }, status: { phase: 'Released' } }), 'Released');
  assert.equal(
    claimCapacity({ metadata: { name: 'a' }, spec: { resources: { requests: { storage: '1Gi' } } } }),
    '1Gi',
  );
  assert.equal(
    claimCapacity({
      metadata: { name: 'a' },
      spec: { resources: { requests: { storage: '1Gi' } } },
      status: { capacity: { storage: '2Gi' } },
    }),
    '2Gi',
  );
  assert.equal(claimCapacity({ metadata: { name: 'a' } }), '-');
  assert.equal(accessModes(['ReadWriteOnce', 'ReadOnlyMany', 'Other']), 'RWO,ROX,Other');
  assert.equal(accessModes(undefined), '-');
  assert.equal(
    volumeClaim({ metadata: { name: 'v' }, spec: { claimRef: { namespace: 'ns', name: 'data' } } }),
    'ns/data',
  );
  assert.equal(volumeClaim({ metadata: { name: 'v' } }), '-');
});

test('claimUsers lists the unfinished pods using each claim', () => {
  const pod = (name: string, ns: string, claims: string[], phase = 'Running'): Pod =>
    ({
      metadata: { name, namespace: ns },
      spec: {
        containers: [],
        volumes: [
          ...claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
          { name: 'tmp', emptyDir: {} },
        ],
      },
      status: { phase },
    }) as Pod;
  const users = claimUsers([
    pod('a', 'ns1', ['data']),
    pod('b', 'ns1', ['data', 'logs']),
    pod('c', 'ns2', ['data']),
    pod('done', 'ns1', ['data'], 'Succeeded'),
  ]);
  assert.deepEqual(Object.fromEntries(users), {
    'ns1/data': ['a', 'b'],
    'ns1/logs': ['b'],
    'ns2/data': ['c'],
  });
});
