/**
 * Watch part of the Store conformance suite (see conformance.ts): replay then live with no gap and no
 * duplicate, delete events carrying the old value, exact prefixes, Compacted and Closed endings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WatchEvent } from './types.ts';
import { collect, summary, withStore } from './conformance-helpers.ts';
import type { OpenStore } from './conformance-helpers.ts';

/** Defines the watch conformance tests; called by runStoreConformance. */
export function defineWatchConformance(open: OpenStore): void {
  test('watch replays history after the start revision, then streams live events', () =>
    withStore(open, async (s, p) => {
      const a = await s.create(`${p}a`, 'a1');
      const start = a.modRevision;
      const a2 = await s.update(`${p}a`, 'a2', a.modRevision);
      await s.create(`${p}b`, 'b1');
      const got = collect(s, p, start, (ev) => ev.length >= 4);
      // Written after the watch started: arrive live (or from the log — never twice, never lost).
      await s.delete(`${p}a`, a2.modRevision);
      await s.create(`${p}c`, 'c1');
      const { events, error } = await got;
      assert.equal(error, undefined);
      assert.deepEqual(summary(events), [
        ['put', `${p}a`, 'a2'],
        ['put', `${p}b`, 'b1'],
        ['delete', `${p}a`, 'a2'],
        ['put', `${p}c`, 'c1'],
      ]);
      assert.equal(events[0].revision, a2.modRevision);
      assert.equal(events[0].createRevision, a.modRevision);
      if (events[0].prevValue !== undefined) assert.equal(events[0].prevValue, 'a1');
      assert.equal(events[1].prevValue, undefined, 'a create has no previous value');
      assert.equal(events[2].createRevision, a.modRevision);
    }));

  test('watch from the current revision sees only new events, live', () =>
    withStore(open, async (s, p) => {
      await s.create(`${p}old`, 'x');
      const got = collect(s, p, await s.currentRevision(), (ev) => ev.length >= 2);
      const n = await s.create(`${p}new`, 'y');
      const u = await s.update(`${p}new`, 'z', n.modRevision);
      const { events } = await got;
      assert.deepEqual(summary(events), [
        ['put', `${p}new`, 'y'],
        ['put', `${p}new`, 'z'],
      ]);
      assert.deepEqual(
        events.map((e) => e.revision),
        [n.modRevision, u.modRevision],
      );
      if (events[1].prevValue !== undefined) assert.equal(events[1].prevValue, 'y');
    }));

  test('watch prefixes are exact', () =>
    withStore(open, async (s, p) => {
      const start = await s.currentRevision();
      const got = collect(s, `${p}default/`, start, (ev) => ev.some((e) => e.key.endsWith('/end')));
      await s.create(`${p}default2/x`, 'no');
      await s.create(`${p}default`, 'no');
      await s.create(`${p}default/x`, 'yes');
      await s.create(`${p}defaul/x`, 'no');
      await s.create(`${p}default/end`, 'yes');
      const { events } = await got;
      assert.deepEqual(
        events.map((e) => e.key),
        [`${p}default/x`, `${p}default/end`],
      );
    }));

  test('no gap and no duplicate under concurrent writes while the watch starts', () =>
    withStore(open, async (s, p) => {
      const writers = 8;
      const perWriter = 40;
      const acked: number[] = [];
      let startAt = 0;
      let got: Promise<{ events: WatchEvent[] }> | undefined;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let kv = await s.create(`${p}w${w}`, '0');
          acked.push(kv.modRevision);
          for (let i = 1; i < perWriter; i++) {
            kv = await s.update(kv.key, String(i), kv.modRevision);
            acked.push(kv.modRevision);
            if (w === 0 && i === perWriter / 2) {
              // Start mid-stream from an older revision: part replay, part live, writers still going.
              startAt = acked[Math.floor(acked.length / 3)];
              got = collect(s, p, startAt, (ev) => ev.some((e) => e.key === `${p}end`));
            }
          }
        }),
      );
      assert.ok(got);
      // A sentinel after every writer finished tells the collector it has seen everything.
      acked.push((await s.create(`${p}end`, '')).modRevision);
      const { events } = await got;
      const expected = acked.filter((r) => r > startAt).sort((x, y) => x - y);
      assert.deepEqual(
        events.map((e) => e.revision),
        expected,
      );
    }));

  test('close() stops delivery', () =>
    withStore(open, async (s, p) => {
      const seen: WatchEvent[] = [];
      const w = s.watch(p, await s.currentRevision(), {
        onEvents: (ev) => seen.push(...ev),
        onError: () => {},
      });
      await s.create(`${p}a`, '1');
      const after = collect(s, p, await s.currentRevision(), (ev) => ev.length >= 1);
      await new Promise((r) => setImmediate(r));
      w.close();
      const count = seen.length;
      await s.create(`${p}b`, '2');
      await after;
      assert.equal(seen.length, count);
      assert.ok(seen.every((e) => e.key === `${p}a`));
    }));

  test('watch from a compacted revision ends with Compacted', () =>
    withStore(open, async (s, p) => {
      const a = await s.create(`${p}a`, '1');
      const b = await s.update(`${p}a`, '2', a.modRevision);
      await s.update(`${p}a`, '3', b.modRevision);
      await s.compact(b.modRevision);
      const { events, error } = await collect(s, p, a.modRevision, () => false);
      assert.equal(events.length, 0);
      assert.equal(error?.code, 'Compacted');
      const fromWindow = await collect(s, p, b.modRevision, (ev) => ev.length >= 1);
      assert.deepEqual(summary(fromWindow.events), [['put', `${p}a`, '3']]);
    }));

  test('closing the store ends open watches with Closed', async () => {
    const s = await open();
    const got = collect(s, '/conformance/', await s.currentRevision(), () => false);
    await new Promise((r) => setImmediate(r));
    await s.close();
    const { error } = await got;
    assert.equal(error?.code, 'Closed');
  });
}
