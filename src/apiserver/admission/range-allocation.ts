/**
 * A RangeAllocation: which values of one integer range (service cluster IPs as numbers, node ports)
 * are allocated, kept as a bitmap in one datastore key that only the API server writes. Every change
 * is read → modify → compare-and-swap on the key's modRevision, retried on conflict, so any number of
 * API server processes sharing the datastore never hand out the same value twice.
 *
 * Within one process the operations on a key run one at a time (they would only conflict with each
 * other); conflicts come from other processes. The last value this process wrote is kept and used
 * optimistically: a change computed on it is checked by the compare-and-swap, and a refusal computed
 * on it ("already allocated", "range is full", nothing to release) is computed again on a fresh read
 * before it is answered, because another process may have freed values since.
 */
import { randomUUID } from 'node:crypto';
import { StoreError, type KeyValue, type Store } from '../../store/types.ts';
import { RangeBitmap } from './range-bitmap.ts';

export interface RangeAllocationOptions {
  /** The datastore key holding the allocation, e.g. `/registry/ranges/servicenodeports`. */
  key: string;
  /** The range as people write it ("10.96.0.0/12", "30000-32767"), kept in the stored object. */
  range: string;
  first: number;
  last: number;
  /**
   * Offsets below `band` are handed out dynamically only when everything above is taken, leaving the
   * low end to values users ask for by number (as Kubernetes does for service IPs and node ports).
   */
  band?: number;
  /** Source of randomness in [0, 1) for the dynamic search start (tests pass a fixed one). */
  random?: () => number;
  /** Compare-and-swap attempts before giving up (default 64). */
  maxAttempts?: number;
}

/** The result of `allocate`: the dynamic values, or why nothing was allocated. */
export type AllocationOutcome =
  | { ok: true; values: number[] }
  | {
      ok: false;
      /** Indexes into `explicit` of values already allocated. */
      taken: number[];
      /** Fewer than `count` values were free; `picked` of them were. */
      full: boolean;
      picked: number;
    };

/** A bitmap and the modRevision it was read at (0: the key does not exist yet). */
export interface RangeSnapshot {
  bits: RangeBitmap;
  rev: number;
  /** The stored value could not be read; `bits` is empty and only a rebuild can replace it. */
  damaged?: boolean;
}

/** The JSON stored under the key. `writeId` makes every write's text unique (see `encode`). */
interface StoredRange {
  kind: 'RangeAllocation';
  range: string;
  first: number;
  last: number;
  data: string;
  writeId: string;
}

/** Thrown when the attempts run out or the stored value cannot be read. */
export class RangeAllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RangeAllocationError';
  }
}

export class RangeAllocation {
  readonly key: string;
  readonly range: string;
  readonly first: number;
  readonly last: number;
  readonly size: number;
  private readonly band: number;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly store: Store;
  /** The newest state this process knows (its own last write or read); may be stale. */
  private cache: RangeSnapshot | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(store: Store, o: RangeAllocationOptions) {
    this.store = store;
    this.key = o.key;
    this.range = o.range;
    this.first = o.first;
    this.last = o.last;
    this.size = o.last - o.first + 1;
    this.band = Math.min(Math.max(o.band ?? 0, 0), this.size);
    this.random = o.random ?? Math.random;
    this.maxAttempts = o.maxAttempts ?? 64;
  }

  contains(n: number): boolean {
    return Number.isInteger(n) && n >= this.first && n <= this.last;
  }

  /**
   * Allocates every value of `explicit` (all in range) and `count` more picked from the free ones,
   * all or nothing. With `dryRun` the answer is computed on a fresh read and nothing is written.
   */
  allocate(explicit: readonly number[], count: number, dryRun = false): Promise<AllocationOutcome> {
    for (const v of explicit) if (!this.contains(v)) throw new RangeError(`${v} is outside ${this.range}`);
    return this.mutate<AllocationOutcome>((bits) => {
      const taken: number[] = [];
      explicit.forEach((v, i) => {
        if (bits.has(v - this.first)) taken.push(i);
        else bits.set(v - this.first);
      });
      const values: number[] = [];
      for (let k = 0; k < count; k++) {
        const off = this.pick(bits);
        if (off === undefined) break;
        bits.set(off);
        values.push(this.first + off);
      }
      const full = values.length < count;
      if (taken.length || full) return { result: { ok: false, taken, full, picked: values.length } };
      return { bits: dryRun ? undefined : bits, result: { ok: true, values } };
    });
  }

  /** Frees the values (those outside the range or not allocated are ignored). */
  release(values: readonly number[]): Promise<void> {
    if (!values.length) return Promise.resolve();
    return this.mutate((bits) => {
      let changed = false;
      for (const v of values) {
        if (this.contains(v) && bits.has(v - this.first)) {
          bits.clear(v - this.first);
          changed = true;
        }
      }
      return { bits: changed ? bits : undefined, result: undefined };
    });
  }

  /** The stored state, read now (a damaged value reads as empty, flagged `damaged`). */
  read(): Promise<RangeSnapshot> {
    return this.serial(async () => {
      try {
        return await this.fetch();
      } catch (err) {
        if (!(err instanceof RangeAllocationError)) throw err;
        const kv = await this.store.get(this.key);
        return { bits: new RangeBitmap(this.size), rev: kv?.modRevision ?? 0, damaged: true };
      }
    });
  }

  /**
   * Replaces the stored bitmap if it is still at `rev` (0: still absent); false when another write
   * came first. The repair loop uses it to write what it rebuilt from a snapshot.
   */
  write(bits: RangeBitmap, rev: number): Promise<boolean> {
    return this.serial(async () => {
      try {
        await this.put(bits, rev);
        return true;
      } catch (err) {
        // Lost, or unknown whether it happened: either way what we knew is stale.
        this.cache = undefined;
        if (!isLostRace(err)) throw err;
        return false;
      }
    });
  }

  /** The allocated values, read now, ascending. */
  async allocated(): Promise<number[]> {
    return (await this.read()).bits.offsets().map((o) => this.first + o);
  }

  /** Picks a free offset: a random start above the band, wrapping; the band last. */
  private pick(bits: RangeBitmap): number | undefined {
    if (this.band < this.size) {
      const start = this.band + Math.floor(this.random() * (this.size - this.band));
      const off = bits.firstClear(start, this.size) ?? bits.firstClear(this.band, start);
      if (off !== undefined) return off;
    }
    return bits.firstClear(0, this.band);
  }

  /**
   * Runs `fn` on a copy of the newest known bitmap. When it returns `bits`, they are written with
   * compare-and-swap; on a lost race `fn` runs again on what won. When it returns no bits (a refusal
   * or nothing to change), the answer stands only if it was computed on a fresh read.
   */
  private mutate<T>(fn: (bits: RangeBitmap) => { bits?: RangeBitmap; result: T }): Promise<T> {
    return this.serial(async () => {
      let cur = this.cache;
      let fresh = false;
      for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
        if (!cur) {
          cur = await this.fetch();
          fresh = true;
        }
        const { bits, result } = fn(cur.bits.clone());
        if (!bits) {
          if (fresh) return result;
          cur = undefined;
          continue;
        }
        try {
          await this.put(bits, cur.rev);
          return result;
        } catch (err) {
          if (!isLostRace(err)) {
            // The write may or may not have happened: forget what we knew.
            this.cache = undefined;
            throw err;
          }
          // Conflict carries the winner's value; otherwise read it.
          const current = err instanceof StoreError && err.code === 'Conflict' ? err.current : undefined;
          cur = current ? this.decode(current) : undefined;
          this.cache = cur;
          fresh = !!cur;
          if (attempt >= 3) await pause(Math.min(attempt, 20) * this.random());
        }
      }
      throw new RangeAllocationError(
        `failed to update the allocation of ${this.range}: too many concurrent writers, try again`,
      );
    });
  }

  private async put(bits: RangeBitmap, rev: number): Promise<void> {
    const text = this.encode(bits);
    const kv = rev ? await this.store.update(this.key, text, rev) : await this.store.create(this.key, text);
    this.cache = { bits, rev: kv.modRevision };
  }

  private async fetch(): Promise<RangeSnapshot> {
    this.cache = undefined;
    const kv = await this.store.get(this.key);
    this.cache = kv ? this.decode(kv) : { bits: new RangeBitmap(this.size), rev: 0 };
    return this.cache;
  }

  /**
   * The etcd store counts a retried write whose exact text it finds in place as its own. A fresh
   * writeId per write keeps two processes that happen to compute the same bitmap from ever
   * mistaking each other's write for their own.
   */
  private encode(bits: RangeBitmap): string {
    const v: StoredRange = {
      kind: 'RangeAllocation',
      range: this.range,
      first: this.first,
      last: this.last,
      data: bits.encode(),
      writeId: randomUUID(),
    };
    return JSON.stringify(v);
  }

  /** Reads a stored value; one written for another range keeps the values that fall in this one. */
  private decode(kv: KeyValue): RangeSnapshot {
    let v: StoredRange;
    let stored: RangeBitmap;
    try {
      v = JSON.parse(kv.value) as StoredRange;
      stored = RangeBitmap.decode(v.last - v.first + 1, v.data);
    } catch (err) {
      throw new RangeAllocationError(
        `the allocation of ${this.range} at ${this.key} cannot be read (${(err as Error).message}); ` +
          'the repair loop rebuilds it from the Services',
      );
    }
    if (v.first === this.first && v.last === this.last) return { bits: stored, rev: kv.modRevision };
    const bits = new RangeBitmap(this.size);
    for (const off of stored.offsets())
      if (this.contains(v.first + off)) bits.set(v.first + off - this.first);
    return { bits, rev: kv.modRevision };
  }

  /** Runs operations on this key one after another. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function isLostRace(err: unknown): boolean {
  return (
    err instanceof StoreError &&
    (err.code === 'Conflict' || err.code === 'KeyExists' || err.code === 'NotFound')
  );
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
