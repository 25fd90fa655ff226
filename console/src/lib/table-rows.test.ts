import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareOf,
  filterAndSort,
  gridTemplate,
  nextSort,
  visibleRange,
  type RowRules,
} from './table-rows.ts';

test('visibleRange', () => {
  const cases: { args: [number, number, number, number, number]; want: [number, number] }[] = [
    { args: [0, 400, 40, 1000, 5], want: [0, 16] },
    { args: [4000, 400, 40, 1000, 5], want: [95, 116] },
    { args: [4020, 400, 40, 1000, 0], want: [100, 111] },
    { args: [39_990, 400, 40, 1000, 5], want: [994, 1000] },
    { args: [0, 400, 40, 3, 5], want: [0, 3] },
    { args: [500, 400, 40, 0, 5], want: [0, 0] },
    { args: [-30, 400, 40, 1000, 0], want: [0, 11] },
  ];
  for (const c of cases) {
    const r = visibleRange(...c.args);
    assert.deepEqual([r.start, r.end], c.want, `visibleRange(${c.args.join(', ')})`);
  }
});

test('nextSort cycles ascend, descend, off; another column starts ascending', () => {
  assert.deepEqual(nextSort(undefined, 'name'), { key: 'name', order: 'ascend' });
  assert.deepEqual(nextSort({ key: 'name', order: 'ascend' }, 'name'), { key: 'name', order: 'descend' });
  assert.equal(nextSort({ key: 'name', order: 'descend' }, 'name'), undefined);
  assert.deepEqual(nextSort({ key: 'name', order: 'descend' }, 'age'), { key: 'age', order: 'ascend' });
});

interface Row {
  name: string;
  status: string;
  n: number;
}
const rows: Row[] = [
  { name: 'b', status: 'Running', n: 2 },
  { name: 'a', status: 'Pending', n: 2 },
  { name: 'c', status: 'Running', n: 1 },
  { name: 'd', status: 'Failed', n: 3 },
];
const rules: RowRules<Row>[] = [
  { key: 'name', sorter: (x, y) => x.name.localeCompare(y.name) },
  {
    key: 'status',
    onFilter: (v, r) => r.status === v,
    sorter: { compare: (x, y) => x.status.localeCompare(y.status) },
  },
  { key: 'n', sorter: (x, y) => x.n - y.n },
  { key: 'plain' },
];
const names = (xs: Row[]) => xs.map((r) => r.name).join('');

test('filterAndSort', () => {
  assert.equal(filterAndSort(rows, rules, {}, undefined), rows, 'nothing to do: same array');
  assert.equal(names(filterAndSort(rows, rules, {}, { key: 'name', order: 'ascend' })), 'abcd');
  assert.equal(names(filterAndSort(rows, rules, {}, { key: 'name', order: 'descend' })), 'dcba');
  assert.equal(
    names(filterAndSort(rows, rules, {}, { key: 'n', order: 'ascend' })),
    'cbad',
    'stable on ties',
  );
  assert.equal(
    names(filterAndSort(rows, rules, {}, { key: 'n', order: 'descend' })),
    'dbac',
    'stable on ties',
  );
  assert.equal(names(filterAndSort(rows, rules, {}, { key: 'status', order: 'ascend' })), 'dabc');
  assert.equal(names(filterAndSort(rows, rules, { status: ['Running'] }, undefined)), 'bc');
  assert.equal(
    names(filterAndSort(rows, rules, { status: ['Running', 'Failed'] }, { key: 'name', order: 'descend' })),
    'dcb',
  );
  assert.equal(names(filterAndSort(rows, rules, { status: [] }, { key: 'plain', order: 'ascend' })), 'bacd');
  assert.deepEqual(
    rows.map((r) => r.name),
    ['b', 'a', 'c', 'd'],
    'input untouched',
  );
});

test('compareOf', () => {
  assert.equal(compareOf(rules[3]), undefined);
  assert.equal(compareOf({ key: 'x', sorter: true }), undefined);
  assert.equal(typeof compareOf(rules[1]), 'function');
});

test('gridTemplate', () => {
  const cases: { widths: number[]; width: number; want: string }[] = [
    { widths: [100, 200], width: 300, want: '100px 200px' },
    // Narrower than the columns: they keep their widths (the table scrolls sideways).
    { widths: [100, 200], width: 250, want: '100px 200px' },
    // Wider: spare width shared in proportion, the last column takes the rounding.
    { widths: [100, 200], width: 600, want: '200px 400px' },
    { widths: [100, 100, 100], width: 400.5, want: '133px 133px 134px' },
    { widths: [], width: 500, want: '' },
  ];
  for (const c of cases) assert.equal(gridTemplate(c.widths, c.width), c.want, `${c.widths} in ${c.width}`);
});
