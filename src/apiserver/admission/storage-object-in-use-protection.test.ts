import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, newApi } from '../test-fixtures.ts';
import { storageObjectInUseProtection } from './storage-object-in-use-protection.ts';

test('claims and volumes are created with their protection finalizer, once', async () => {
  const { api, done } = newApi();
  api.admission.push(storageObjectInUseProtection());
  const { obj: pvc } = await api.resource('', 'persistentvolumeclaims').create(
    'default',
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default', finalizers: ['example.com/x'] },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    ctx(),
  );
  assert.deepEqual(pvc.metadata.finalizers, ['example.com/x', 'kubernetes.io/pvc-protection']);
  const { obj: pv } = await api.resource('', 'persistentvolumes').create(
    '',
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv1', finalizers: ['kubernetes.io/pv-protection'] },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } },
    },
    ctx(),
  );
  assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
  const { obj: cm } = await api
    .resource('', 'configmaps')
    .create(
      'default',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } },
      ctx(),
    );
  assert.equal(cm.metadata.finalizers, undefined);
  await done();
});
