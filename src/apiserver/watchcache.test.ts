import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { WatchCache, type CacheEvent } from './watchcache.ts';

const prefix = '/registry/core/configmaps/';
const key = (ns: string, name: string) => `${prefix}${ns}/${name}`;
const value = (name: string, data = 'v') =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: data } });

function setup(capacity?: number) {
  const store = openSqliteStore({ path: ':memory:', compactInterval: 0 });
  const cache = new WatchCache(store, prefix, { capacity });
  return { store, cache, done: async () => (cache.stop(), await store.close()) };
}

test('start lists what is stored; get, list and size follow later writes', async () => {
  const { store, cache, done } = setup();
  const first = await store.create(key('default', 'a'), value('a'));
  await store.create('/registry/core/secrets/default/s', value('s'));
  await cache.start();
  assert.equal(cache.revision, await store.currentRevision());
  assert.equal(cache.get(key('default', 'a'))?.obj.metadata.resourceVersion, String(first.modRevision));
  await store.create(key('default2', 'b'), value('b'));
  await store.create(key('default', 'c'), value('c'));
  await store.create(key('kube-system', 'a'), value('a'));
  const upd = await store.update(key('default', 'a'), value('a', 'w'), first.modRevision);
  assert.equal(cache.size(), 4);
  assert.deepEqual(cache.get(key('default', 'a'))?.obj.data, { k: 'w' });
  assert.equal(cache.get(key('default', 'a'))?.revision, upd.modRevision);
  assert.equal(cache.revision, upd.modRevision);
  // A namespace prefix never matches a longer namespace name; whole-resource lists are in key order.
  assert.deepEqual(
    cache.list(`${prefix}default/`).map((c) => c.key),
    [key('default', 'a'), key('default', 'c')],
  );
  assert.deepEqual(
    cache.list(prefix).map((c) => c.key),
    [key('default', 'a'), key('default', 'c'), key('default2', 'b'), key('kube-system', 'a')],
  );
  await store.delete(key('default', 'c'));
  assert.deepEqual(
    cache.list(`${prefix}default/`).map((c) => c.key),
    [key('default', 'a')],
  );
  assert.equal(cache.get(key('default', 'c')), undefined);
  assert.equal(cache.get('/registry/core/secrets/default/s'), undefined, 'other resources stay out');
  // Cached objects hand out private copies.
  const copy = cache.get(key('default', 'a'))!.clone();
  copy.metadata.name = 'changed';
  assert.equal(cache.get(key('default', 'a'))!.obj.metadata.name, 'a');
  await done();
});

test('since returns events in revision order with prev on MODIFIED and DELETED', async () => {
  const { store, cache, done } = setup();
  await cache.start();
  const from = cache.revision;
  const a = await store.create(key('default', 'a'), value('a', '1'));
  const a2 = await store.update(key('default', 'a'), value('a', '2'), a.modRevision);
  await store.create(key('default', 'b'), value('b'));
  const del = await store.delete(key('default', 'a'));
  const events = cache.since(from);
  assert.deepEqual(
    events.map((e) => [e.type, e.object.key, e.revision]),
    [
      ['ADDED', key('default', 'a'), a.modRevision],
      ['MODIFIED', key('default', 'a'), a2.modRevision],
      ['ADDED', key('default', 'b'), a2.modRevision + 1],
      ['DELETED', key('default', 'a'), del.modRevision],
    ],
  );
  assert.equal(events[0].prev, undefined);
  assert.deepEqual(events[1].prev?.obj.data, { k: '1' });
  assert.deepEqual(events[1].object.obj.data, { k: '2' });
  assert.deepEqual(events[3].prev?.obj.data, { k: '2' });
  assert.equal(events[3].object.obj.metadata.resourceVersion, String(del.modRevision));
  assert.deepEqual(
    cache.since(a2.modRevision).map((e) => e.revision),
    [a2.modRevision + 1, del.modRevision],
  );
  assert.deepEqual(cache.since(del.modRevision), []);
  await done();
});

test('since answers 410 Expired once the window of `capacity` events is exceeded', async () => {
  const { store, cache, done } = setup(3);
  await cache.start();
  const from = cache.revision;
  const revs: number[] = [];
  for (let i = 0; i < 5; i++)
    revs.push((await store.create(key('default', `o${i}`), value(`o${i}`))).modRevision);
  // Only the last 3 events are kept: resuming after revs[1] still works, after revs[0] does not.
  assert.deepEqual(
    cache.since(revs[1]).map((e) => e.revision),
    revs.slice(2),
  );
  for (const rv of [from, revs[0]]) {
    assert.throws(
      () => cache.since(rv),
      (err: unknown) => err instanceof StatusError && err.code === 410 && err.reason === 'Expired',
    );
  }
  // Many more writes keep the window bounded and correct across internal compaction.
  for (let i = 5; i < 40; i++)
    revs.push((await store.create(key('default', `o${i}`), value(`o${i}`))).modRevision);
  assert.deepEqual(
    cache.since(revs[36]).map((e) => e.revision),
    revs.slice(37),
  );
  assert.throws(
    () => cache.since(revs[35]),
    (err: unknown) => err instanceof StatusError && err.code === 410,
  );
  await done();
});

test('watchers get batches in order; stop ends them without an error (a plain end of stream)', async () => {
  const { store, cache, done } = setup();
  await cache.start();
  const got: CacheEvent[] = [];
  let ended: StatusError | undefined;
  const remove = cache.addWatcher({ deliver: (evs) => got.push(...evs), terminate: (r) => (ended = r) });
  assert.equal(cache.watcherCount(), 1);
  await Promise.all(['x', 'y', 'z'].map((n) => store.create(key('default', n), value(n))));
  assert.deepEqual(
    got.map((e) => e.object.obj.metadata.name),
    ['x', 'y', 'z'],
  );
  const revs = got.map((e) => e.revision);
  assert.deepEqual(
    revs,
    [...revs].sort((p, q) => p - q),
  );
  remove();
  await store.create(key('default', 'w'), value('w'));
  assert.equal(got.length, 3, 'a removed watcher gets nothing');
  let terminated = false;
  cache.addWatcher({
    deliver: () => {},
    terminate: (r) => {
      terminated = true;
      ended = r;
    },
  });
  cache.stop();
  assert.ok(terminated);
  assert.equal(ended, undefined);
  assert.equal(cache.watcherCount(), 0);
  await store.close();
  await done().catch(() => {});
});

test('syncTo resolves with a revision that includes every committed write', async () => {
  const { store, cache, done } = setup();
  const writes = Promise.all([1, 2, 3].map((i) => store.create(key('default', `s${i}`), value(`s${i}`))));
  const rev = await cache.syncTo();
  await writes;
  const after = await cache.syncTo();
  assert.ok(after >= rev);
  assert.equal(after, await store.currentRevision());
  assert.equal(cache.size(), 3);
  await done();
});
