import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../api/errors.ts';
import { configMap, ctx, newApi, pod, rejectsStatus } from '../test-fixtures.ts';
import { deleteObject, deleteOptionsFrom } from './delete.ts';

test('a plain delete removes the object at once', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const { obj } = await rs.create('default', configMap('c'), ctx());
  const r = await deleteObject(rs, 'default', 'c', {}, ctx());
  assert.equal(r.deleted, true);
  assert.equal(r.obj.metadata.uid, obj.metadata.uid);
  await rejectsStatus(rs.get('default', 'c'), 404, 'NotFound');
  await rejectsStatus(deleteObject(rs, 'default', 'c', {}, ctx()), 404, 'NotFound');
  await done();
});

test('Foreground adds foregroundDeletion, Orphan adds orphan, with a deletionTimestamp', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await rs.create('default', configMap('fg'), ctx());
  await rs.create('default', configMap('or'), ctx());
  const fg = await deleteObject(rs, 'default', 'fg', { propagationPolicy: 'Foreground' }, ctx());
  assert.equal(fg.deleted, false);
  assert.deepEqual(fg.obj.metadata.finalizers, ['foregroundDeletion']);
  assert.ok(fg.obj.metadata.deletionTimestamp);
  assert.equal(fg.obj.metadata.deletionGracePeriodSeconds, 0);
  const or = await deleteObject(rs, 'default', 'or', { orphanDependents: true }, ctx());
  assert.deepEqual(or.obj.metadata.finalizers, ['orphan']);
  const stored = await rs.get('default', 'fg');
  assert.deepEqual(stored.metadata.finalizers, ['foregroundDeletion']);
  assert.equal(stored.metadata.deletionTimestamp, fg.obj.metadata.deletionTimestamp);
  // Deleting again does not move the timestamp.
  const again = await deleteObject(rs, 'default', 'fg', { propagationPolicy: 'Foreground' }, ctx());
  assert.equal(again.obj.metadata.deletionTimestamp, fg.obj.metadata.deletionTimestamp);
  await done();
});

test('removing the last finalizer through an update deletes the object', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const body = configMap('fin');
  body.metadata.finalizers = ['example.com/a', 'example.com/b'];
  await rs.create('default', body, ctx());
  const marked = await deleteObject(rs, 'default', 'fin', {}, ctx());
  assert.equal(marked.deleted, false);
  assert.ok(marked.obj.metadata.deletionTimestamp);
  const one = structuredClone(marked.obj);
  one.metadata.finalizers = ['example.com/b'];
  const kept = (await rs.update('default', 'fin', one, ctx())).obj;
  assert.equal(
    kept.metadata.deletionTimestamp,
    marked.obj.metadata.deletionTimestamp,
    'an update cannot clear deletionTimestamp',
  );
  assert.deepEqual((await rs.get('default', 'fin')).metadata.finalizers, ['example.com/b']);
  const none = structuredClone(kept);
  none.metadata.finalizers = [];
  await rs.update('default', 'fin', none, ctx());
  await rejectsStatus(rs.get('default', 'fin'), 404);
  await done();
});

test('a pod on a node is deleted gracefully; gracePeriodSeconds=0 deletes at once', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'pods');
  await rs.create('default', pod('bound', 'n1'), ctx());
  await rs.create('default', pod('now', 'n1'), ctx());
  await rs.create('default', pod('unbound'), ctx());
  const t0 = Date.now();
  const g = await deleteObject(rs, 'default', 'bound', {}, ctx());
  assert.equal(g.deleted, false);
  assert.equal(g.obj.metadata.deletionGracePeriodSeconds, 30);
  const at = Date.parse(g.obj.metadata.deletionTimestamp!);
  assert.ok(at >= t0 + 28_000 && at <= t0 + 31_000, g.obj.metadata.deletionTimestamp);
  // A shorter grace period replaces a longer one, never the reverse.
  const shorter = await deleteObject(rs, 'default', 'bound', { gracePeriodSeconds: 5 }, ctx());
  assert.equal(shorter.obj.metadata.deletionGracePeriodSeconds, 5);
  const longer = await deleteObject(rs, 'default', 'bound', { gracePeriodSeconds: 60 }, ctx());
  assert.equal(longer.obj.metadata.deletionGracePeriodSeconds, 5);
  // gracePeriodSeconds=0 forces it.
  const forced = await deleteObject(rs, 'default', 'now', { gracePeriodSeconds: 0 }, ctx());
  assert.equal(forced.deleted, true);
  await rejectsStatus(rs.get('default', 'now'), 404);
  // A pod no node runs goes at once.
  assert.equal((await deleteObject(rs, 'default', 'unbound', {}, ctx())).deleted, true);
  // The graceful one can still be forced.
  assert.equal((await deleteObject(rs, 'default', 'bound', { gracePeriodSeconds: 0 }, ctx())).deleted, true);
  await rejectsStatus(rs.get('default', 'bound'), 404);
  await done();
});

test('preconditions on uid and resourceVersion are 409 when they do not hold', async () => {
  const { api, done } = newApi();
  const rs = api.resource('', 'configmaps');
  const { obj } = await rs.create('default', configMap('p'), ctx());
  await rejectsStatus(
    deleteObject(rs, 'default', 'p', { preconditions: { uid: 'other' } }, ctx()),
    409,
    'Conflict',
  );
  await rejectsStatus(
    deleteObject(
      rs,
      'default',
      'p',
      { preconditions: { resourceVersion: '1' + obj.metadata.resourceVersion } },
      ctx(),
    ),
    409,
    'Conflict',
  );
  await rs.get('default', 'p');
  const r = await deleteObject(
    rs,
    'default',
    'p',
    { preconditions: { uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion } },
    ctx(),
  );
  assert.equal(r.deleted, true);
  await done();
});

test('a dry-run delete writes nothing', async () => {
  const { api, store, done } = newApi();
  const rs = api.resource('', 'configmaps');
  await rs.create('default', configMap('d'), ctx());
  await rs.create('default', configMap('f'), ctx());
  const rev = await store.currentRevision();
  assert.equal((await deleteObject(rs, 'default', 'd', {}, ctx({ dryRun: true }))).deleted, true);
  const fg = await deleteObject(
    rs,
    'default',
    'f',
    { propagationPolicy: 'Foreground' },
    ctx({ dryRun: true }),
  );
  assert.deepEqual(fg.obj.metadata.finalizers, ['foregroundDeletion']);
  assert.equal(await store.currentRevision(), rev);
  assert.equal((await rs.get('default', 'f')).metadata.deletionTimestamp, undefined);
  await rs.get('default', 'd');
  await done();
});

test('deleteOptionsFrom reads body and query, the query winning, and refuses bad values', () => {
  const q = (s: string) => new URLSearchParams(s);
  assert.deepEqual(
    deleteOptionsFrom(
      { kind: 'DeleteOptions', gracePeriodSeconds: 10, propagationPolicy: 'Orphan' },
      q('gracePeriodSeconds=3'),
    ),
    {
      kind: 'DeleteOptions',
      gracePeriodSeconds: 3,
      propagationPolicy: 'Orphan',
    },
  );
  assert.deepEqual(deleteOptionsFrom(undefined, q('propagationPolicy=Foreground')), {
    propagationPolicy: 'Foreground',
  });
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return (err as StatusError).code;
    }
    return 0;
  };
  assert.equal(
    code(() => deleteOptionsFrom(undefined, q('gracePeriodSeconds=-1'))),
    400,
  );
  assert.equal(
    code(() => deleteOptionsFrom(undefined, q('gracePeriodSeconds=abc'))),
    400,
  );
  assert.equal(
    code(() => deleteOptionsFrom(undefined, q('propagationPolicy=Sideways'))),
    422,
  );
  assert.equal(
    code(() => deleteOptionsFrom(undefined, q('propagationPolicy=Orphan&orphanDependents=true'))),
    400,
  );
  assert.equal(
    code(() => deleteOptionsFrom('text', q(''))),
    400,
  );
});
