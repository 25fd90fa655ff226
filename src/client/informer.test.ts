import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeepReadonly, KubeObject } from '../api/object.ts';
import { Client } from './client.ts';
import { FakeClock, settle } from './clock.ts';
import { FakeApi } from './fake-api.ts';
import {
  deletedObject,
  informerFactory,
  isTombstone,
  SharedInformer,
  withoutManagedFields,
  type DeletedFinalStateUnknown,
} from './informer.ts';
import { silentLogger } from './logger.ts';

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

/** Waits (event-loop turns, no timers) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await settle(1);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function setup(
  opts: { pageSize?: number; resyncPeriodMs?: number; transform?: (o: KubeObject) => KubeObject } = {},
) {
  const api = new FakeApi();
  const client = new Client(api);
  const clock = new FakeClock();
  const cms = client.resource('', 'v1', 'configmaps');
  const inf = new SharedInformer(cms, {
    clock,
    logger: silentLogger,
    backoffMs: { initial: 10, max: 100 },
    ...opts,
  });
  const log: string[] = [];
  const name = (o: DeepReadonly<KubeObject>): string => `${o.metadata.namespace}/${o.metadata.name}`;
  inf.addEventHandler({
    onAdd: (o, initial) => log.push(`add ${name(o)}${initial ? ' (initial)' : ''}`),
    onUpdate: (a, b) =>
      log.push(`update ${name(b)} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o: DeepReadonly<KubeObject> | DeletedFinalStateUnknown<KubeObject>) =>
      log.push(`delete ${name(deletedObject(o))}${isTombstone(o) ? ' (tombstone)' : ''}`),
  });
  return { api, cms, clock, inf, log };
}

test('lists in pages, syncs, then follows watch events into the cache and the handlers', async () => {
  const { api, cms, inf, log } = setup({ pageSize: 2 });
  for (const n of ['a', 'b', 'c']) await cms.create('default', cm(n));
  assert.equal(inf.hasSynced(), false);
  inf.run();
  assert.equal(await inf.waitForSync(), true);
  assert.deepEqual(log.splice(0), [
    'add default/a (initial)',
    'add default/b (initial)',
    'add default/c (initial)',
  ]);
  const lists = api.actions.filter((a) => a.verb === 'list');
  assert.equal(lists.length, 2, 'three objects in pages of two');
  await until(() => api.openWatches === 1, 'watch');

  const b = await cms.get('default', 'b');
  const b2 = await cms.update('default', { ...b, data: { v: '2' } });
  await cms.delete('default', 'c');
  await cms.create('default', cm('d'));
  await until(() => log.length === 3, 'three events');
  assert.deepEqual(log.splice(0), [
    `update default/b ${b.metadata.resourceVersion}->${b2.metadata.resourceVersion}`,
    'delete default/c',
    'add default/d',
  ]);
  assert.deepEqual(inf.store.listKeys().sort(), ['default/a', 'default/b', 'default/d']);
  assert.deepEqual(inf.lister.namespace('default').get('b')?.data, { v: '2' });
  await inf.stop();
  assert.equal(api.openWatches, 0);
});

test('a watch that ends is reopened from the last resourceVersion, without a relist', async () => {
  const { api, cms, inf, log } = setup();
  inf.run();
  await inf.waitForSync();
  await until(() => api.openWatches === 1, 'watch');
  await cms.create('default', cm('a'));
  await until(() => log.length === 1, 'add a');
  api.closeWatches();
  await cms.create('default', cm('b')); // happens while no watch is open
  await until(() => log.length === 2, 'add b after re-watch');
  assert.deepEqual(log, ['add default/a', 'add default/b']);
  assert.equal(api.actions.filter((a) => a.verb === 'list').length, 1);
  assert.equal(api.actions.filter((a) => a.verb === 'watch').length, 2);
  await inf.stop();
});

for (const overHttp of [false, true]) {
  test(`410 Expired (${overHttp ? 'HTTP answer' : 'ERROR event'}) relists; deletes missed meanwhile arrive as tombstones`, async () => {
    const { api, cms, clock, inf, log } = setup();
    api.expireOverHttp = overHttp;
    await cms.create('default', cm('keep'));
    await cms.create('default', cm('gone'));
    inf.run();
    await inf.waitForSync();
    await until(() => api.openWatches === 1, 'watch');
    log.length = 0;
    // Stop watching, change things, then compact so the old resourceVersion is gone.
    const rvBefore = inf.lastSyncResourceVersion();
    // While the watch is down (the server answers 500), things change and history is compacted.
    const down = (_req: unknown, a: { verb: string }) =>
      a.verb === 'watch' ? { status: 500, headers: {}, body: Buffer.from('') } : undefined;
    api.reactors.push(down);
    api.closeWatches();
    await settle();
    clock.advance(10); // an empty, instant watch end backs off before re-watching
    await until(() => api.actions.filter((a) => a.verb === 'watch').length === 2, 'failed re-watch');
    await cms.delete('default', 'gone');
    const keep = await cms.get('default', 'keep');
    const keep2 = await cms.update('default', { ...keep, data: { v: '2' } });
    await cms.create('default', cm('new'));
    api.compact();
    api.reactors.length = 0;
    // The reflector backs off on the injected clock, re-watches from the compacted version, gets 410.
    await settle();
    clock.advance(100);
    await until(() => log.length === 3, 'relist deltas');
    assert.deepEqual(
      log.sort(),
      [
        'add default/new',
        'delete default/gone (tombstone)',
        `update default/keep ${keep.metadata.resourceVersion}->${keep2.metadata.resourceVersion}`,
      ].sort(),
    );
    assert.notEqual(inf.lastSyncResourceVersion(), rvBefore);
    assert.equal(api.actions.filter((a) => a.verb === 'list').length, 2);
    await inf.stop();
  });
}

test('expiring the open watch with an ERROR event relists', async () => {
  const { api, cms, inf, log } = setup();
  inf.run();
  await inf.waitForSync();
  await until(() => api.openWatches === 1, 'watch');
  await cms.create('default', cm('a'));
  await until(() => log.length === 1, 'add');
  api.expireWatches();
  await until(() => api.actions.filter((a) => a.verb === 'list').length === 2, 'relist');
  await until(() => api.openWatches === 1, 're-watch');
  assert.deepEqual(log, ['add default/a'], 'an unchanged relist is silent');
  await inf.stop();
});

test('resync replays onUpdate(obj, obj) every period on the injected clock; late handlers get the cache as adds', async () => {
  const { cms, clock, inf, log } = setup({ resyncPeriodMs: 60_000 });
  await cms.create('default', cm('a'));
  inf.run();
  await inf.waitForSync();
  log.length = 0;
  clock.advance(59_999);
  assert.deepEqual(log, []);
  clock.advance(1);
  assert.equal(log.length, 1);
  assert.match(log[0], /^update default\/a (\d+)->\1$/);
  clock.advance(60_000);
  assert.equal(log.length, 2);
  const late: string[] = [];
  inf.addEventHandler({ onAdd: (o, initial) => late.push(`${o.metadata.name} ${initial}`) });
  assert.deepEqual(late, ['a true']);
  await inf.stop();
});

test('a throwing handler does not stop the others or the cache', async () => {
  const { cms, inf, log } = setup();
  inf.addEventHandler({
    onAdd: () => {
      throw new Error('boom');
    },
  });
  await cms.create('default', cm('a'));
  inf.run();
  await inf.waitForSync();
  assert.deepEqual(log, ['add default/a (initial)']);
  assert.equal(inf.store.size, 1);
  await inf.stop();
});

test('informerFactory shares one informer per resource and selector; waitForCacheSync waits for all', async () => {
  const api = new FakeApi();
  const f = informerFactory(new Client(api), { logger: silentLogger });
  const a = f.forResource('', 'v1', 'configmaps', { indexers: { byName: (o) => [o.metadata.name ?? ''] } });
  const b = f.forResource('', 'v1', 'configmaps', {
    indexers: { byName: (o) => [o.metadata.name ?? ''], other: () => ['x'] },
  });
  const c = f.forResource('', 'v1', 'configmaps', { labelSelector: 'app=x' });
  const d = f.forResource('coordination.k8s.io', 'v1', 'leases');
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.ok(a.store.hasIndex('byName') && a.store.hasIndex('other'));
  f.start();
  assert.equal(await f.waitForCacheSync(), true);
  assert.ok([a, c, d].every((i) => i.hasSynced()));
  await until(() => api.openWatches === 3, 'three watches');
  await f.shutdown();
  assert.equal(api.openWatches, 0);
});

test('an expired continue token restarts the list in one unpaged call', async () => {
  const { api, cms, inf } = setup({ pageSize: 1 });
  for (const n of ['a', 'b', 'c']) await cms.create('default', cm(n));
  let compacted = false;
  api.reactors.push((req) => {
    if (!compacted && req.query?.get('continue')) {
      compacted = true;
      api.compact();
    }
    return undefined;
  });
  inf.run();
  await inf.waitForSync();
  assert.deepEqual(inf.store.listKeys().sort(), ['default/a', 'default/b', 'default/c']);
  const lists = api.actions.filter((a) => a.verb === 'list').length;
  assert.equal(lists, 3, 'first page, expired second page, one unpaged list');
  await inf.stop();
});

test('a transform trims listed and watched objects before they are cached; withoutManagedFields copies', async () => {
  const { cms, inf } = setup({ transform: withoutManagedFields });
  const managed = (name: string): KubeObject => ({
    ...cm(name, { k: 'v' }),
    metadata: {
      name,
      labels: { app: name },
      managedFields: [
        { manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
      ],
    },
  });
  await cms.create('default', managed('listed'));
  inf.run();
  assert.equal(await inf.waitForSync(), true);
  await cms.create('default', managed('watched'));
  await until(() => inf.lister.get('default', 'watched') !== undefined, 'the watched object');
  for (const name of ['listed', 'watched']) {
    const o = inf.lister.get('default', name)!;
    assert.equal(o.metadata.managedFields, undefined, name);
    assert.deepEqual(o.metadata.labels, { app: name });
    assert.deepEqual((o as unknown as { data: unknown }).data, { k: 'v' });
  }
  const frozen = Object.freeze(managed('x'));
  Object.freeze(frozen.metadata);
  const trimmed = withoutManagedFields(frozen);
  assert.equal(trimmed.metadata.managedFields, undefined);
  assert.equal(frozen.metadata.managedFields?.length, 1, 'the input is left as it was');
});
