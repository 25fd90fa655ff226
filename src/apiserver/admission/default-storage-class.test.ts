import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { ctx, newApi } from '../test-fixtures.ts';
import { defaultStorageClass, pickDefaultClass } from './default-storage-class.ts';

const cls = (name: string, isDefault: boolean, created = '2026-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name,
    creationTimestamp: created,
    ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
  },
  provisioner: 'berth.io/local-path',
  volumeBindingMode: 'WaitForFirstConsumer',
});

const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

test('pickDefaultClass: only annotated classes; the newest wins, then the first name', () => {
  assert.equal(pickDefaultClass([cls('a', false)]), undefined);
  const picked = pickDefaultClass([
    cls('old', true, '2025-01-01T00:00:00Z'),
    cls('b-new', true, '2026-02-01T00:00:00Z'),
    cls('a-new', true, '2026-02-01T00:00:00Z'),
    cls('plain', false, '2027-01-01T00:00:00Z'),
  ]);
  assert.equal(picked?.metadata.name, 'a-new');
});

test('a claim without a class gets the default; "" and a named class are kept', async () => {
  const { api, done } = newApi();
  api.admission.push(defaultStorageClass(api));
  const classes = api.resource('storage.k8s.io', 'storageclasses');
  const claims = api.resource('', 'persistentvolumeclaims');
  const { obj: noDefault } = await claims.create('default', claim('before'), ctx());
  assert.equal((noDefault.spec as { storageClassName?: string }).storageClassName, undefined);
  await classes.create('', cls('local-path', true), ctx());
  await classes.create('', cls('fast', false), ctx());
  const cases: [string, Record<string, unknown>, string | undefined][] = [
    ['unset', {}, 'local-path'],
    ['null', { storageClassName: null }, 'local-path'],
    ['empty', { storageClassName: '' }, ''],
    ['named', { storageClassName: 'fast' }, 'fast'],
  ];
  for (const [name, spec, want] of cases) {
    const { obj: got } = await claims.create('default', claim(name, spec), ctx());
    assert.equal((got.spec as { storageClassName?: string }).storageClassName, want, name);
  }
  const beta = claim('beta');
  beta.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'fast' };
  const { obj: got } = await claims.create('default', beta, ctx());
  assert.equal((got.spec as { storageClassName?: string }).storageClassName, undefined);
  await done();
});
