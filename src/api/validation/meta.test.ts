import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectMeta } from '../object.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isDNS1123Label } from './names.ts';

const fields = (errs: { field: string }[]): string[] => errs.map((e) => e.field);

const createCases: [string, ObjectMeta, boolean, string[]][] = [
  ['valid namespaced', { name: 'web', namespace: 'default', labels: { app: 'web' } }, true, []],
  ['generateName only', { generateName: 'web-', namespace: 'default' }, true, []],
  ['no name', { namespace: 'default' }, true, ['metadata.name']],
  ['bad name', { name: 'Web', namespace: 'default' }, true, ['metadata.name']],
  ['bad generateName', { generateName: 'Web-', namespace: 'default' }, true, ['metadata.generateName']],
  ['missing namespace', { name: 'web' }, true, ['metadata.namespace']],
  ['namespace on cluster kind', { name: 'web', namespace: 'x' }, false, ['metadata.namespace']],
  [
    'bad label key and value',
    { name: 'a', namespace: 'd', labels: { 'a b': 'c d' } },
    true,
    ['metadata.labels', 'metadata.labels'],
  ],
  [
    'bad annotation key',
    { name: 'a', namespace: 'd', annotations: { '-x': '1' } },
    true,
    ['metadata.annotations'],
  ],
  [
    'annotations too large',
    { name: 'a', namespace: 'd', annotations: { a: 'x'.repeat(256 * 1024) } },
    true,
    ['metadata.annotations'],
  ],
  ['bad finalizer', { name: 'a', namespace: 'd', finalizers: ['a/b/c'] }, true, ['metadata.finalizers']],
  [
    'orphan and foreground',
    { name: 'a', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] },
    true,
    ['metadata.finalizers'],
  ],
  [
    'owner reference missing fields',
    { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] },
    true,
    [
      'metadata.ownerReferences.apiVersion',
      'metadata.ownerReferences.kind',
      'metadata.ownerReferences.name',
      'metadata.ownerReferences.uid',
    ],
  ],
  [
    'two controllers',
    {
      name: 'a',
      namespace: 'd',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r1', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r2', uid: '2', controller: true },
      ],
    },
    true,
    ['metadata.ownerReferences'],
  ],
];

for (const [name, meta, namespaced, expected] of createCases) {
  test(`validateObjectMeta: ${name}`, () => {
    assert.deepEqual(fields(validateObjectMeta(meta, { namespaced })), expected);
  });
}

test('validateObjectMeta: custom name rule and message', () => {
  const errs = validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameRule: isDNS1123Label });
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.message, 'Invalid value: "a.b": must not contain dots');
  const req = validateObjectMeta({}, { namespaced: false });
  assert.equal(req[0]!.message, 'Required value: name or generateName is required');
});

const base: ObjectMeta = { name: 'a', namespace: 'd', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' };
const updateCases: [string, ObjectMeta, ObjectMeta, string[]][] = [
  ['labels may change', { ...base, labels: { x: 'y' } }, base, []],
  ['name immutable', { ...base, name: 'b' }, base, ['metadata.name']],
  ['uid immutable', { ...base, uid: 'u2' }, base, ['metadata.uid']],
  [
    'creationTimestamp immutable',
    { ...base, creationTimestamp: '2025-01-01T00:00:00Z' },
    base,
    ['metadata.creationTimestamp'],
  ],
  [
    'deletionTimestamp only by deletion',
    { ...base, deletionTimestamp: '2025-01-01T00:00:00Z' },
    base,
    ['metadata.deletionTimestamp'],
  ],
  [
    'no new finalizers while deleting',
    { ...base, deletionTimestamp: 't', finalizers: ['a.io/x', 'b.io/y'] },
    { ...base, deletionTimestamp: 't', finalizers: ['a.io/x'] },
    ['metadata.finalizers'],
  ],
  [
    'removing finalizers while deleting',
    { ...base, deletionTimestamp: 't' },
    { ...base, deletionTimestamp: 't', finalizers: ['a.io/x'] },
    [],
  ],
];

for (const [name, next, old, expected] of updateCases) {
  test(`validateObjectMetaUpdate: ${name}`, () => {
    assert.deepEqual(fields(validateObjectMetaUpdate(next, old)), expected);
  });
}
