import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/types.ts';
import { RangeAllocation, RangeAllocationError, type RangeAllocationOptions } from './range-allocation.ts';

const key = '/registry/ranges/test';
const opts: RangeAllocationOptions = { key, range: '100-199', first: 100, last: 199 };

/**
 * The store as seen by one "API server", with a fake conflicting writer: before each of its writes to
 * the key, `before` may run (e.g. another server's allocation on the raw store), so the write loses
 * the compare-and-swap.
 */
function racingStore(raw: Store, before: () => Promise<void> | void): Store & { writes: number } {
  const s = {
    writes: 0,
    currentRevision: () => raw.currentRevision(),
    compactedRevision: () => raw.compactedRevision(),
    get: (k, rev) => raw.get(k, rev),
    list: (p, o) => raw.list(p, o),
    count: (p) => raw.count(p),
    async create(k, v) {
      s.writes++;
      await before();
      return raw.create(k, v);
    },
    async update(k, v, rev) {
      s.writes++;
      await before();
      return raw.update(k, v, rev);
    },
    delete: (k, rev) => raw.delete(k, rev),
    watch: (p, after, h) => raw.watch(p, after, h),
    compact: (rev) => raw.compact(rev),
    close: () => raw.close(),
  } satisfies Store & { writes: number };
  return s;
}

function sqlite(): Store {
  return openSqliteStore({ path: ':memory:', compactInterval: 0 });
}

test('a write that loses the compare-and-swap is redone on the winner; no value is handed out twice', async () => {
  const raw = sqlite();
  const other = new RangeAllocation(raw, opts);
  let races = 5;
  const mine = racingStore(raw, async () => {
    if (races-- > 0) {
      const r = await other.allocate([], 1);
      assert.ok(r.ok);
    }
  });
  const a = new RangeAllocation(mine, opts);
  const got: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await a.allocate([], 1);
    assert.ok(r.ok);
    got.push(...r.values);
  }
  const theirs = (await other.allocated()).filter((v) => !got.includes(v));
  assert.equal(theirs.length, 5, 'the other writer kept its five');
  assert.equal(new Set(got).size, 10);
  assert.equal((await a.allocated()).length, 15);
  assert.ok(mine.writes > 10, `retried (${mine.writes} writes)`);
  await raw.close();
});

test('explicit values: taken by another process is refused, freed by another process is granted', async () => {
  const raw = sqlite();
  const a = new RangeAllocation(raw, opts);
  const b = new RangeAllocation(raw, opts);
  assert.deepEqual(await a.allocate([150], 0), { ok: true, values: [] });
  // b has never read the key: its refusal is computed on a fresh read.
  assert.deepEqual(await b.allocate([151, 150], 0), { ok: false, taken: [1], full: false, picked: 0 });
  // a's cached bitmap still shows 150 taken after b frees it; a reads again before refusing.
  await b.release([150]);
  assert.deepEqual(await a.allocate([150], 0), { ok: true, values: [] });
  // The same value twice in one request: the second is taken.
  assert.deepEqual(await a.allocate([160, 160], 0), { ok: false, taken: [1], full: false, picked: 0 });
  assert.deepEqual(await b.allocated(), [150]);
  await raw.close();
});

test('release of a value another process allocated, and of values not allocated', async () => {
  const raw = sqlite();
  const a = new RangeAllocation(raw, opts);
  const b = new RangeAllocation(raw, opts);
  await a.allocate([101], 0);
  await b.allocate([102], 0);
  const rev = await raw.currentRevision();
  await a.release([199, 5000]);
  assert.equal(await raw.currentRevision(), rev, 'nothing to free: nothing written');
  await a.release([102]);
  assert.deepEqual(await b.allocated(), [101]);
  await raw.close();
});

test('concurrent allocations from two processes on one store are distinct and fill the range exactly', async () => {
  const raw = sqlite();
  const a = new RangeAllocation(raw, opts);
  const b = new RangeAllocation(raw, opts);
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).allocate([], 1)));
  const values = results.flatMap((r) => (r.ok ? r.values : []));
  assert.equal(new Set(values).size, 100);
  const full = await a.allocate([], 1);
  assert.deepEqual(full, { ok: false, taken: [], full: true, picked: 0 });
  await raw.close();
});

test('range full: partial picks are reported and nothing is written', async () => {
  const raw = sqlite();
  const a = new RangeAllocation(raw, { ...opts, range: '1-4', first: 1, last: 4 });
  assert.ok((await a.allocate([1, 2], 0)).ok);
  const rev = await raw.currentRevision();
  assert.deepEqual(await a.allocate([], 3), { ok: false, taken: [], full: true, picked: 2 });
  assert.equal(await raw.currentRevision(), rev);
  assert.deepEqual(await a.allocated(), [1, 2]);
  await raw.close();
});

test('dry run answers on a fresh read and writes nothing', async () => {
  const raw = sqlite();
  const a = new RangeAllocation(raw, opts);
  const b = new RangeAllocation(raw, opts);
  await b.allocate([120], 0);
  const rev = await raw.currentRevision();
  const r = await a.allocate([121], 2, true);
  assert.ok(r.ok && r.values.length === 2 && !r.values.includes(120) && !r.values.includes(121));
  assert.equal((await a.allocate([120], 0, true)).ok, false);
  assert.equal(await raw.currentRevision(), rev);
  await raw.close();
});

test('dynamic picks start at a random offset above the band; the band is used last', async () => {
  const raw = sqlite();
  const cases = [
    { random: 0, want: [110, 111, 112] },
    { random: 0.999, want: [199, 110, 111] },
  ];
  for (const c of cases) {
    const a = new RangeAllocation(raw, {
      ...opts,
      key: `${key}-${c.random}`,
      band: 10,
      random: () => c.random,
    });
    const r = await a.allocate([], 3);
    assert.deepEqual(r, { ok: true, values: c.want });
  }
  const small = new RangeAllocation(raw, {
    ...opts,
    key: `${key}-band`,
    range: '0-3',
    first: 0,
    last: 3,
    band: 2,
  });
  const r = await small.allocate([], 4);
  assert.ok(r.ok);
  assert.deepEqual(r.values.slice(2).sort(), [0, 1], 'the band comes last');
  await raw.close();
});

test('a bitmap stored for another range keeps the values that fall in this one', async () => {
  const raw = sqlite();
  const wide = new RangeAllocation(raw, { ...opts, range: '0-999', first: 0, last: 999 });
  await wide.allocate([50, 150, 199, 500], 0);
  const narrow = new RangeAllocation(raw, opts);
  assert.deepEqual(await narrow.allocated(), [150, 199]);
  assert.equal((await narrow.allocate([150], 0)).ok, false);
  assert.equal((await narrow.allocate([151], 0)).ok, true);
  assert.deepEqual(await narrow.allocated(), [150, 151, 199]);
  await raw.close();
});

test('a writer that always wins makes the allocation fail after maxAttempts', async () => {
  const raw = sqlite();
  const other = new RangeAllocation(raw, opts);
  await other.allocate([100], 0);
  let flip = false;
  const mine = racingStore(raw, async () => {
    flip = !flip;
    await (flip ? other.allocate([101], 0) : other.release([101]));
  });
  const a = new RangeAllocation(mine, { ...opts, maxAttempts: 4 });
  await assert.rejects(a.allocate([], 1), RangeAllocationError);
  assert.equal(mine.writes, 4);
  await raw.close();
});

test('a damaged stored value is reported, not overwritten by allocation', async () => {
  const raw = sqlite();
  await raw.create(key, '{"kind":"RangeAllocation","first":100,"last":199,"data":"@@@"}');
  const a = new RangeAllocation(raw, opts);
  await assert.rejects(a.allocate([], 1), RangeAllocationError);
  const snap = await a.read();
  assert.equal(snap.damaged, true);
  assert.equal(snap.bits.count(), 0);
  await raw.close();
});
