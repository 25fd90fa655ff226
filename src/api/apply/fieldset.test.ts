import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../kinds/index.ts';
import type { Definitions } from '../schema/types.ts';
import { equalSets, members, pathString } from './fieldpath.ts';
import { compareFields, fieldSetOf, ownable } from './fieldset.ts';
import { small } from './test-schema.ts';

const none: Definitions = {};

const paths = (s: Parameters<typeof members>[0]) => members(s).map(pathString);

test('fieldSetOf: which paths an applied object owns, by shape', () => {
  const cases: { name: string; obj: unknown; want: string[] }[] = [
    { name: 'scalar field', obj: { name: 'x' }, want: ['.name'] },
    {
      name: 'granular map: keys are members, the map is not',
      obj: { labels: { a: '1', b: '2' } },
      want: ['.labels.a', '.labels.b'],
    },
    { name: 'empty map is itself a member', obj: { labels: {} }, want: ['.labels'] },
    { name: 'atomic struct is one leaf', obj: { selector: { app: 'web' } }, want: ['.selector'] },
    { name: 'atomic list is one leaf', obj: { args: ['a', 'b'] }, want: ['.args'] },
    {
      name: 'set list: one member per value',
      obj: { finalizers: ['a', 'b'] },
      want: ['.finalizers[="a"]', '.finalizers[="b"]'],
    },
    { name: 'merge strategy without key is a set', obj: { tags: ['t'] }, want: ['.tags[="t"]'] },
    {
      name: 'map list: element and its fields',
      obj: { items: [{ name: 'a', value: '1' }] },
      want: ['.items[name="a"]', '.items[name="a"].name', '.items[name="a"].value'],
    },
    {
      name: 'list-map-keys win over the merge key; a missing protocol is TCP',
      obj: { ports: [{ port: 80 }] },
      want: ['.ports[port=80,protocol="TCP"]', '.ports[port=80,protocol="TCP"].port'],
    },
    {
      name: 'untyped: objects recurse, keys are members',
      obj: { free: { a: { b: 1 } } },
      want: ['.free.a', '.free.a.b'],
    },
  ];
  for (const c of cases) assert.deepEqual(paths(fieldSetOf(c.obj, small, none)), c.want, c.name);
});

test('compareFields: changed and removed paths', () => {
  const cases: { name: string; old: unknown; next: unknown; changed: string[]; removed: string[] }[] = [
    {
      name: 'same',
      old: { name: 'x', labels: { a: '1' } },
      next: { labels: { a: '1' }, name: 'x' },
      changed: [],
      removed: [],
    },
    { name: 'scalar changed', old: { name: 'x' }, next: { name: 'y' }, changed: ['.name'], removed: [] },
    {
      name: 'new map: the map is a member too',
      old: {},
      next: { labels: { a: '1' } },
      changed: ['.labels', '.labels.a'],
      removed: [],
    },
    {
      name: 'map key removed',
      old: { labels: { a: '1', b: '2' } },
      next: { labels: { a: '1' } },
      changed: [],
      removed: ['.labels.b'],
    },
    {
      name: 'atomic list changed',
      old: { args: ['a'] },
      next: { args: ['a', 'b'] },
      changed: ['.args'],
      removed: [],
    },
    {
      name: 'map list element changed, added and removed',
      old: { items: [{ name: 'a', value: '1' }, { name: 'b' }] },
      next: { items: [{ name: 'a', value: '2' }, { name: 'c' }] },
      changed: ['.items[name="a"].value', '.items[name="c"]', '.items[name="c"].name'],
      removed: ['.items[name="b"]', '.items[name="b"].name'],
    },
    {
      name: 'map list reorder is no change',
      old: { items: [{ name: 'a' }, { name: 'b' }] },
      next: { items: [{ name: 'b' }, { name: 'a' }] },
      changed: [],
      removed: [],
    },
    {
      name: 'set values',
      old: { finalizers: ['a', 'b'] },
      next: { finalizers: ['b', 'c'] },
      changed: ['.finalizers[="c"]'],
      removed: ['.finalizers[="a"]'],
    },
  ];
  for (const c of cases) {
    const r = compareFields(c.old, c.next, small, none);
    assert.deepEqual(paths(r.changed), c.changed, `${c.name}: changed`);
    assert.deepEqual(paths(r.removed), c.removed, `${c.name}: removed`);
  }
});

test('the real Deployment schema: atomic selector, containers by name, ports by containerPort+protocol', () => {
  const reg = builtinRegistry();
  const kind = reg.byGVK('apps', 'v1', 'Deployment')!;
  const schema = reg.definitions[kind.schema];
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
          ],
        },
      },
    },
    status: { replicas: 2 },
  };
  const got = fieldSetOf(ownable(deploy, { subresource: '', hasStatus: true }), schema, reg.definitions);
  const c = '.spec.template.spec.containers[name="app"]';
  assert.deepEqual(paths(got), [
    '.metadata.labels.app',
    '.spec.replicas',
    '.spec.selector',
    '.spec.template.metadata.labels.app',
    c,
    `${c}.env[name="A"]`,
    `${c}.env[name="A"].name`,
    `${c}.env[name="A"].value`,
    `${c}.image`,
    `${c}.name`,
    `${c}.ports[containerPort=80,protocol="TCP"]`,
    `${c}.ports[containerPort=80,protocol="TCP"].containerPort`,
  ]);
  const statusOnly = fieldSetOf(
    ownable(deploy, { subresource: 'status', hasStatus: true }),
    schema,
    reg.definitions,
  );
  assert.ok(equalSets(statusOnly, { 'f:status': { 'f:replicas': {} } }));
});
