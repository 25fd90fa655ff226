import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { controllerRevisionKind as kind } from './controllerrevision.ts';
import { NOW, TEN_MINUTES_AGO, cells, columnNames, createErrorFields, updateErrors } from './fixtures.ts';

const revision = (extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name: 'db-7d4f',
    namespace: 'default',
    creationTimestamp: TEN_MINUTES_AGO,
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true },
    ],
  },
  data: { spec: { template: {} } },
  revision: 2,
  ...extra,
});

describe('ControllerRevision', () => {
  it('validates data and revision', () => {
    assert.deepEqual(createErrorFields(kind, revision()), []);
    assert.deepEqual(createErrorFields(kind, revision({ data: undefined, revision: -1 })), [
      'data',
      'revision',
    ]);
  });

  it('keeps data immutable', () => {
    const old = revision();
    assert.deepEqual(
      updateErrors(kind, old, revision({ data: { spec: { x: 1 } } })).map((e) => e.field),
      ['data'],
    );
    assert.deepEqual(updateErrors(kind, old, revision({ revision: 3 })), []);
  });

  it('shows CONTROLLER REVISION AGE', () => {
    assert.deepEqual(columnNames(kind), { normal: ['CONTROLLER', 'REVISION', 'AGE'], wide: [] });
    assert.deepEqual(cells(kind, revision(), NOW), ['statefulset.apps/db', 2, '10m']);
    const orphan = revision();
    orphan.metadata.ownerReferences = [];
    assert.equal(cells(kind, orphan, NOW)[0], '<none>');
  });
});
