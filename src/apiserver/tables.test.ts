import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../api/kinds/index.ts';
import type { KindDef } from '../api/kinds/types.ts';
import type { KubeObject } from '../api/object.ts';
import { columnDefinitions, columnsOf, includeObjectFrom, table, tableRow } from './tables.ts';

const registry = builtinRegistry();
const kind = (group: string, version: string, resource: string): KindDef => {
  const k = registry.byGVR(group, version, resource);
  assert.ok(k, `${group}/${version}/${resource}`);
  return k;
};

const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'settings',
    namespace: 'default',
    creationTimestamp: '2025-01-01T11:50:00Z',
    labels: { a: 'b' },
  },
  data: { x: '1', y: '2' },
};
const now = Date.parse('2025-01-01T12:00:00Z');

test('NAME comes first for every stored kind unless the kind places a name column itself', () => {
  for (const k of registry.kinds()) {
    const cols = columnsOf(k);
    const names = cols.filter((c) => c.name === 'Name' && c.format === 'name');
    // kubectl shows NAME from the column named Name; every kind's table has exactly one.
    assert.equal(
      names.length,
      1,
      `${k.resource}: columns ${cols.map((c) => `${c.name}(${c.format ?? ''})`).join(', ')}`,
    );
    const own = (k.columns ?? []).some((c) => c.name === 'Name' && c.format === 'name');
    if (!own) assert.equal(cols[0].name, 'Name', k.resource);
    else assert.deepEqual(cols, k.columns, `${k.resource} keeps its own order`);
  }
});

test('VolumeAttachment keeps NAME before its ATTACHER column (which also has format name)', () => {
  const cols = columnDefinitions(kind('storage.k8s.io', 'v1', 'volumeattachments')).map((c) => c.name);
  assert.deepEqual(cols.slice(0, 2), ['Name', 'Attacher']);
});

test('events place NAME themselves; kinds without columns get NAME and AGE', () => {
  // Events put NAME last (priority 1), as kubectl shows them.
  const ev = columnDefinitions(kind('', 'v1', 'events'));
  assert.notEqual(ev[0].name, 'Name');
  assert.equal(ev.filter((c) => c.format === 'name').length, 1);
  // A kind without columns gets NAME and AGE.
  const noCols = { ...kind('', 'v1', 'configmaps'), columns: undefined };
  assert.deepEqual(
    columnDefinitions(noCols).map((c) => [c.name, c.format]),
    [
      ['Name', 'name'],
      ['Age', ''],
    ],
  );
});

test('rows carry cells in column order and the object as includeObject asks', () => {
  const k = { ...kind('', 'v1', 'configmaps'), columns: undefined };
  const base = tableRow(k, cm, now, 'None');
  assert.deepEqual(base, { cells: ['settings', '10m'] });
  assert.deepEqual(tableRow(k, cm, now, 'Object').object, cm);
  assert.deepEqual(tableRow(k, cm, now, 'Metadata').object, {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: cm.metadata,
  });
  const real = tableRow(kind('', 'v1', 'configmaps'), cm, now, 'None');
  assert.equal(real.cells[0], 'settings');
  assert.equal(real.cells.length, columnsOf(kind('', 'v1', 'configmaps')).length);
});

test('a cell that throws shows <error> instead of failing the table', () => {
  const k: KindDef = {
    ...kind('', 'v1', 'configmaps'),
    columns: [
      {
        name: 'Boom',
        type: 'string',
        description: 'throws',
        priority: 0,
        cell: () => {
          throw new Error('x');
        },
      },
    ],
  };
  assert.deepEqual(tableRow(k, cm, now, 'None').cells, ['settings', '<error>']);
});

test('includeObjectFrom defaults to Metadata; table() wraps rows with column definitions', () => {
  assert.equal(includeObjectFrom(new URLSearchParams('')), 'Metadata');
  assert.equal(includeObjectFrom(new URLSearchParams('includeObject=Object')), 'Object');
  assert.equal(includeObjectFrom(new URLSearchParams('includeObject=None')), 'None');
  assert.equal(includeObjectFrom(new URLSearchParams('includeObject=bogus')), 'Metadata');
  const k = kind('apps', 'v1', 'deployments');
  const t = table(k, [cm, cm], { resourceVersion: '7' }, 'None');
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '7' });
  assert.deepEqual(t.columnDefinitions, columnDefinitions(k));
  assert.equal((t.rows as unknown[]).length, 2);
  assert.deepEqual(table(k, [], {}, 'None', false).columnDefinitions, []);
  for (const c of columnDefinitions(k)) {
    assert.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type));
    assert.ok(c.priority === 0 || c.priority === 1);
    assert.ok(c.description);
  }
});
