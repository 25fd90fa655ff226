import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { storageClass, storageClassNameCell } from './storageclass.ts';

const CREATED = '2024-05-01T10:00:00Z';
const NOW = Date.parse(CREATED) + 3 * 3600_000;

function fixture(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'local-path',
      creationTimestamp: CREATED,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'rancher.io/local-path',
    parameters: { type: 'ssd' },
  };
}

test('storageclass: defaults reclaimPolicy Delete and volumeBindingMode Immediate', () => {
  const o = fixture();
  storageClass.strategy.defaults?.(o);
  assert.deepEqual(o, { ...fixture(), reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  assert.deepEqual(storageClass.strategy.validate?.(o), []);
});

const invalid: [string, Record<string, unknown>, string[]][] = [
  ['no provisioner', { provisioner: '' }, ['provisioner']],
  ['bad provisioner', { provisioner: 'not a name!' }, ['provisioner']],
  ['Recycle policy', { reclaimPolicy: 'Recycle' }, ['reclaimPolicy']],
  ['bad binding mode', { volumeBindingMode: 'Later' }, ['volumeBindingMode']],
  ['empty parameter key', { parameters: { '': 'x' } }, ['parameters']],
  [
    'topology term without expressions',
    { allowedTopologies: [{}] },
    ['allowedTopologies[0].matchLabelExpressions'],
  ],
];
for (const [name, patch, fields] of invalid) {
  test(`storageclass: invalid — ${name}`, () => {
    const o = { ...fixture(), reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...patch };
    assert.deepEqual(
      storageClass.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('storageclass: provisioner, parameters, reclaimPolicy and binding mode are immutable', () => {
  const old = { ...fixture(), reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };
  const changed = {
    ...old,
    provisioner: 'x.io/y',
    parameters: { type: 'hdd' },
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(
    storageClass.strategy.validateUpdate?.(changed, old).map((e) => e.field),
    ['parameters', 'provisioner', 'reclaimPolicy', 'volumeBindingMode'],
  );
  assert.deepEqual(storageClass.strategy.validateUpdate?.({ ...old, allowVolumeExpansion: true }, old), []);
});

test('storageclass: columns and the (default) name', () => {
  const o = fixture();
  storageClass.strategy.defaults?.(o);
  assert.deepEqual(
    storageClass.columns?.map((c) => c.name),
    ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age'],
  );
  assert.equal(storageClass.columns?.[0].format, 'name');
  assert.deepEqual(
    storageClass.columns?.map((c) => c.cell(o, NOW)),
    ['local-path (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '3h'],
  );
  assert.equal(storageClassNameCell(o), 'local-path (default)');
  o.metadata.annotations = {};
  assert.equal(storageClassNameCell(o), 'local-path');
});
