/**
 * The SQLite store against the conformance suite, in memory and on a file, plus SQLite-specific
 * checks: group commit under concurrency and background compaction.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from './conformance.ts';
import { openSqliteStore } from './sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempPath = (): string => join(dir, `store-${++files}.db`);

runStoreConformance('sqlite :memory:', async () => openSqliteStore({ path: ':memory:' }));
runStoreConformance('sqlite file', async () => openSqliteStore({ path: tempPath() }));

describe('sqlite store', () => {
  test('group commit: 1,000 concurrent creates all succeed with distinct revisions in few transactions', async () => {
    const s = openSqliteStore({ path: tempPath() });
    try {
      const kvs = await Promise.all(Array.from({ length: 1000 }, (_, i) => s.create(`/g/k${i}`, String(i))));
      const revs = kvs.map((kv) => kv.modRevision).sort((a, b) => a - b);
      assert.deepEqual(
        revs,
        Array.from({ length: 1000 }, (_, i) => i + 1),
        'revisions are 1..1000 without holes',
      );
      const st = s.stats();
      assert.equal(st.writes, 1000);
      assert.ok(st.batches <= 5, `expected a handful of transactions, got ${st.batches}`);
      assert.equal(await s.count('/g/'), 1000);
    } finally {
      await s.close();
    }
  });

  test('a failing write does not fail the others in its batch', async () => {
    const s = openSqliteStore({ path: ':memory:' });
    try {
      const a = await s.create('/b/a', '1');
      const batchesBefore = s.stats().batches;
      // All enqueued in the same turn, so they share one transaction.
      const results = await Promise.allSettled([
        s.create('/b/x', 'x'),
        s.create('/b/a', 'dup'),
        s.update('/b/a', 'stale', a.modRevision + 99),
        s.update('/b/a', '2', a.modRevision),
        s.update('/b/a', '3', a.modRevision), // the previous write of this batch already moved it
        s.delete('/b/missing'),
        s.create('/b/y', 'y'),
      ]);
      assert.equal(s.stats().batches, batchesBefore + 1);
      assert.deepEqual(
        results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason.code)),
        ['ok', 'KeyExists', 'Conflict', 'ok', 'Conflict', 'NotFound', 'ok'],
      );
      const revs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []));
      assert.deepEqual(
        revs,
        [a.modRevision + 1, a.modRevision + 2, a.modRevision + 3],
        'failed writes use no revision',
      );
      assert.equal((await s.get('/b/a'))?.value, '2');
    } finally {
      await s.close();
    }
  });

  test('state, revision and compaction survive reopening; revisions are never reused', async () => {
    const path = tempPath();
    let s = openSqliteStore({ path });
    const a = await s.create('/r/a', '1');
    const d = await s.delete('/r/a');
    await s.compact(d.modRevision); // empties the table
    await s.close();
    s = openSqliteStore({ path });
    try {
      assert.equal(await s.currentRevision(), d.modRevision);
      assert.equal(await s.compactedRevision(), d.modRevision);
      assert.equal(await s.get('/r/a'), undefined);
      const again = await s.create('/r/a', '2');
      assert.equal(again.modRevision, d.modRevision + 1);
      assert.ok(again.modRevision > a.modRevision);
    } finally {
      await s.close();
    }
  });

  test('a committed batch waiting for its fsync is invisible: reads and currentRevision stop at the published revision', async () => {
    const s = openSqliteStore({ path: tempPath() });
    try {
      const first = await s.create('/v/a', '1');
      const events: number[] = [];
      const w = s.watch('/v/', first.modRevision, {
        onEvents: (evs) => events.push(...evs.map((e) => e.revision)),
        onError: () => undefined,
      });
      const pending = s.delete('/v/a');
      // The flush (registered first) commits in this check phase; the fsync answer comes later.
      await new Promise((r) => setImmediate(r));
      assert.ok(s.stats().revision > first.modRevision, 'the delete is committed');
      assert.equal(await s.currentRevision(), first.modRevision);
      const listed = await s.list('/v/');
      assert.equal(listed.revision, first.modRevision);
      assert.deepEqual(
        listed.kvs.map((kv) => kv.key),
        ['/v/a'],
        'a list at that revision still holds the key, consistently with the revision it reports',
      );
      assert.equal((await s.get('/v/a'))?.value, '1');
      await assert.rejects(s.get('/v/a', first.modRevision + 1), /future|revision/i);
      const gone = await pending;
      assert.equal(await s.currentRevision(), gone.modRevision);
      assert.equal(await s.get('/v/a'), undefined);
      assert.deepEqual(events, [gone.modRevision], 'the watcher got the delete once it was published');
      w.close();
    } finally {
      await s.close();
    }
  });

  test('writes that arrive while an fsync runs share the next transaction', async () => {
    const s = openSqliteStore({ path: tempPath() });
    try {
      let acked = false;
      const first = s.create('/w/first', '0').then(() => (acked = true));
      // One write per event-loop turn while the first one's fsync runs, until the next transaction
      // has been committed. (Stopping at the first answer instead raced with that transaction on a
      // busy machine: a write could land after it, while its own fsync ran, in a third.)
      const rest: Promise<unknown>[] = [];
      await new Promise((r) => setImmediate(r));
      while (s.stats().batches < 2 && !(acked && rest.length === 0)) {
        rest.push(s.create(`/w/k${rest.length}`, String(rest.length)));
        await new Promise((r) => setImmediate(r));
      }
      // The next transaction began only once the fsync had returned (and the first write was answered).
      assert.ok(acked, `a transaction committed while the first write's fsync ran (${rest.length} queued)`);
      await Promise.all([first, ...rest]);
      assert.equal(s.stats().batches, rest.length ? 2 : 1, `${rest.length} writes queued behind the fsync`);
      assert.equal(
        s.stats().largestBatch,
        Math.max(1, rest.length),
        'the queued writes share one transaction',
      );
      assert.equal(await s.count('/w/'), rest.length + 1);
    } finally {
      await s.close();
    }
  });

  test('the store checkpoints the WAL itself, and checkpointed writes survive reopening', async () => {
    const path = tempPath();
    let s = openSqliteStore({ path });
    const n = 2000;
    try {
      for (let i = 0; i < n; i += 100)
        await Promise.all(Array.from({ length: 100 }, (_, j) => s.create(`/c/k${i + j}`, 'x'.repeat(100))));
      assert.ok(s.stats().checkpoints >= 2, `checkpoints: ${s.stats().checkpoints}`);
      // Writes keep working across the checkpoints' database fsyncs, and compaction waits for them.
      await s.update('/c/k0', 'y', (await s.get('/c/k0'))!.modRevision);
      await s.compact((await s.currentRevision()) - 10);
    } finally {
      await s.close();
    }
    s = openSqliteStore({ path });
    try {
      assert.equal(await s.count('/c/'), n);
      assert.equal((await s.get('/c/k0'))?.value, 'y');
    } finally {
      await s.close();
    }
  });

  test('close() commits writes still queued', async () => {
    const path = tempPath();
    let s = openSqliteStore({ path });
    const pending = Promise.all([s.create('/q/a', '1'), s.create('/q/b', '2')]);
    await s.close();
    assert.equal((await pending).length, 2);
    s = openSqliteStore({ path });
    try {
      assert.equal(await s.count('/q/'), 2);
    } finally {
      await s.close();
    }
  });

  test('background compaction keeps everything since the previous tick and at least compactKeep revisions', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const s = openSqliteStore({ path: ':memory:', compactInterval: 1000, compactKeep: 5 });
    try {
      let kv = await s.create('/c/a', '0');
      for (let i = 1; i < 20; i++) kv = await s.update('/c/a', String(i), kv.modRevision);
      // Everything was written since the store opened (the first tick's floor): nothing goes.
      t.mock.timers.tick(1000);
      assert.equal(await s.compactedRevision(), 0);
      const firstTick = kv.modRevision;
      for (let i = 20; i < 40; i++) kv = await s.update('/c/a', String(i), kv.modRevision);
      // Busy: only what predates the previous tick goes, though 20 revisions passed since (> 5).
      t.mock.timers.tick(1000);
      assert.equal(await s.compactedRevision(), firstTick);
      assert.equal((await s.get('/c/a', firstTick))?.value, '19');
      await assert.rejects(s.get('/c/a', firstTick - 1), { code: 'Compacted' });
      // Quiet: two writes in an interval; at least 5 revisions stay.
      for (let i = 40; i < 42; i++) kv = await s.update('/c/a', String(i), kv.modRevision);
      t.mock.timers.tick(1000);
      assert.equal(await s.compactedRevision(), kv.modRevision - 5);
      assert.equal((await s.get('/c/a', kv.modRevision - 5))?.value, '36');
    } finally {
      await s.close();
    }
  });

  test('a long replay arrives in pages, in order, while writes continue', { timeout: 10_000 }, async () => {
    const s = openSqliteStore({ path: ':memory:' });
    try {
      await Promise.all(Array.from({ length: 2500 }, (_, i) => s.create(`/h/k${i}`, String(i))));
      const revs: number[] = [];
      let batches = 0;
      const done = new Promise<void>((resolve) => {
        s.watch('/h/', 0, {
          onEvents: (ev) => {
            batches++;
            revs.push(...ev.map((e) => e.revision));
            if (revs.length === 2600) resolve();
          },
          onError: (err) => assert.fail(err),
        });
      });
      await Promise.all(Array.from({ length: 100 }, (_, i) => s.create(`/h/late${i}`, String(i))));
      await done;
      assert.deepEqual(
        revs,
        Array.from({ length: 2600 }, (_, i) => i + 1),
      );
      assert.ok(batches >= 3, 'replay is paged');
    } finally {
      await s.close();
    }
  });

  test('compaction during a replay ends that watch with Compacted', { timeout: 10_000 }, async () => {
    const s = openSqliteStore({ path: ':memory:' });
    try {
      let kv = await s.create('/p/a', '0');
      const updates: Promise<unknown>[] = [];
      for (let i = 0; i < 2500; i++) updates.push(s.create(`/p/k${i}`, String(i)));
      await Promise.all(updates);
      kv = await s.update('/p/a', 'last', kv.modRevision);
      const error = await new Promise<string>((resolve) => {
        s.watch('/p/', 0, {
          // After the first page, compact past the watcher's position.
          onEvents: () => void s.compact(kv.modRevision),
          onError: (err) => resolve(err.code),
        });
      });
      assert.equal(error, 'Compacted');
    } finally {
      await s.close();
    }
  });

  test(
    'a throwing watch handler does not disturb writers or other watchers',
    { timeout: 10_000 },
    async () => {
      const logs: string[] = [];
      const s = openSqliteStore({ path: ':memory:', log: (msg) => logs.push(msg) });
      try {
        s.watch('/t/', 0, {
          onEvents: () => {
            throw new Error('consumer bug');
          },
          onError: () => {},
        });
        const seen = new Promise<number>((resolve) =>
          s.watch('/t/', 0, { onEvents: (ev) => resolve(ev.length), onError: () => {} }),
        );
        await s.create('/t/a', '1');
        assert.equal(await seen, 1);
        assert.ok(logs.includes('watch handler threw'));
      } finally {
        await s.close();
      }
    },
  );
});
