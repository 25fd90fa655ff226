import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents, listState, objectKey, sortedItems } from './watch-merge.ts';
import type { KubeObject, WatchEvent } from './types.ts';

const pod = (name: string, rv: string, phase = 'Pending', namespace = 'default'): KubeObject => ({
  kind: 'Pod',
  metadata: { name, namespace, resourceVersion: rv },
  status: { phase },
});
const names = (items: ReadonlyMap<string, KubeObject>): string[] => [...items.keys()].sort();

test('objectKey: namespaced and cluster-scoped', () => {
  assert.equal(objectKey(pod('a', '1')), 'default/a');
  assert.equal(objectKey({ metadata: { name: 'n1' } }), 'n1');
});

const base = listState([pod('a', '5'), pod('b', '6')], '10');

const cases: {
  name: string;
  events: WatchEvent[];
  keys: string[];
  rv: string;
  expired?: boolean;
  error?: string;
  check?: (items: ReadonlyMap<string, KubeObject>) => void;
}[] = [
  {
    name: 'ADDED inserts',
    events: [{ type: 'ADDED', object: pod('c', '11') }],
    keys: ['default/a', 'default/b', 'default/c'],
    rv: '11',
  },
  {
    name: 'MODIFIED replaces',
    events: [{ type: 'MODIFIED', object: pod('a', '12', 'Running') }],
    keys: ['default/a', 'default/b'],
    rv: '12',
    check: (items) => assert.deepEqual(items.get('default/a')?.status, { phase: 'Running' }),
  },
  {
    name: 'DELETED removes',
    events: [{ type: 'DELETED', object: pod('b', '13') }],
    keys: ['default/a'],
    rv: '13',
  },
  {
    name: 'DELETED of an unknown object is harmless',
    events: [{ type: 'DELETED', object: pod('zz', '14') }],
    keys: ['default/a', 'default/b'],
    rv: '14',
  },
  {
    name: 'BOOKMARK moves the resourceVersion only',
    events: [{ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { name: '', resourceVersion: '20' } } }],
    keys: ['default/a', 'default/b'],
    rv: '20',
  },
  {
    name: 'same name in two namespaces are two objects',
    events: [{ type: 'ADDED', object: pod('a', '15', 'Pending', 'other') }],
    keys: ['default/a', 'default/b', 'other/a'],
    rv: '15',
  },
  {
    name: 'a batch applies in order (add then delete)',
    events: [
      { type: 'ADDED', object: pod('c', '16') },
      { type: 'MODIFIED', object: pod('c', '17', 'Running') },
      { type: 'DELETED', object: pod('c', '18') },
    ],
    keys: ['default/a', 'default/b'],
    rv: '18',
  },
  {
    name: '410 ERROR asks for a relist and stops applying',
    events: [
      { type: 'ADDED', object: pod('c', '19') },
      {
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' },
      },
      { type: 'ADDED', object: pod('d', '21') },
    ],
    keys: ['default/a', 'default/b', 'default/c'],
    rv: '19',
    expired: true,
  },
  {
    name: 'other ERROR is reported, not a relist',
    events: [
      { type: 'ERROR', object: { kind: 'Status', code: 500, reason: 'InternalError', message: 'boom' } },
    ],
    keys: ['default/a', 'default/b'],
    rv: '10',
    error: 'boom',
  },
];

for (const c of cases) {
  test(`applyEvents: ${c.name}`, () => {
    const r = applyEvents(base, c.events);
    assert.deepEqual(names(r.state.items), c.keys);
    assert.equal(r.state.resourceVersion, c.rv);
    assert.equal(r.expired, c.expired ?? false);
    assert.equal(r.error?.message, c.error);
    c.check?.(r.state.items);
    // The input state is never mutated.
    assert.deepEqual(names(base.items), ['default/a', 'default/b']);
    assert.equal(base.resourceVersion, '10');
  });
}

test('applyEvents: nothing changed keeps the same state object; a bookmark keeps the same items map', () => {
  assert.equal(applyEvents(base, []).state, base);
  const r = applyEvents(base, [
    { type: 'BOOKMARK', object: { metadata: { name: '', resourceVersion: '30' } } },
  ]);
  assert.notEqual(r.state, base);
  assert.equal(r.state.items, base.items);
});

test('sortedItems orders by namespace then name', () => {
  const s = listState(
    [pod('b', '1', 'Pending', 'x'), pod('a', '1', 'Pending', 'y'), pod('c', '1', 'Pending', 'x')],
    '1',
  );
  assert.deepEqual(sortedItems(s).map(objectKey), ['x/b', 'x/c', 'y/a']);
});
