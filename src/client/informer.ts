/**
 * A shared informer: one reflector filling one Store, and any number of handlers told about each
 * change (onAdd, onUpdate(old, new), onDelete). Handlers receive the cache's own frozen objects and
 * should only enqueue keys (see workqueue.ts); `reconcile` then reads through the lister. After a
 * relist, objects that vanished without a DELETED event reach onDelete as a DeletedFinalStateUnknown
 * tombstone holding the last state the cache knew. A periodic resync replays onUpdate(obj, obj)
 * for everything cached, so level-triggered controllers revisit every object now and then.
 */
import type { DeepReadonly, KubeObject } from '../api/object.ts';
import type { Client, ResourceClient } from './client.ts';
import { realClock, type Clock, type ClockTimer } from './clock.ts';
import { stderrLogger, type ClientLogger } from './logger.ts';
import { Reflector, type ReflectorSink } from './reflector.ts';
import { frozenCopy, lister, metaNamespaceKey, Store, type IndexFunc, type Lister } from './store.ts';

/** What onDelete gets for an object that disappeared while the watch was down. */
export interface DeletedFinalStateUnknown<T extends KubeObject> {
  readonly tombstone: true;
  readonly key: string;
  /** The last state the cache held; it may be stale. */
  readonly obj: DeepReadonly<T>;
}

/** True when onDelete got a tombstone rather than the object. */
export function isTombstone<T extends KubeObject>(
  v: DeepReadonly<T> | DeletedFinalStateUnknown<T>,
): v is DeletedFinalStateUnknown<T> {
  return 'tombstone' in v && v.tombstone === true;
}

/** The object behind an onDelete argument, tombstone or not. */
export function deletedObject<T extends KubeObject>(
  v: DeepReadonly<T> | DeletedFinalStateUnknown<T>,
): DeepReadonly<T> {
  return isTombstone(v) ? v.obj : (v as DeepReadonly<T>);
}

export interface EventHandler<T extends KubeObject> {
  /** `isInInitialList`: the object came with the first list (or was cached before the handler joined). */
  onAdd?(obj: DeepReadonly<T>, isInInitialList: boolean): void;
  onUpdate?(oldObj: DeepReadonly<T>, newObj: DeepReadonly<T>): void;
  onDelete?(obj: DeepReadonly<T> | DeletedFinalStateUnknown<T>): void;
}

export interface InformerOptions<T extends KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replay onUpdate(obj, obj) for every cached object this often; 0 (default) never. */
  resyncPeriodMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  backoffMs?: { initial: number; max: number };
  clock?: Clock;
  logger?: ClientLogger;
  /**
   * Trims each object before it is cached (client-go's SetTransform), e.g. `withoutManagedFields`
   * for a cache that never reads them. It must not change its argument (a watched object may be
   * frozen and shared): return a new object, sharing what it keeps.
   */
  transform?: (obj: T) => T;
}

/**
 * A transform for informers that never read metadata.managedFields: usually half of an object's
 * memory.
 */
export function withoutManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** One resource's cache plus change notifications. */
export class SharedInformer<T extends KubeObject = KubeObject> implements ReflectorSink<T> {
  readonly store: Store<T>;
  readonly lister: Lister<T>;
  readonly client: ResourceClient<T>;
  private readonly o: InformerOptions<T>;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly syncWaiters = new Set<() => void>();
  private reflector: Reflector<T> | undefined;
  private resyncTimer: ClockTimer | undefined;
  private synced = false;
  private stopped = false;

  constructor(client: ResourceClient<T>, opts: InformerOptions<T> = {}) {
    this.client = client;
    this.o = opts;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? stderrLogger;
    this.store = new Store<T>(opts.indexers);
    this.lister = lister(this.store);
  }

  /** Registers a handler; if the cache is already filled it first gets onAdd for each object. Returns a remover. */
  addEventHandler(h: EventHandler<T>): () => void {
    this.handlers.add(h);
    if (this.synced) for (const obj of this.store.list()) this.call(h, 'onAdd', () => h.onAdd?.(obj, true));
    return () => this.handlers.delete(h);
  }

  /** Starts listing and watching (once). */
  run(): void {
    if (this.reflector || this.stopped) return;
    this.reflector = new Reflector<T>({
      client: this.client,
      sink: this,
      namespace: this.o.namespace,
      labelSelector: this.o.labelSelector,
      fieldSelector: this.o.fieldSelector,
      pageSize: this.o.pageSize,
      watchTimeoutSeconds: this.o.watchTimeoutSeconds,
      backoffMs: this.o.backoffMs,
      clock: this.clock,
      logger: this.log,
      transform: this.o.transform,
    });
    void this.reflector.run();
    this.scheduleResync();
  }

  /** Stops the reflector and the resync timer; resolves when the watch is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.resyncTimer?.cancel();
    for (const w of this.syncWaiters) w();
    await this.reflector?.stop();
  }

  /** True once the first complete list has been delivered. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** resourceVersion the cache reflects (of the last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.reflector?.lastSyncResourceVersion ?? '';
  }

  /** Resolves true once synced, false if stopped (or `signal` aborts) first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        this.syncWaiters.delete(done);
        resolve(this.synced);
      };
      this.syncWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  replace(items: T[], _resourceVersion: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const item of items) {
      const { stored, old } = this.store.upsert(item);
      seen.add(metaNamespaceKey(stored));
      if (!old) this.notify('onAdd', (h) => h.onAdd?.(stored, initial));
      else if (old.metadata.resourceVersion !== stored.metadata.resourceVersion)
        this.notify('onUpdate', (h) => h.onUpdate?.(old, stored));
    }
    for (const key of this.store.listKeys()) {
      if (seen.has(key)) continue;
      const old = this.store.deleteKey(key);
      if (old) {
        const tomb: DeletedFinalStateUnknown<T> = { tombstone: true, key, obj: old };
        this.notify('onDelete', (h) => h.onDelete?.(tomb));
      }
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of [...this.syncWaiters]) w();
    }
  }

  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    if (type === 'DELETED') {
      const old = this.store.deleteKey(metaNamespaceKey(obj));
      const last =
        old && old.metadata.resourceVersion === obj.metadata.resourceVersion ? old : frozenCopy(obj);
      this.notify('onDelete', (h) => h.onDelete?.(last));
      return;
    }
    const { stored, old } = this.store.upsert(obj);
    if (old) this.notify('onUpdate', (h) => h.onUpdate?.(old, stored));
    else this.notify('onAdd', (h) => h.onAdd?.(stored, false));
  }

  /** Replays onUpdate(obj, obj) for every cached object now (the periodic resync calls this). */
  resync(): void {
    for (const obj of this.store.list()) this.notify('onUpdate', (h) => h.onUpdate?.(obj, obj));
  }

  private scheduleResync(): void {
    const period = this.o.resyncPeriodMs ?? 0;
    if (period <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.after(period, () => {
      if (this.synced) this.resync();
      this.scheduleResync();
    });
  }

  private notify(which: keyof EventHandler<T>, fn: (h: EventHandler<T>) => void): void {
    for (const h of this.handlers) this.call(h, which, () => fn(h));
  }

  /** A throwing handler must not break the cache or the other handlers; it is logged. */
  private call(_h: EventHandler<T>, which: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const { group, version, resource } = this.client;
      this.log.error(
        { err, handler: which, resource: `${group}/${version}/${resource}` },
        'informer event handler threw',
      );
    }
  }
}

export interface InformerFactoryOptions {
  /** Default resync for informers made by this factory (0 = never). */
  resyncPeriodMs?: number;
  /** Restrict every informer to one namespace. */
  namespace?: string;
  clock?: Clock;
  logger?: ClientLogger;
}

/** Informers shared per resource (and selector), so many controllers watch each resource once. */
export interface InformerFactory {
  forResource<T extends KubeObject = KubeObject>(
    group: string,
    version: string,
    resource: string,
    opts?: Pick<InformerOptions<T>, 'labelSelector' | 'fieldSelector' | 'indexers'>,
  ): SharedInformer<T>;
  /** Runs every informer made so far (informers made later need another start). */
  start(): void;
  /** Resolves true when every informer made so far has synced; false when stopped or aborted first. */
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  shutdown(): Promise<void>;
}

/** An informer factory over `client`. */
export function informerFactory(client: Client, opts: InformerFactoryOptions = {}): InformerFactory {
  const informers = new Map<string, SharedInformer<KubeObject>>();
  return {
    forResource<T extends KubeObject>(
      group: string,
      version: string,
      resource: string,
      o: Pick<InformerOptions<T>, 'labelSelector' | 'fieldSelector' | 'indexers'> = {},
    ) {
      const key = JSON.stringify([group, version, resource, o.labelSelector ?? '', o.fieldSelector ?? '']);
      let inf = informers.get(key) as SharedInformer<T> | undefined;
      if (!inf) {
        inf = new SharedInformer<T>(client.resource<T>(group, version, resource), {
          ...opts,
          ...o,
          indexers: {},
        });
        informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      }
      // A second caller may bring more indexers; ones already present (by name) are shared.
      const fresh = Object.entries(o.indexers ?? {}).filter(([name]) => !inf.store.hasIndex(name));
      if (fresh.length) inf.store.addIndexers(Object.fromEntries(fresh));
      return inf;
    },
    start() {
      for (const inf of informers.values()) inf.run();
    },
    async waitForCacheSync(signal) {
      const results = await Promise.all([...informers.values()].map((i) => i.waitForSync(signal)));
      return results.every(Boolean);
    },
    async shutdown() {
      await Promise.all([...informers.values()].map((i) => i.stop()));
    },
  };
}
