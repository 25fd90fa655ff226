import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { configMap, ctx, newApi, pod, rejectsStatus } from '../test-fixtures.ts';
import { list, listQueryFrom, watch, type WatchSink } from './list.ts';
import type { ResourceStore } from './resource-store.ts';

const names = (items: readonly KubeObject[]) => items.map((o) => o.metadata.name);
const pad = (i: number) => `cm-${String(i).padStart(2, '0')}`;

async function seed(rs: ResourceStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await rs.create('default', configMap(pad(i), { app: i % 2 ? 'odd' : 'even' }), ctx());
}

test('limit/continue pages through 25 objects exactly once each, at one snapshot', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await seed(rs, 25);
  const seen: string[] = [];
  let token: string | undefined;
  let rv: string | undefined;
  const sizes: number[] = [];
  let pages = 0;
  do {
    const page = await list(rs, 'default', { limit: 7, continue: token });
    if (pages === 0) assert.equal(page.remainingItemCount, 18);
    rv ??= page.resourceVersion;
    assert.equal(page.resourceVersion, rv, "every page reads the first page's revision");
    sizes.push(page.items.length);
    seen.push(...names(page.items).map(String));
    token = page.continue;
    if (pages === 0) {
      // Writes after the first page do not show in later pages.
      await rs.create('default', configMap('cm-99'), ctx());
      await rs.update('default', 'cm-20', configMap('cm-20', {}, { k: 'changed' }), ctx());
    }
    assert.ok(++pages < 10);
  } while (token);
  assert.deepEqual(sizes, [7, 7, 7, 4]);
  assert.deepEqual(
    seen,
    Array.from({ length: 25 }, (_, i) => pad(i)),
  );
  // A fresh list sees the new object.
  assert.equal((await list(rs, 'default', {})).items.length, 26);
  await done();
});

test('paging with a label selector still fills pages and visits each match once', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await seed(rs, 25);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await list(rs, 'default', { limit: 5, continue: token, labelSelector: 'app=odd' });
    assert.equal(page.remainingItemCount, undefined, 'not exact under a selector');
    if (page.continue) assert.equal(page.items.length, 5);
    seen.push(...names(page.items).map(String));
    token = page.continue;
    assert.ok(++pages < 10);
  } while (token);
  assert.deepEqual(
    seen,
    Array.from({ length: 12 }, (_, i) => pad(2 * i + 1)),
  );
  await done();
});

test('label and field selectors; unsupported field selectors are 400', async () => {
  const { api, done } = newApi();
  const cms = api.resource('', 'configmaps');
  await seed(cms, 6);
  await cms.create('default', configMap('plain'), ctx());
  const other = configMap('elsewhere', { app: 'odd' });
  other.metadata.namespace = 'other';
  await cms.create('other', other, ctx());
  const q = async (ns: string, labelSelector?: string, fieldSelector?: string) =>
    names((await list(cms, ns, { labelSelector, fieldSelector })).items);
  assert.deepEqual(await q('default', 'app=odd'), ['cm-01', 'cm-03', 'cm-05']);
  assert.deepEqual(await q('default', 'app!=odd'), ['cm-00', 'cm-02', 'cm-04', 'plain']);
  assert.deepEqual(await q('default', 'app in (odd,even)'), [
    'cm-00',
    'cm-01',
    'cm-02',
    'cm-03',
    'cm-04',
    'cm-05',
  ]);
  assert.deepEqual(await q('default', '!app'), ['plain']);
  assert.deepEqual(await q('', 'app=odd'), ['cm-01', 'cm-03', 'cm-05', 'elsewhere']);
  assert.deepEqual(await q('', undefined, 'metadata.namespace=other'), ['elsewhere']);
  assert.deepEqual(await q('default', undefined, 'metadata.name=cm-02'), ['cm-02']);
  assert.deepEqual(await q('default', 'app=even', 'metadata.name!=cm-02'), ['cm-00', 'cm-04']);
  await rejectsStatus(list(cms, 'default', { fieldSelector: 'data.k=v' }), 400, 'BadRequest');
  await rejectsStatus(list(cms, 'default', { labelSelector: 'app in (' }), 400, 'BadRequest');

  const pods = api.resource('', 'pods');
  await pods.create('default', pod('on-n1', 'n1'), ctx());
  await pods.create('default', pod('on-n2', 'n2'), ctx());
  await pods.create('default', pod('pending'), ctx());
  assert.deepEqual(names((await list(pods, 'default', { fieldSelector: 'spec.nodeName=n1' })).items), [
    'on-n1',
  ]);
  assert.deepEqual(names((await list(pods, '', { fieldSelector: 'spec.nodeName=' })).items), ['pending']);
  assert.deepEqual(names((await list(pods, '', { fieldSelector: 'status.phase=Pending' })).items).length, 3);
  await rejectsStatus(list(pods, 'default', { fieldSelector: 'spec.containers=x' }), 400);
  await done();
});

test('resourceVersion and resourceVersionMatch rules', async () => {
  const { api, store, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await seed(rs, 3);
  const snapshot = (await list(rs, 'default', {})).resourceVersion;
  await rs.create('default', configMap('later'), ctx());
  await rs.update('default', 'cm-00', configMap('cm-00', {}, { k: 'new' }), ctx());
  const current = await store.currentRevision();

  // Exact reads the snapshot: 3 objects, cm-00 unchanged.
  const exact = await list(rs, 'default', { resourceVersion: snapshot, resourceVersionMatch: 'Exact' });
  assert.deepEqual(names(exact.items), ['cm-00', 'cm-01', 'cm-02']);
  assert.deepEqual(exact.items[0].data, { k: 'v' });
  assert.equal(exact.resourceVersion, snapshot);
  // A paged list at a resourceVersion (no match) is exact as well.
  const pagedAt = await list(rs, 'default', { resourceVersion: snapshot, limit: 2 });
  assert.deepEqual(names(pagedAt.items), ['cm-00', 'cm-01']);
  assert.ok(pagedAt.continue);
  // NotOlderThan / unset / "0" read the latest state.
  for (const q of [
    { resourceVersion: snapshot, resourceVersionMatch: 'NotOlderThan' },
    { resourceVersion: snapshot },
    { resourceVersion: '0' },
    {},
  ]) {
    const r = await list(rs, 'default', q);
    assert.equal(r.items.length, 4, JSON.stringify(q));
    assert.equal(r.resourceVersion, String(current), JSON.stringify(q));
  }
  // "0" may ignore the limit (served from the cache), as Kubernetes does.
  assert.equal((await list(rs, 'default', { resourceVersion: '0', limit: 1 })).items.length, 4);

  await rejectsStatus(list(rs, 'default', { resourceVersionMatch: 'Exact' }), 400);
  await rejectsStatus(
    list(rs, 'default', { resourceVersion: snapshot, resourceVersionMatch: 'Newest' }),
    400,
  );
  await rejectsStatus(list(rs, 'default', { resourceVersion: 'abc' }), 400);
  await rejectsStatus(
    list(rs, 'default', { resourceVersion: String(current + 100), resourceVersionMatch: 'NotOlderThan' }),
    504,
    'Timeout',
  );
  const tooNew = await rejectsStatus(list(rs, 'default', { resourceVersion: String(current + 100) }), 504);
  assert.equal(tooNew.status.details?.causes?.[0]?.reason, 'ResourceVersionTooLarge');
  const first = await list(rs, 'default', { limit: 1 });
  await rejectsStatus(list(rs, 'default', { continue: first.continue, resourceVersion: snapshot }), 400);
  await rejectsStatus(list(rs, 'default', { continue: 'garbage' }), 400);
  // A token from one namespace is no good in another.
  await rejectsStatus(list(rs, 'other', { continue: first.continue }), 400);
  // Compacted snapshots are gone.
  await rs.create('default', configMap('newest'), ctx());
  await store.compact(await store.currentRevision());
  await rejectsStatus(
    list(rs, 'default', { resourceVersion: snapshot, resourceVersionMatch: 'Exact' }),
    410,
    'Expired',
  );
  await rejectsStatus(list(rs, 'default', { continue: first.continue }), 410, 'Expired');
  await done();
});

test('listQueryFrom reads the query and refuses a bad limit', () => {
  assert.deepEqual(
    listQueryFrom(
      new URLSearchParams(
        'limit=5&labelSelector=a%3Db&continue=t&resourceVersion=3&resourceVersionMatch=Exact',
      ),
    ),
    {
      labelSelector: 'a=b',
      fieldSelector: undefined,
      limit: 5,
      continue: 't',
      resourceVersion: '3',
      resourceVersionMatch: 'Exact',
    },
  );
  assert.throws(
    () => listQueryFrom(new URLSearchParams('limit=-1')),
    (e: StatusError) => e.code === 400,
  );
  assert.throws(
    () => listQueryFrom(new URLSearchParams('limit=ten')),
    (e: StatusError) => e.code === 400,
  );
});

interface Recorded {
  events: [string, string | undefined, string | undefined][];
  ended?: StatusError;
  sink: WatchSink;
  endedCalled?: boolean;
}

function recorder(): Recorded {
  const r: Recorded = {
    events: [],
    sink: {
      send: (type, obj) =>
        r.events.push([type, obj.metadata.name, (obj.data as { k?: string } | undefined)?.k]),
      end: (reason) => {
        r.endedCalled = true;
        r.ended = reason;
      },
    },
  };
  return r;
}

test('watch without resourceVersion sends the current state, then live events', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await rs.create('default', configMap('a'), ctx());
  await rs.create('default', configMap('b'), ctx());
  const r = recorder();
  const w = await watch(rs, 'default', {}, r.sink);
  await rs.update('default', 'a', configMap('a', {}, { k: 'a2' }), ctx());
  const other = configMap('x');
  other.metadata.namespace = 'other';
  await rs.create('other', other, ctx());
  await rs.create('default', configMap('c'), ctx());
  w.stop();
  await rs.create('default', configMap('after-stop'), ctx());
  assert.deepEqual(r.events, [
    ['ADDED', 'a', 'v'],
    ['ADDED', 'b', 'v'],
    ['MODIFIED', 'a', 'a2'],
    ['ADDED', 'c', 'v'],
  ]);
  await done();
});

test('watch from a resourceVersion replays what followed it, then streams', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await rs.cache.start();
  const { obj: a } = await rs.create('default', configMap('a'), ctx());
  await rs.create('default', configMap('b'), ctx());
  await rs.update('default', 'a', configMap('a', {}, { k: 'a2' }), ctx());
  await rs.create('default', configMap('gone'), ctx());
  const r = recorder();
  const w = await watch(rs, 'default', { resourceVersion: a.metadata.resourceVersion }, r.sink);
  assert.equal(String(w.revision), a.metadata.resourceVersion);
  const { deleteObject } = await import('./delete.ts');
  await deleteObject(rs, 'default', 'gone', {}, ctx());
  w.stop();
  assert.deepEqual(r.events, [
    ['ADDED', 'b', 'v'],
    ['MODIFIED', 'a', 'a2'],
    ['ADDED', 'gone', 'v'],
    ['DELETED', 'gone', 'v'],
  ]);
  const current = await rs.cache.syncTo();
  await rejectsStatus(watch(rs, 'default', { resourceVersion: String(current + 10) }, recorder().sink), 504);
  await rejectsStatus(watch(rs, 'default', { resourceVersion: 'x' }, recorder().sink), 400);
  await done();
});

test('watching from before the cache started is 410 Expired (the client relists)', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const { obj } = await rs.create('default', configMap('early'), ctx());
  await rs.create('default', configMap('early2'), ctx());
  await rs.create('default', configMap('early3'), ctx());
  await rejectsStatus(
    watch(rs, 'default', { resourceVersion: obj.metadata.resourceVersion }, recorder().sink),
    410,
    'Expired',
  );
  // From the revision the cache started at, it works.
  const r = recorder();
  (await watch(rs, 'default', { resourceVersion: String(rs.cache.revision) }, r.sink)).stop();
  assert.deepEqual(r.events, []);
  await done();
});

test('selector transitions: leaving the selector is DELETED, entering is ADDED; name-scoped watches', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await rs.create('default', configMap('a', { app: 'web' }), ctx());
  await rs.create('default', configMap('b', { app: 'db' }), ctx());
  const byLabel = recorder();
  const byName = recorder();
  const w1 = await watch(rs, 'default', { labelSelector: 'app=web' }, byLabel.sink);
  const w2 = await watch(rs, 'default', { fieldSelector: 'metadata.name=b' }, byName.sink);
  await rs.update('default', 'a', configMap('a', { app: 'web' }, { k: 'a2' }), ctx());
  await rs.update('default', 'a', configMap('a', { app: 'other' }, { k: 'a3' }), ctx());
  await rs.update('default', 'a', configMap('a', { app: 'other' }, { k: 'a4' }), ctx());
  await rs.update('default', 'b', configMap('b', { app: 'web' }, { k: 'b2' }), ctx());
  const { deleteObject } = await import('./delete.ts');
  await deleteObject(rs, 'default', 'b', {}, ctx());
  await deleteObject(rs, 'default', 'a', {}, ctx());
  w1.stop();
  w2.stop();
  assert.deepEqual(byLabel.events, [
    ['ADDED', 'a', 'v'],
    ['MODIFIED', 'a', 'a2'],
    ['DELETED', 'a', 'a3'],
    ['ADDED', 'b', 'b2'],
    ['DELETED', 'b', 'b2'],
  ]);
  assert.deepEqual(byName.events, [
    ['ADDED', 'b', 'v'],
    ['MODIFIED', 'b', 'b2'],
    ['DELETED', 'b', 'b2'],
  ]);
  await done();
});

test('a stopped cache (server shutdown) ends its watches as a plain end of stream', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const r = recorder();
  await watch(rs, '', {}, r.sink);
  api.stop();
  assert.ok(r.endedCalled);
  assert.equal(r.ended, undefined);
  await done();
});

test('events.k8s.io/v1 events select on their own field names (regarding.*) over core storage', async () => {
  const { api, done } = newApi();
  const core = api.resource('', 'events');
  const ev = (name: string, podName: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: podName, namespace: 'default' },
    reason: 'Started',
    message: 'm',
    type: 'Normal',
  });
  await core.create('default', ev('e1', 'p1'), ctx());
  await core.create('default', ev('e2', 'p2'), ctx());
  const view = api.storeFor(api.registry.byGVR('events.k8s.io', 'v1', 'events')!);
  const r = await list(view, 'default', { fieldSelector: 'regarding.name=p1' });
  assert.deepEqual(names(r.items), ['e1']);
  assert.equal(r.items[0].apiVersion, 'events.k8s.io/v1');
  const viaCore = await list(core, 'default', { fieldSelector: 'involvedObject.name=p2' });
  assert.deepEqual(names(viaCore.items), ['e2']);
  await done();
});
