/**
 * The API's runtime: the kind registry, one watch cache per stored resource and one ResourceStore per
 * served kind, sharing the caches where kinds share storage. Built once at start; handlers look kinds
 * up here.
 */
import type { KindDef } from '../api/kinds/types.ts';
import { KindRegistry } from '../api/kinds/registry.ts';
import type { Store } from '../store/types.ts';
import type { AdmissionPlugin } from './admission/types.ts';
import { resourcePrefix } from './registry/keys.ts';
import { ResourceStore } from './registry/resource-store.ts';
import { WatchCache } from './watchcache.ts';

export class Api {
  readonly registry: KindRegistry;
  readonly store: Store;
  private readonly caches = new Map<string, WatchCache>();
  private readonly stores = new Map<KindDef, ResourceStore>();
  readonly admission: AdmissionPlugin[] = [];
  private readonly log: (msg: string, extra?: Record<string, unknown>) => void;

  constructor(
    registry: KindRegistry,
    store: Store,
    log: (msg: string, extra?: Record<string, unknown>) => void,
  ) {
    this.registry = registry;
    this.store = store;
    this.log = log;
  }

  /** The watch cache for a stored resource, created (not yet started) on first use. */
  cacheFor(group: string, resource: string): WatchCache {
    const prefix = resourcePrefix(group, resource);
    let c = this.caches.get(prefix);
    if (!c) {
      c = new WatchCache(this.store, prefix, { log: this.log });
      this.caches.set(prefix, c);
    }
    return c;
  }

  /** The generic store serving a kind. */
  storeFor(kind: KindDef): ResourceStore {
    let rs = this.stores.get(kind);
    if (!rs) {
      const storage = this.registry.storageOf(kind);
      rs = new ResourceStore(
        kind,
        this.registry,
        this.store,
        this.cacheFor(storage.group, storage.resource),
        this.admission,
      );
      this.stores.set(kind, rs);
    }
    return rs;
  }

  /** The ResourceStore for group/resource at its preferred version (for internal callers). */
  resource(group: string, resource: string): ResourceStore {
    const g = this.registry.groups().find((x) => x.group === group);
    for (const v of g?.versions ?? []) {
      const k = this.registry.byGVR(group, v, resource);
      if (k && !k.storedAs) return this.storeFor(k);
    }
    for (const v of g?.versions ?? []) {
      const k = this.registry.byGVR(group, v, resource);
      if (k) return this.storeFor(k);
    }
    throw new Error(`no such resource ${resource}.${group}`);
  }

  /** Starts the caches of every stored kind (lists them once) so the first requests are fast. */
  async warm(): Promise<void> {
    const started: Promise<void>[] = [];
    for (const k of this.registry.kinds()) {
      if (k.virtual) continue;
      started.push(this.storeFor(k).cache.start());
    }
    await Promise.all(started);
  }

  watchCaches(): WatchCache[] {
    return [...this.caches.values()];
  }

  stop(): void {
    for (const c of this.caches.values()) c.stop();
  }
}
