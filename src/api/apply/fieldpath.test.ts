import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  difference,
  equalSets,
  insert,
  intersection,
  isMember,
  keyElement,
  members,
  parseFieldSet,
  pathString,
  sortedFieldSet,
  union,
  valueElement,
  type FieldSet,
} from './fieldpath.ts';

const a: FieldSet = {
  'f:spec': { 'f:replicas': {}, 'f:paused': {} },
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
};
const b: FieldSet = { 'f:spec': { 'f:replicas': {} }, 'f:metadata': { 'f:labels': { 'f:tier': {} } } };

test('set operations follow member semantics', () => {
  const cases: { name: string; got: FieldSet; want: FieldSet }[] = [
    {
      name: 'union keeps the . marker and merges children',
      got: union(a, b),
      want: {
        'f:spec': { 'f:replicas': {}, 'f:paused': {} },
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:tier': {} } },
      },
    },
    {
      name: 'difference drops shared leaves but keeps the member map',
      got: difference(a, b),
      want: { 'f:spec': { 'f:paused': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
    },
    { name: 'intersection', got: intersection(a, b), want: { 'f:spec': { 'f:replicas': {} } } },
    { name: 'difference with itself is empty', got: difference(a, a), want: {} },
    {
      name: 'a member map minus its marker-less twin keeps only the marker',
      got: difference({ 'f:x': { '.': {}, 'f:y': {} } }, { 'f:x': { 'f:y': {} } }),
      want: { 'f:x': {} },
    },
  ];
  for (const c of cases) assert.ok(equalSets(c.got, c.want), `${c.name}: ${JSON.stringify(c.got)}`);
  assert.deepEqual(a['f:spec'], { 'f:replicas': {}, 'f:paused': {} }, 'inputs are not changed');
});

test('membership, insertion, encoding order and human paths', () => {
  assert.equal(isMember({}), true);
  assert.equal(isMember({ 'f:a': {} }), false);
  assert.equal(isMember({ '.': {}, 'f:a': {} }), true);
  const s: FieldSet = {};
  insert(s, ['f:spec', 'f:containers', keyElement({ name: 'web' }), 'f:image']);
  insert(s, ['f:spec', 'f:containers', keyElement({ name: 'web' })]);
  insert(s, ['f:metadata', 'f:finalizers', valueElement('x')]);
  assert.deepEqual(s['f:spec']['f:containers']['k:{"name":"web"}'], { 'f:image': {}, '.': {} });
  assert.deepEqual(Object.keys(sortedFieldSet(s['f:spec']['f:containers']['k:{"name":"web"}'])), [
    '.',
    'f:image',
  ]);
  assert.equal(keyElement({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}');
  const paths = members(s).map(pathString);
  assert.deepEqual(paths, [
    '.metadata.finalizers[="x"]',
    '.spec.containers[name="web"]',
    '.spec.containers[name="web"].image',
  ]);
  assert.equal(
    pathString(['f:spec', 'f:ports', keyElement({ port: 80, protocol: 'TCP' })]),
    '.spec.ports[port=80,protocol="TCP"]',
  );
});

test('parseFieldSet accepts FieldsV1 and refuses other shapes', () => {
  const table: [unknown, boolean][] = [
    [{ 'f:a': { '.': {}, 'k:{"name":"x"}': {} } }, true],
    [{}, true],
    [{ a: {} }, false],
    [{ 'f:a': 1 }, false],
    [[], false],
    ['f:a', false],
  ];
  for (const [v, ok] of table) assert.equal(parseFieldSet(v) !== undefined, ok, JSON.stringify(v));
});
