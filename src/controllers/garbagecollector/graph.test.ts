import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { OwnerGraph, type ResourceCoordinates } from './graph.ts';

const cms: ResourceCoordinates = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
const obj = (uid: string, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name: uid, namespace: 'ns', uid, ...meta },
});
const ref = (uid: string, blockOwnerDeletion?: boolean) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: uid,
  uid,
  ...(blockOwnerDeletion ? { blockOwnerDeletion } : {}),
});

test('owner graph: what each change asks to look at again', () => {
  const g = new OwnerGraph();
  const cases: {
    what: string;
    apply: () => ReturnType<OwnerGraph['upsert']>;
    want: { self: boolean; owners: string[]; dependents: string[] };
  }[] = [
    {
      what: 'an owner without owners',
      apply: () => g.upsert(cms, obj('o')),
      want: { self: false, owners: [], dependents: [] },
    },
    {
      what: 'a dependent appears',
      apply: () => g.upsert(cms, obj('d', { ownerReferences: [ref('o')] })),
      want: { self: true, owners: ['o'], dependents: [] },
    },
    {
      what: 'an unchanged update',
      apply: () => g.upsert(cms, obj('d', { ownerReferences: [ref('o')], labels: { a: 'b' } })),
      want: { self: false, owners: [], dependents: [] },
    },
    {
      what: 'blockOwnerDeletion flips',
      apply: () => g.upsert(cms, obj('d', { ownerReferences: [ref('o', true)] })),
      want: { self: true, owners: ['o'], dependents: [] },
    },
    {
      what: 'the owner starts a foreground deletion',
      apply: () => g.upsert(cms, obj('o', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] })),
      want: { self: true, owners: [], dependents: ['d'] },
    },
    {
      what: 'the dependent is deleted',
      apply: () => g.remove(obj('d')),
      want: { self: false, owners: ['o'], dependents: [] },
    },
    {
      what: 'an unknown object is deleted',
      apply: () => g.remove(obj('zzz')),
      want: { self: false, owners: [], dependents: [] },
    },
  ];
  for (const c of cases) assert.deepEqual(c.apply(), c.want, c.what);
  assert.deepEqual(g.dependents('o'), []);
});

test('owner graph: removing an owner reports its dependents; the index follows reference changes', () => {
  const g = new OwnerGraph();
  g.upsert(cms, obj('o1'));
  g.upsert(cms, obj('a', { ownerReferences: [ref('o1')] }));
  g.upsert(cms, obj('b', { ownerReferences: [ref('o1'), ref('o2')] }));
  assert.deepEqual(
    g.dependents('o1').map((n) => n.uid),
    ['a', 'b'],
  );
  assert.deepEqual(
    g.dependents('o2').map((n) => n.uid),
    ['b'],
    'an owner never seen is still indexed',
  );
  assert.deepEqual(g.upsert(cms, obj('b', { ownerReferences: [ref('o2')] })).owners.sort(), ['o1', 'o2']);
  assert.deepEqual(
    g.dependents('o1').map((n) => n.uid),
    ['a'],
  );
  assert.deepEqual(g.remove(obj('o1')).dependents, ['a']);
  g.removeResource(cms);
  assert.equal(g.size, 0);
  assert.deepEqual(g.dependents('o2'), []);
});
