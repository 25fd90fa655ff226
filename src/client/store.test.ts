import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import { lister, metaNamespaceKey, splitKey, Store } from './store.ts';

const obj = (ns: string, name: string, labels: Record<string, string> = {}, node = ''): KubeObject => ({
  metadata: { name, namespace: ns || undefined, labels, resourceVersion: '1' },
  spec: { nodeName: node },
});

test('keys are namespace/name, or name when cluster-scoped, and split back', () => {
  const cases: [KubeObject, string, { namespace: string; name: string }][] = [
    [obj('ns', 'a'), 'ns/a', { namespace: 'ns', name: 'a' }],
    [obj('', 'node1'), 'node1', { namespace: '', name: 'node1' }],
  ];
  for (const [o, key, parts] of cases) {
    assert.equal(metaNamespaceKey(o), key);
    assert.deepEqual(splitKey(key), parts);
  }
});

test('cached objects are frozen copies: the caller keeps its object, nobody can change the cached one', () => {
  const s = new Store();
  const mine = obj('ns', 'a', { app: 'x' });
  const { stored } = s.upsert(mine);
  assert.notEqual(stored, mine);
  mine.metadata.labels = { app: 'changed' };
  assert.deepEqual(s.get('ns/a')?.metadata.labels, { app: 'x' });
  const got = s.get('ns/a') as unknown as KubeObject;
  assert.throws(() => {
    (got.metadata.labels as Record<string, string>).app = 'y';
  }, TypeError);
  assert.throws(() => {
    got.metadata.name = 'z';
  }, TypeError);
});

test('indexes follow upserts and deletes; custom index funcs may return several values', () => {
  const s = new Store({
    byNode: (o) => [String((o.spec as { nodeName: string }).nodeName)],
    byLabel: (o) => Object.keys(o.metadata.labels ?? {}),
  });
  s.upsert(obj('ns1', 'a', { x: '1', y: '1' }, 'n1'));
  s.upsert(obj('ns1', 'b', { y: '1' }, 'n2'));
  s.upsert(obj('ns2', 'c', {}, 'n1'));
  assert.deepEqual(s.byIndex('namespace', 'ns1').map(metaNamespaceKey).sort(), ['ns1/a', 'ns1/b']);
  assert.deepEqual(s.indexKeys('byNode', 'n1').sort(), ['ns1/a', 'ns2/c']);
  assert.deepEqual(s.indexKeys('byLabel', 'y').sort(), ['ns1/a', 'ns1/b']);
  s.upsert(obj('ns1', 'a', {}, 'n2'));
  assert.deepEqual(s.indexKeys('byNode', 'n1'), ['ns2/c']);
  assert.deepEqual(s.indexKeys('byLabel', 'y'), ['ns1/b']);
  s.deleteKey('ns2/c');
  assert.deepEqual(s.indexKeys('byNode', 'n1'), []);
  assert.deepEqual(s.indexValues('byNode'), ['n2']);
  assert.throws(() => s.byIndex('nope', 'x'), /does not exist/);
  // Indexers added later index what is already cached.
  s.addIndexers({ byName: (o) => [o.metadata.name ?? ''] });
  assert.deepEqual(s.indexKeys('byName', 'b'), ['ns1/b']);
  assert.throws(() => s.addIndexers({ byName: () => [] }), /already exists/);
});

test('lister: get by namespace/name, list with label selectors, per namespace', () => {
  const s = new Store();
  s.upsert(obj('ns1', 'a', { app: 'web', tier: 'fe' }));
  s.upsert(obj('ns1', 'b', { app: 'db' }));
  s.upsert(obj('ns2', 'c', { app: 'web' }));
  s.upsert(obj('', 'node1'));
  const l = lister(s);
  const names = (xs: readonly { metadata: { name?: string } }[]): string[] =>
    xs.map((x) => x.metadata.name ?? '').sort();
  assert.equal(l.get('ns1', 'a')?.metadata.name, 'a');
  assert.equal(l.get('', 'node1')?.metadata.name, 'node1');
  assert.equal(l.get('ns2', 'a'), undefined);
  assert.deepEqual(names(l.list()), ['a', 'b', 'c', 'node1']);
  assert.deepEqual(names(l.list('app=web')), ['a', 'c']);
  assert.deepEqual(names(l.list('app in (web,db),!tier')), ['b', 'c']);
  assert.deepEqual(names(l.namespace('ns1').list()), ['a', 'b']);
  assert.deepEqual(names(l.namespace('ns1').list('app=web')), ['a']);
  assert.equal(l.namespace('ns2').get('c')?.metadata.namespace, 'ns2');
});
