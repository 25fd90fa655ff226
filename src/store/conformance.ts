/**
 * The Store conformance suite: the behaviour every backend (SQLite now, etcd later) must show, as
 * node:test tests. A backend's test file calls `runStoreConformance('sqlite :memory:', open)`.
 * Tests assume nothing about absolute revisions or other keys: each uses a fresh store and its own
 * key prefix, and compares revisions relative to ones it observed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './types.ts';
import { rejectsWith, withStore } from './conformance-helpers.ts';
import type { OpenStore } from './conformance-helpers.ts';
import { defineWatchConformance } from './conformance-watch.ts';

/** Defines the conformance tests for the backend `open` produces (a fresh store per test). */
export function runStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    defineKeyValueConformance(open);
    defineListConformance(open);
    defineWatchConformance(open);
  });
}

function defineKeyValueConformance(open: OpenStore): void {
  test('create then get; revisions advance; create of a live key is KeyExists', () =>
    withStore(open, async (s, p) => {
      const before = await s.currentRevision();
      const a = await s.create(`${p}a`, '{"v":1}');
      assert.ok(a.modRevision > before);
      assert.deepEqual(a, {
        key: `${p}a`,
        value: '{"v":1}',
        createRevision: a.modRevision,
        modRevision: a.modRevision,
      });
      assert.equal(await s.currentRevision(), a.modRevision);
      assert.deepEqual(await s.get(`${p}a`), a);
      assert.equal(await s.get(`${p}missing`), undefined);
      await rejectsWith(s.create(`${p}a`, '{"v":2}'), 'KeyExists');
      assert.deepEqual(await s.get(`${p}a`), a, 'a failed create changes nothing');
    }));

  test('update compares and swaps on modRevision', () =>
    withStore(open, async (s, p) => {
      const a = await s.create(`${p}a`, 'one');
      const b = await s.update(`${p}a`, 'two', a.modRevision);
      assert.ok(b.modRevision > a.modRevision);
      assert.equal(b.createRevision, a.createRevision);
      assert.equal(b.value, 'two');
      const err = await rejectsWith(s.update(`${p}a`, 'stale', a.modRevision), 'Conflict');
      assert.deepEqual(err.current, b, 'Conflict carries the current value');
      await rejectsWith(s.update(`${p}nope`, 'x', 1), 'NotFound');
      assert.deepEqual(await s.get(`${p}a`), b);
      assert.deepEqual(
        await s.get(`${p}a`, a.modRevision),
        a,
        'reads at an older revision see the older value',
      );
    }));

  test('delete leaves a tombstone; the key can be created again', () =>
    withStore(open, async (s, p) => {
      const a = await s.create(`${p}a`, 'one');
      await rejectsWith(s.delete(`${p}a`, a.modRevision + 1000), 'Conflict');
      const d = await s.delete(`${p}a`, a.modRevision);
      assert.equal(d.value, 'one', 'delete answers the deleted value');
      assert.equal(d.createRevision, a.createRevision);
      assert.ok(d.modRevision > a.modRevision, 'modRevision is the tombstone revision');
      assert.equal(await s.currentRevision(), d.modRevision);
      assert.equal(await s.get(`${p}a`), undefined);
      assert.deepEqual(await s.get(`${p}a`, a.modRevision), a);
      await rejectsWith(s.delete(`${p}a`), 'NotFound');
      await rejectsWith(s.update(`${p}a`, 'x', a.modRevision), 'NotFound');
      const again = await s.create(`${p}a`, 'two');
      assert.ok(again.createRevision > d.modRevision, 'a re-created key has a new createRevision');
      const d2 = await s.delete(`${p}a`);
      assert.equal(d2.value, 'two');
    }));

  test('reads at a future revision are FutureRevision', () =>
    withStore(open, async (s, p) => {
      const a = await s.create(`${p}a`, 'x');
      await rejectsWith(s.get(`${p}a`, a.modRevision + 10), 'FutureRevision');
      await rejectsWith(s.list(p, { revision: a.modRevision + 10 }), 'FutureRevision');
      await rejectsWith(s.compact(a.modRevision + 10), 'FutureRevision');
    }));

  test('racing writers: 100 concurrent updates at the same revision, exactly one wins', () =>
    withStore(open, async (s, p) => {
      const a = await s.create(`${p}race`, 'start');
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => s.update(`${p}race`, `writer-${i}`, a.modRevision)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      const winner = won[0].value;
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        assert.equal(r.reason.code, 'Conflict');
        assert.equal(r.reason.current?.modRevision, winner.modRevision);
      }
      assert.deepEqual(await s.get(`${p}race`), winner);
    }));

  test('racing creates of one key: exactly one wins', () =>
    withStore(open, async (s, p) => {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => s.create(`${p}k`, `c-${i}`)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.code, 'KeyExists');
    }));

  test('a write is not acknowledged twice and revisions are distinct under concurrency', () =>
    withStore(open, async (s, p) => {
      const kvs = await Promise.all(Array.from({ length: 200 }, (_, i) => s.create(`${p}k${i}`, String(i))));
      assert.equal(new Set(kvs.map((kv) => kv.modRevision)).size, 200);
      assert.equal(await s.count(p), 200);
    }));

  test('closed store refuses calls with Closed', async () => {
    const s = await open();
    await s.close();
    await rejectsWith(s.create('/conformance/closed', 'x'), 'Closed');
    await rejectsWith(s.get('/conformance/closed'), 'Closed');
    await s.close();
  });
}

function defineListConformance(open: OpenStore): void {
  test('list: key order, exact prefix, tombstones hidden, count', () =>
    withStore(open, async (s, p) => {
      for (const k of ['c', 'a', 'b', 'd']) await s.create(`${p}ns/${k}`, k);
      await s.create(`${p}ns2/x`, 'other namespace');
      await s.create(`${p}ns`, 'the bare prefix without slash');
      await s.delete(`${p}ns/d`);
      const r = await s.list(`${p}ns/`);
      assert.deepEqual(
        r.kvs.map((kv) => kv.key),
        [`${p}ns/a`, `${p}ns/b`, `${p}ns/c`],
      );
      assert.equal(r.more, false);
      assert.equal(r.revision, await s.currentRevision());
      assert.equal(await s.count(`${p}ns/`), 3);
      assert.equal(await s.count(`${p}ns2/`), 1);
      assert.equal(await s.count(p), 5);
      assert.deepEqual((await s.list(`${p}none/`)).kvs, []);
    }));

  test('list pages with limit/after at a fixed revision', () =>
    withStore(open, async (s, p) => {
      const keys = Array.from({ length: 25 }, (_, i) => `${p}k${String(i).padStart(2, '0')}`);
      for (const k of keys) await s.create(k, `v-${k}`);
      const rev = await s.currentRevision();
      // Changes after `rev` must not show in pages read at `rev`.
      await s.delete(keys[3]);
      await s.update(keys[20], 'changed', (await s.get(keys[20]))!.modRevision);
      await s.create(`${p}k99`, 'late');
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      while (true) {
        const page = await s.list(p, { revision: rev, limit: 10, after });
        pages++;
        assert.equal(page.revision, rev);
        seen.push(...page.kvs.map((kv) => kv.key));
        if (page.remaining !== undefined) assert.equal(page.remaining, keys.length - seen.length);
        for (const kv of page.kvs) assert.equal(kv.value, `v-${kv.key}`);
        if (!page.more) break;
        after = page.kvs[page.kvs.length - 1].key;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, keys);
      const latest = await s.list(p);
      assert.equal(latest.kvs.length, 25);
      assert.equal(latest.kvs.find((kv) => kv.key === keys[20])?.value, 'changed');
      assert.equal(latest.kvs.at(-1)?.key, `${p}k99`);
    }));

  test('compaction: old revisions answer Compacted; the window still reads the same', () =>
    withStore(open, async (s, p) => {
      const a1 = await s.create(`${p}a`, 'a1');
      const a2 = await s.update(`${p}a`, 'a2', a1.modRevision);
      const b = await s.create(`${p}b`, 'b');
      await s.delete(`${p}b`);
      const c = await s.create(`${p}c`, 'c');
      const at = c.modRevision;
      const before = await s.list(p, { revision: at });
      await s.update(`${p}c`, 'c2', c.modRevision);
      await s.compact(at);
      assert.equal(await s.compactedRevision(), at);
      await rejectsWith(s.get(`${p}a`, a1.modRevision), 'Compacted');
      await rejectsWith(s.list(p, { revision: b.modRevision }), 'Compacted');
      assert.deepEqual(
        await s.list(p, { revision: at }),
        before,
        'the compacted revision itself stays readable',
      );
      assert.deepEqual(await s.get(`${p}a`), a2);
      assert.equal(await s.get(`${p}b`), undefined);
      assert.equal((await s.get(`${p}c`))?.value, 'c2');
      assert.equal((await s.get(`${p}c`, at))?.value, 'c');
      assert.equal(await s.count(p), 2);
      await s.compact(a1.modRevision); // older than the compacted revision: nothing to do
      assert.equal(await s.compactedRevision(), at);
    }));
}
