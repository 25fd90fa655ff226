import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ancientManager,
  baseManagedFields,
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  recordUpdate,
  type ManagedField,
} from './managedfields.ts';

const entry = (
  manager: string,
  operation: 'Apply' | 'Update',
  set: ManagedField['set'],
  time = '2025-01-01T00:00:00Z',
): ManagedField => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  subresource: '',
  time,
  set,
});
const writer = { manager: 'kubectl-edit', apiVersion: 'apps/v1', subresource: '' };
const now = '2025-06-01T00:00:00Z';

test('recordUpdate: the writer takes what it changed; others lose it; removed fields are nobody’s', () => {
  const managed = [
    entry('kubectl', 'Apply', { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } }),
    entry('ctrl', 'Update', { 'f:spec': { 'f:x': {} } }),
  ];
  const out = recordUpdate(
    managed,
    { changed: { 'f:spec': { 'f:replicas': {} } }, removed: { 'f:spec': { 'f:x': {} } } },
    writer,
    now,
  );
  assert.deepEqual(
    out.map((m) => [m.manager, m.operation, m.set, m.time]),
    [
      ['kubectl', 'Apply', { 'f:spec': { 'f:paused': {} } }, '2025-01-01T00:00:00Z'],
      ['kubectl-edit', 'Update', { 'f:spec': { 'f:replicas': {} } }, now],
    ],
  );
  assert.deepEqual(
    recordUpdate(managed, { changed: {}, removed: {} }, writer, now),
    managed,
    'no change, no new entry',
  );
  assert.deepEqual(managed[0].set, { 'f:spec': { 'f:replicas': {}, 'f:paused': {} } }, 'input unchanged');
});

test('baseManagedFields: keep, overwrite, reset', () => {
  const live = encodeManagedFields([entry('a', 'Update', { 'f:x': {} })]);
  const sent = encodeManagedFields([entry('b', 'Apply', { 'f:y': {} })]);
  const table: { name: string; sent: unknown; want: string[] }[] = [
    { name: 'absent keeps live', sent: undefined, want: ['a'] },
    { name: 'empty list keeps live', sent: [], want: ['a'] },
    { name: 'valid entries overwrite', sent, want: ['b'] },
    { name: 'malformed entries keep live', sent: [{ manager: 'x', operation: 'Bogus' }], want: ['a'] },
    { name: 'one empty entry resets', sent: [{}], want: [] },
  ];
  for (const c of table)
    assert.deepEqual(
      baseManagedFields(live, c.sent).map((m) => m.manager),
      c.want,
      c.name,
    );
});

test('encode/decode round trip in Kubernetes order: Apply first, then by time', () => {
  const managed = [
    entry('z', 'Update', { 'f:a': {} }, '2025-01-02T00:00:00Z'),
    entry('y', 'Update', { 'f:b': {} }),
    entry('x', 'Apply', { 'f:c': {} }, '2025-03-01T00:00:00Z'),
  ];
  const wire = encodeManagedFields(managed);
  assert.deepEqual(
    wire.map((e) => e.manager),
    ['x', 'y', 'z'],
  );
  assert.equal(wire[0].fieldsType, 'FieldsV1');
  assert.deepEqual(
    decodeManagedFields(JSON.parse(JSON.stringify(wire)))?.map((m) => m.manager),
    ['x', 'y', 'z'],
  );
});

test('capUpdateManagers folds the oldest Update entries into ancient-changes', () => {
  const managed = [entry('applier', 'Apply', { 'f:keep': {} })];
  for (let i = 0; i < 12; i++)
    managed.push(
      entry(`m${i}`, 'Update', { [`f:f${i}`]: {} }, `2025-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`),
    );
  const out = capUpdateManagers(managed, 10);
  const updates = out.filter((m) => m.operation === 'Update');
  assert.equal(updates.length, 10);
  const ancient = out.find((m) => m.manager === ancientManager)!;
  assert.deepEqual(ancient.set, { 'f:f0': {}, 'f:f1': {}, 'f:f2': {} });
  assert.equal(ancient.time, '2025-01-03T00:00:00Z');
  assert.ok(out.some((m) => m.manager === 'applier'));
  assert.ok(!out.some((m) => m.manager === 'm2') && out.some((m) => m.manager === 'm3'));
  // Folding again merges into the existing entry.
  const again = capUpdateManagers(
    [...out, entry('m99', 'Update', { 'f:z': {} }, '2025-02-01T00:00:00Z')],
    10,
  );
  assert.equal(again.filter((m) => m.operation === 'Update').length, 10);
  assert.ok('f:f3' in again.find((m) => m.manager === ancientManager)!.set);
});
