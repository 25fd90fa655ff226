import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printerColumns } from './columns.ts';
import { compileJsonPath, dottedPath } from './jsonpath.ts';

const obj = {
  metadata: {
    name: 'w',
    labels: { 'app.kubernetes.io/name': 'x' },
    creationTimestamp: '2024-01-01T00:00:00Z',
  },
  spec: { size: 3, ports: [{ port: 80 }, { port: 443 }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Synced', status: 'False' },
    ],
  },
};

const cases: [string, unknown[]][] = [
  ['.spec.size', [3]],
  ['{.spec.size}', [3]],
  ['$.spec.size', [3]],
  ['.spec.missing', []],
  ['.spec.ports[1].port', [443]],
  ['.spec.ports[-1].port', [443]],
  ['.spec.ports[*].port', [80, 443]],
  [".metadata.labels['app.kubernetes.io/name']", ['x']],
  ['.status.conditions[?(@.type=="Ready")].status', ['True']],
  [".status.conditions[?(@.type!='Ready')].type", ['Synced']],
  ['.status.conditions[?(@.type=="Gone")].status', []],
];
for (const [path, want] of cases) {
  test(`jsonpath: ${path}`, () => assert.deepEqual(compileJsonPath(path)(obj), want));
}

test('jsonpath: syntax outside the subset is refused', () => {
  for (const bad of ['spec.size', '.spec[?(@.a > 1)]', '.spec..size', '.a['])
    assert.throws(() => compileJsonPath(bad), bad);
  assert.equal(dottedPath('.spec.replicas'), 'spec.replicas');
});

test('columns: typed cells, date as age, default Age, bad paths as <error>', () => {
  const now = Date.parse('2024-01-01T00:00:30Z');
  const cols = printerColumns([
    { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
    { name: 'SizeStr', type: 'string', jsonPath: '.spec.size', priority: 1 },
    { name: 'Ready', type: 'boolean', jsonPath: '.status.conditions[0].status' },
    { name: 'Created', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
    { name: 'Bad', type: 'string', jsonPath: 'spec' },
  ]);
  const cells = cols.map((c) => c.cell(obj, now));
  assert.deepEqual(cells, [3, '3', null, '30s', null, '<error>']);
  assert.deepEqual(
    cols.map((c) => c.priority),
    [0, 1, 0, 0, 0, 0],
  );
  assert.deepEqual(
    printerColumns([]).map((c) => c.name),
    ['Age'],
  );
});
