import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Store } from '../../client/store.ts';
import { claimCandidates, controllerIndexers } from './controller-index.ts';

function obj(namespace: string, name: string, controllerUid?: string, otherOwnerUid?: string): KubeObject {
  const ownerReferences = [];
  if (otherOwnerUid) ownerReferences.push({ apiVersion: 'v1', kind: 'X', name: 'x', uid: otherOwnerUid });
  if (controllerUid)
    ownerReferences.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'rs',
      uid: controllerUid,
      controller: true,
    });
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, ownerReferences } };
}

const owner = (namespace: string, uid?: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { namespace, name: 'rs', uid },
});

function names(objs: readonly { metadata: { name?: string } }[]): string[] {
  return objs.map((o) => o.metadata.name ?? '').sort();
}

test('an owner may claim what it controls and the orphans of its namespace, nothing else', () => {
  const store = new Store<KubeObject>(controllerIndexers);
  for (const o of [
    obj('a', 'mine-1', 'u1'),
    obj('a', 'mine-2', 'u1'),
    obj('a', 'theirs', 'u2'),
    obj('a', 'orphan'),
    obj('a', 'orphan-with-plain-owner', undefined, 'u1'),
    obj('b', 'orphan-elsewhere'),
  ])
    store.upsert(o);
  const cases: { owner: KubeObject; want: string[] }[] = [
    { owner: owner('a', 'u1'), want: ['mine-1', 'mine-2', 'orphan', 'orphan-with-plain-owner'] },
    { owner: owner('a', 'u2'), want: ['orphan', 'orphan-with-plain-owner', 'theirs'] },
    { owner: owner('b', 'u3'), want: ['orphan-elsewhere'] },
    { owner: owner('a'), want: ['orphan', 'orphan-with-plain-owner'] },
  ];
  for (const c of cases)
    assert.deepEqual(names(claimCandidates(store, c.owner)), c.want, JSON.stringify(c.owner.metadata));
});

test('adoption, release and deletion move an object between index values', () => {
  const store = new Store<KubeObject>(controllerIndexers);
  store.upsert(obj('a', 'p'));
  assert.deepEqual(names(claimCandidates(store, owner('a', 'u2'))), ['p']);
  store.upsert(obj('a', 'p', 'u1')); // adopted by u1
  assert.deepEqual(names(claimCandidates(store, owner('a', 'u2'))), []);
  assert.deepEqual(names(claimCandidates(store, owner('a', 'u1'))), ['p']);
  store.upsert(obj('a', 'p')); // released
  assert.deepEqual(names(claimCandidates(store, owner('a', 'u2'))), ['p']);
  store.deleteKey('a/p');
  assert.deepEqual(names(claimCandidates(store, owner('a', 'u1'))), []);
});
