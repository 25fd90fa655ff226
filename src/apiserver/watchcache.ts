/**
 * The watch cache: one per stored resource. It lists the resource once, then follows one store watch,
 * keeping every current object in memory (parsed, read-only, with its JSON text built at most once) and a
 * bounded window of recent events. Lists and watches are served from it, so N watchers cost one store
 * watch, and an event is encoded once however many watchers receive it.
 *
 * Revision invariant: `revision` is the newest store revision up to which this cache has applied every
 * event. The SQLite store delivers events synchronously right after each commit, so after awaiting
 * `store.currentRevision()` every event up to that revision has been applied here. etcd's events can
 * trail its reads, so there `syncTo` asks the watch for a progress notice and waits until the cache has
 * caught up with the revision it read.
 */
import type { KubeObject } from '../api/object.ts';
import { expired, StatusError } from '../api/errors.ts';
import type { Store, Watch, WatchEvent } from '../store/types.ts';

/** An object as the cache holds it. Never mutate `obj`: clone it first. */
export class CachedObject {
  readonly key: string;
  readonly obj: KubeObject;
  readonly revision: number;
  private text: string | undefined;
  constructor(key: string, obj: KubeObject, revision: number, text?: string) {
    this.key = key;
    this.obj = obj;
    this.revision = revision;
    this.text = text;
  }
  /** The object's JSON text, built once. */
  json(): string {
    if (this.text === undefined) this.text = JSON.stringify(this.obj);
    return this.text;
  }
  /** The JSON text if it has been built already (never builds it: an unread text would only take memory). */
  builtJson(): string | undefined {
    return this.text;
  }
  /** A private, mutable copy. */
  clone(): KubeObject {
    return JSON.parse(this.json()) as KubeObject;
  }
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change as watchers see it. `memo` lets encoders cache their output per event. */
export interface CacheEvent {
  type: EventType;
  object: CachedObject;
  /** The object before this change (for MODIFIED and DELETED), to decide filter transitions. */
  prev?: CachedObject;
  revision: number;
  /** Encoded forms by encoder key; made on first use (most events reach one rendering at most). */
  memo?: Map<string, string>;
}

export interface CacheWatcher {
  /** Called with events in revision order. Must not throw and must not block. */
  deliver(events: CacheEvent[]): void;
  /**
   * The cache stopped: the watcher ends its stream, with an ERROR event carrying `reason` when given
   * (410 when the store watch broke, so clients relist; none on shutdown, a plain end of stream).
   */
  terminate(reason?: StatusError): void;
}

/** Turns stored JSON into the object clients see: resourceVersion is the write's revision. */
export function decodeStored(value: string, revision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export interface WatchCacheOptions {
  /** How many recent events to keep for watches that resume from a resourceVersion. */
  capacity?: number;
  /** Called once per decoded stored object (e.g. to convert storage form to served form). */
  decode?: (value: string, revision: number) => KubeObject;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export class WatchCache {
  readonly prefix: string;
  private readonly store: Store;
  private readonly objects = new Map<string, CachedObject>();
  private sortedKeys: string[] | null = null;
  private readonly events: CacheEvent[] = [];
  private eventsStart = 0;
  private readonly capacity: number;
  /** Events with revision > bufferStart are all in `events`. */
  private bufferStart = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private storeWatch: Watch | undefined;
  private readonly decode: (value: string, revision: number) => KubeObject;
  private readonly log: (msg: string, extra?: Record<string, unknown>) => void;
  revision = 0;
  /**
   * Grows with every change to the cached objects (each event applied, each reload). Something
   * derived from the objects — RBAC's decisions — is current while this has not moved.
   */
  changes = 0;
  private ready: Promise<void> | undefined;

  constructor(store: Store, prefix: string, opts: WatchCacheOptions = {}) {
    this.store = store;
    this.prefix = prefix;
    this.capacity = opts.capacity ?? 10_000;
    this.decode = opts.decode ?? decodeStored;
    this.log = opts.log ?? (() => {});
  }

  /** Lists and starts following the store; resolves when the cache is complete. */
  start(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  private async load(): Promise<void> {
    const list = await this.store.list(this.prefix);
    for (const kv of list.kvs) {
      this.objects.set(
        kv.key,
        new CachedObject(kv.key, this.decode(kv.value, kv.modRevision), kv.modRevision),
      );
    }
    this.revision = list.revision;
    this.bufferStart = list.revision;
    this.changes++;
    this.storeWatch = this.store.watch(this.prefix, list.revision, {
      onEvents: (events) => this.apply(events),
      onProgress: (rev) => this.advance(rev),
      onError: (err) => {
        this.log('watch cache lost its store watch', { prefix: this.prefix, error: err.message });
        for (const w of this.watchers)
          w.terminate(expired(`the watch cache lost its store watch (${err.message}); relist`));
        this.watchers.clear();
        // Start over: a fresh list rebuilds the cache; watchers relist on their side.
        this.storeWatch = undefined;
        this.objects.clear();
        this.changes++;
        this.sortedKeys = null;
        this.events.length = 0;
        this.eventsStart = 0;
        if (err.code !== 'Closed') {
          this.ready = this.load();
          this.ready.catch((e: Error) =>
            this.log('watch cache reload failed', { prefix: this.prefix, error: e.message }),
          );
        }
      },
    });
  }

  private apply(raw: WatchEvent[]): void {
    const out: CacheEvent[] = [];
    for (const e of raw) {
      const prev = this.objects.get(e.key);
      let ev: CacheEvent;
      if (e.type === 'put') {
        const obj = new CachedObject(e.key, this.decode(e.value, e.revision), e.revision);
        if (!prev) this.sortedKeys = null;
        this.objects.set(e.key, obj);
        ev = { type: prev ? 'MODIFIED' : 'ADDED', object: obj, prev, revision: e.revision };
      } else {
        const last = new CachedObject(e.key, this.decode(e.value, e.revision), e.revision);
        this.objects.delete(e.key);
        this.sortedKeys = null;
        ev = { type: 'DELETED', object: last, prev: prev ?? last, revision: e.revision };
      }
      this.events.push(ev);
      out.push(ev);
    }
    // Keep a bounded window; what falls out raises the oldest revision a watch can resume from.
    const excess = this.events.length - this.eventsStart - this.capacity;
    if (excess > 0) {
      this.bufferStart = this.events[this.eventsStart + excess - 1].revision;
      this.eventsStart += excess;
      if (this.eventsStart > this.capacity) {
        this.events.splice(0, this.eventsStart);
        this.eventsStart = 0;
      }
    }
    this.changes += raw.length;
    for (const w of this.watchers) w.deliver(out);
    if (raw.length) this.advance(raw[raw.length - 1].revision);
  }

  /** A progress notice: nothing up to `rev` is missing here. */
  private advance(rev: number): void {
    if (rev <= this.revision) return;
    this.revision = rev;
    for (const w of [...this.waiters]) if (w.rev <= rev) w.done();
  }

  private readonly waiters = new Set<{ rev: number; done: () => void }>();

  /**
   * Waits until every event up to the store's current revision is applied; returns that revision.
   * Backends with progress notices are asked for one and waited for (at most `timeoutMs`, then
   * 504 so the client retries); SQLite needs no wait.
   */
  async syncTo(timeoutMs = 3000): Promise<number> {
    await this.start();
    const rev = await this.store.currentRevision();
    const w = this.storeWatch;
    if (!w?.requestProgress) {
      if (rev > this.revision) this.revision = rev;
      return this.revision;
    }
    if (this.revision >= rev) return this.revision;
    await new Promise<void>((resolve, reject) => {
      const entry = {
        rev,
        done: () => {
          clearInterval(ask);
          clearTimeout(timer);
          this.waiters.delete(entry);
          resolve();
        },
      };
      const ask = setInterval(() => w.requestProgress?.(), 100);
      const timer = setTimeout(() => {
        clearInterval(ask);
        this.waiters.delete(entry);
        reject(
          new StatusError(
            504,
            'Timeout',
            `the watch cache has not caught up with revision ${rev} yet; try again`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(entry);
      w.requestProgress?.();
    });
    return this.revision;
  }

  /**
   * True when syncTo cannot be trusted to catch up (the store's progress notices may overtake its
   * events: etcd before 3.4.24 / 3.5.8): consistent lists then read the store, as kube-apiserver
   * did before it served them from its cache.
   */
  get consistentListsNeedStore(): boolean {
    return this.storeWatch?.progressOrdered === false;
  }

  /**
   * True when a read of the cache is as fresh as a read of the store at any instant (SQLite, which
   * delivers events synchronously). Otherwise consistent single-object reads go to the store.
   */
  get servesConsistentReads(): boolean {
    return !this.storeWatch?.requestProgress;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /** Objects whose keys start with `prefix` (a namespace's prefix, or the whole resource), in key order. */
  list(prefix: string): CachedObject[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.objects.keys()].sort();
    const keys = this.sortedKeys;
    let lo = 0;
    if (prefix !== this.prefix) {
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid] < prefix) lo = mid + 1;
        else hi = mid;
      }
    }
    const out: CachedObject[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.objects.get(keys[i])!);
    return out;
  }

  size(): number {
    return this.objects.size;
  }

  /**
   * Events after `revision`, to resume a watch. 410 Expired when they have left the window, as
   * Kubernetes answers "too old resource version".
   */
  since(revision: number): CacheEvent[] {
    if (revision < this.bufferStart) {
      throw expired(`too old resource version: ${revision} (${this.bufferStart})`);
    }
    const out: CacheEvent[] = [];
    for (let i = this.events.length - 1; i >= this.eventsStart; i--) {
      if (this.events[i].revision <= revision) break;
      out.push(this.events[i]);
    }
    return out.reverse();
  }

  addWatcher(w: CacheWatcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  watcherCount(): number {
    return this.watchers.size;
  }

  stop(): void {
    this.storeWatch?.close();
    this.storeWatch = undefined;
    for (const w of this.watchers) w.terminate();
    this.watchers.clear();
  }
}
