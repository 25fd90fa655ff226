/**
 * The etcd datastore: `Store` on an etcd v3 cluster over gRPC. Revisions are etcd's own (header
 * revision, mod_revision, create_revision), so the API server's resourceVersions are etcd revisions,
 * as in Kubernetes.
 *
 * Writes are single Txns: create compares create_revision == 0; update and conditional delete compare
 * mod_revision (and create_revision > 0, so a missing key never matches an expected 0); the failure
 * branch reads the key, so Conflict carries the current value without a second round trip. A write
 * whose outcome is unknown (the member died or the leader changed while it waited) is sent again on
 * another member; a create or update that then finds its own value in place counts as done (Kubernetes
 * objects carry a uid and fresh metadata, so equal text means the same write). Keys are
 * stored under `prefix` (default none), which lets several Berth clusters or tests share one etcd.
 */
import { StoreError } from './types.ts';
import type { KeyValue, ListOptions, ListResult, Store, WatchHandlers } from './types.ts';
import { AmbiguousWriteError, EtcdClient, mapError } from './etcd-client.ts';
import type { EtcdClientOptions } from './etcd-client.ts';
import { startEtcdWatch } from './etcd-watch.ts';
import type { EtcdWatch, EtcdWatchHandlers } from './etcd-watch.ts';
import type {
  Compare,
  RangeRequest,
  RangeResponse,
  ResponseOp,
  TxnRequest,
  TxnResponse,
  WireKeyValue,
} from './etcd-wire.ts';
import { prefixEnd } from './etcd-keys.ts';

export interface EtcdStoreOptions extends EtcdClientOptions {
  /** Prepended to every key in etcd (default ''). */
  prefix?: string;
}

/** A `Store` on an etcd cluster; several Berth API servers may share one. */
export class EtcdStore implements Store {
  readonly prefix: string;
  readonly #client: EtcdClient;
  readonly #prefixBytes: number;
  readonly #watches = new Set<{ fail(err: StoreError): void }>();
  /** A lower bound on etcd's compacted revision, raised by what this store learns. */
  #compactedAtLeast = 0;
  #closed = false;

  constructor(client: EtcdClient, prefix: string) {
    this.#client = client;
    this.prefix = prefix;
    this.#prefixBytes = Buffer.byteLength(prefix);
  }

  /** The endpoint calls go to now (changes on failover). */
  get endpoint(): string {
    return this.#client.currentEndpoint;
  }

  async currentRevision(): Promise<number> {
    const res = await this.#range({ key: this.#key('\0'), count_only: true });
    return res.header.revision;
  }

  /**
   * etcd does not report its compacted revision directly: the oldest readable revision is found by
   * probing reads (one round trip when nothing changed since the last answer, a binary search else).
   */
  async compactedRevision(): Promise<number> {
    const probe = this.#key('\0');
    const readable = async (rev: number): Promise<boolean> => {
      try {
        await this.#range({ key: probe, count_only: true, revision: rev });
        return true;
      } catch (err) {
        if (err instanceof StoreError && err.code === 'Compacted') return false;
        throw err;
      }
    };
    let lo = Math.max(this.#compactedAtLeast, 1);
    if (await readable(lo)) return this.#compactedAtLeast;
    let hi = await this.currentRevision(); // always readable
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    this.#compactedAtLeast = Math.max(this.#compactedAtLeast, hi);
    return hi;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const res = await this.#range({ key: this.#key(key), revision: revision ?? 0 }, revision);
    return res.kvs.length > 0 ? this.#kv(res.kvs[0]) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const start = this.#key(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const key = opts.after !== undefined ? this.#key(`${opts.after}\0`) : start;
    const res = await this.#range(
      { key, range_end: prefixEnd(start), limit, revision: opts.revision ?? 0 },
      opts.revision,
    );
    const kvs = res.kvs.map((kv) => this.#kv(kv));
    return {
      kvs,
      // etcd's header carries the newest revision; a read at an older one answers as of that one.
      revision: opts.revision || res.header.revision,
      more: res.more,
      remaining: res.count - kvs.length,
    };
  }

  async count(prefix: string): Promise<number> {
    const start = this.#key(prefix);
    return (await this.#range({ key: start, range_end: prefixEnd(start), count_only: true })).count;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.#key(checkKey(key));
    const { res, retried } = await this.#txn({
      compare: [{ result: 'EQUAL', target: 'CREATE', key: k, create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(checkValue(value)) } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) {
      const current = res.responses[0]?.response_range?.kvs[0];
      // Our own earlier attempt may have created it: the same value means it did.
      if (retried && current && current.value.toString('utf8') === value) return this.#kv(current);
      throw new StoreError('KeyExists', `key ${key} already exists`);
    }
    const rev = res.header.revision;
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const k = this.#key(checkKey(key));
    const { res, retried } = await this.#txn({
      compare: [...exists(k), { result: 'EQUAL', target: 'MOD', key: k, mod_revision: expectedModRevision }],
      success: [{ request_put: { key: k, value: Buffer.from(checkValue(value)), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) {
      const current = res.responses[0]?.response_range?.kvs[0];
      if (
        retried &&
        current &&
        current.mod_revision > expectedModRevision &&
        current.value.toString('utf8') === value
      ) {
        return this.#kv(current);
      }
      throw this.#conflict(key, expectedModRevision, res.responses);
    }
    const prev = res.responses[0]?.response_put?.prev_kv;
    const rev = res.header.revision;
    return { key, value, createRevision: prev?.create_revision ?? rev, modRevision: rev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const k = this.#key(checkKey(key));
    const compare = exists(k);
    if (expectedModRevision !== undefined) {
      compare.push({ result: 'EQUAL', target: 'MOD', key: k, mod_revision: expectedModRevision });
    }
    const { res, retried } = await this.#txn({
      compare,
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) {
      // Gone after an attempt of unknown outcome: ours may have deleted it, but its value is lost.
      if (retried && !res.responses[0]?.response_range?.kvs[0]) {
        throw new AmbiguousWriteError(`delete of ${key} may have been applied`);
      }
      throw this.#conflict(key, expectedModRevision, res.responses);
    }
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (!prev) throw new StoreError('NotFound', `key ${key} not found`);
    return {
      key,
      value: prev.value.toString('utf8'),
      createRevision: prev.create_revision,
      modRevision: res.header.revision,
    };
  }

  /** See EtcdWatchHandlers: pass onProgress to learn how far a quiet prefix has been delivered. */
  watch(prefix: string, afterRevision: number, handlers: WatchHandlers | EtcdWatchHandlers): EtcdWatch {
    if (this.#closed) {
      queueMicrotask(() => handlers.onError(closedError()));
      return { close: () => {}, requestProgress: () => {} };
    }
    const start = this.#key(prefix);
    // Closing the store ends the watch with Closed; close() itself reports nothing.
    const entry = {
      fail: (err: StoreError) => {
        w.close();
        handlers.onError(err);
      },
    };
    const w = startEtcdWatch(
      this.#client,
      { key: start, rangeEnd: prefixEnd(start), decodeKey: (b) => this.#unkey(b) },
      afterRevision,
      {
        onEvents: (ev) => handlers.onEvents(ev),
        onError: (err) => {
          if (err.code === 'Compacted') this.#noteCompacted(err);
          handlers.onError(err);
        },
        onProgress: (rev) => (handlers as EtcdWatchHandlers).onProgress?.(rev),
      },
      () => this.#watches.delete(entry),
    );
    this.#watches.add(entry);
    return w;
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.#client.call('Compact', { revision }, 'read');
      this.#compactedAtLeast = Math.max(this.#compactedAtLeast, revision);
    } catch (err) {
      // Compacting at or below the compacted revision has nothing left to do.
      if (err instanceof StoreError && err.code === 'Compacted') return;
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#watches]) w.fail(closedError());
    this.#client.close();
  }

  /**
   * Sends a write Txn; after an AmbiguousWriteError sends it again (its compares make a repeat
   * harmless) and reports `retried`, so the caller can recognise its own earlier success.
   */
  async #txn(req: TxnRequest): Promise<{ res: TxnResponse; retried: boolean }> {
    let retried = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return { res: await this.#client.call('Txn', req, 'write'), retried };
      } catch (err) {
        if (!(err instanceof AmbiguousWriteError) || attempt >= 2) throw err;
        retried = true;
      }
    }
  }

  async #range(req: RangeRequest, revision?: number): Promise<RangeResponse> {
    try {
      return await this.#client.call('Range', req, 'read');
    } catch (err) {
      const e = mapError(err);
      if (e.code === 'Compacted' && revision)
        this.#compactedAtLeast = Math.max(this.#compactedAtLeast, revision + 1);
      throw e;
    }
  }

  #conflict(key: string, expected: number | undefined, responses: ResponseOp[]): StoreError {
    const current = responses[0]?.response_range?.kvs[0];
    if (!current) return new StoreError('NotFound', `key ${key} not found`);
    return new StoreError(
      'Conflict',
      `key ${key} was modified at revision ${current.mod_revision}, expected ${expected}`,
      this.#kv(current),
    );
  }

  #noteCompacted(err: StoreError): void {
    const m = /compacted revision (\d+)/.exec(err.message);
    if (m) this.#compactedAtLeast = Math.max(this.#compactedAtLeast, Number(m[1]));
  }

  #key(key: string): Buffer {
    if (this.#closed) throw closedError();
    return Buffer.from(this.prefix + key, 'utf8');
  }

  #unkey(key: Buffer): string {
    return key.subarray(this.#prefixBytes).toString('utf8');
  }

  #kv(kv: WireKeyValue): KeyValue {
    return {
      key: this.#unkey(kv.key),
      value: kv.value.toString('utf8'),
      createRevision: kv.create_revision,
      modRevision: kv.mod_revision,
    };
  }
}

/**
 * Connects to the first etcd endpoint that answers and returns the store; rejects with StoreError
 * Unavailable when none does. Later calls fail over to the next endpoint on UNAVAILABLE.
 */
export async function openEtcdStore(opts: EtcdStoreOptions): Promise<EtcdStore> {
  const client = new EtcdClient(opts);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw err;
  }
  return new EtcdStore(client, opts.prefix ?? '');
}

function exists(key: Buffer): Compare[] {
  return [{ result: 'GREATER', target: 'CREATE', key, create_revision: 0 }];
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new TypeError('store key must be a non-empty string');
  return key;
}

function checkValue(value: string): string {
  if (typeof value !== 'string') throw new TypeError('store value must be a string');
  return value;
}

function closedError(): StoreError {
  return new StoreError('Closed', 'store is closed');
}
