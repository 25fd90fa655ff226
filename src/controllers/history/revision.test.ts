import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import {
  controllerRevisionHash,
  controllerRevisionHashLabel,
  controllerRevisionName,
  equalRevision,
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
  revisionNumber,
  sortByRevision,
} from './revision.ts';

const owner: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'ns', uid: 'u-1' },
};
const dataA = { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } } };
const dataB = { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } };

function rev(name: string, revision: number, data: unknown = dataA, created = ''): KubeObject {
  return { metadata: { name, creationTimestamp: created || undefined }, data, revision };
}

test('controllerRevisionHash is stable, key-order independent, and changes with data and collisionCount', () => {
  const h = controllerRevisionHash(dataA);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(h, controllerRevisionHash(structuredClone(dataA)));
  assert.equal(controllerRevisionHash({ a: 1, b: 2 }), controllerRevisionHash({ b: 2, a: 1 }));
  assert.notEqual(h, controllerRevisionHash(dataB));
  assert.notEqual(h, controllerRevisionHash(dataA, 1));
  assert.notEqual(controllerRevisionHash(dataA, 1), controllerRevisionHash(dataA, 2));
  assert.equal(controllerRevisionHash(undefined), controllerRevisionHash({}));
});

test('newControllerRevision names, labels and owns the revision', () => {
  const r = newControllerRevision(
    owner,
    { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    dataA,
    3,
    { app: 'web' },
    2,
  );
  const hash = controllerRevisionHash(dataA, 2);
  assert.equal(r.apiVersion, 'apps/v1');
  assert.equal(r.kind, 'ControllerRevision');
  assert.equal(r.metadata.name, `web-${hash}`);
  assert.equal(r.metadata.namespace, 'ns');
  assert.deepEqual(r.metadata.labels, { app: 'web', [controllerRevisionHashLabel]: hash });
  assert.deepEqual(r.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'web',
      uid: 'u-1',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.equal(r.revision, 3);
  assert.deepEqual(r.data, dataA);
  assert.notEqual(r.data, dataA, 'data is copied');
});

test('controllerRevisionName truncates long owner names', () => {
  const long = 'x'.repeat(300);
  const name = controllerRevisionName(long, 'abc');
  assert.equal(name.length, 223 + 4);
  assert.ok(name.endsWith('-abc'));
});

test('nextRevision and revisionNumber', () => {
  const cases: { revs: KubeObject[]; want: number }[] = [
    { revs: [], want: 1 },
    { revs: [rev('a', 1)], want: 2 },
    { revs: [rev('a', 5), rev('b', 2)], want: 6 },
    { revs: [{ metadata: { name: 'x' } }], want: 1 },
  ];
  for (const c of cases) assert.equal(nextRevision(c.revs), c.want);
  assert.equal(revisionNumber({ metadata: {}, revision: 'nope' }), 0);
});

test('sortByRevision orders by revision, then creationTimestamp, then name, without mutating', () => {
  const input = [
    rev('c', 2, dataA, '2024-01-01T00:00:02Z'),
    rev('b', 2, dataA, '2024-01-01T00:00:01Z'),
    rev('a', 3),
    rev('z', 1),
    rev('y', 1),
  ];
  const names = sortByRevision(input).map((r) => r.metadata.name);
  assert.deepEqual(names, ['y', 'z', 'b', 'c', 'a']);
  assert.equal(input[0]?.metadata.name, 'c');
});

test('equalRevision and findEqualRevisions compare data only', () => {
  const a1 = rev('a1', 1, dataA);
  const a2 = rev('a2', 7, structuredClone(dataA));
  const b = rev('b', 2, dataB);
  assert.equal(equalRevision(a1, a2), true);
  assert.equal(equalRevision(a1, b), false);
  assert.equal(equalRevision(a1, undefined), false);
  assert.equal(equalRevision(rev('k1', 1, { x: 1, y: 2 }), rev('k2', 1, { y: 2, x: 1 })), true);
  assert.deepEqual(
    findEqualRevisions([a1, b, a2], rev('t', 9, dataA)).map((r) => r.metadata.name),
    ['a1', 'a2'],
  );
});
