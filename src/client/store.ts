/**
 * The informer's cache: objects by `namespace/name` key (just `name` when cluster-scoped), with
 * named indexes kept in step on every write. Stored objects are deep-frozen copies, so everything
 * a lister or handler receives is the cache's own object and still cannot be changed through it —
 * the DeepReadonly type says the same at compile time. Clone (structuredClone) before changing.
 * Writes are synchronous, so under Node's single thread every read sees a consistent cache.
 */
import type { DeepReadonly, KubeObject } from '../api/object.ts';
import { matchesLabels, parseLabelSelector } from '../api/selectors/labels.ts';

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function metaNamespaceKey(obj: { metadata: { name?: string; namespace?: string } }): string {
  const { name = '', namespace } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key back into namespace ('' when cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Index values of one object under one index (an object may sit under several values). */
export type IndexFunc<T extends KubeObject> = (obj: DeepReadonly<T>) => string[];

/** The index every informer has: objects by namespace. */
export const namespaceIndex = 'namespace';
export const byNamespace: IndexFunc<KubeObject> = (o) => [o.metadata.namespace ?? ''];

/** Deep-freezes a fresh copy of `obj`; the copy is what the cache shares. */
export function frozenCopy<T>(obj: T): DeepReadonly<T> {
  return deepFreeze(structuredClone(obj)) as DeepReadonly<T>;
}

/**
 * Deep-freezes `obj` itself, no copy: for objects nobody else holds, such as what a list or watch
 * just decoded. The cache then keeps them as they are (a frozen object is never copied again).
 */
export function freezeOwned<T>(obj: T): T {
  return deepFreeze(obj) as T;
}

function deepFreeze(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

/** A keyed, indexed cache of read-only objects. */
export class Store<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, DeepReadonly<T>>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [namespaceIndex]: byNamespace as IndexFunc<T>, ...indexers });
  }

  /** Adds indexes (also over what is already cached). Throws if a name is taken. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new Error(`indexer ${JSON.stringify(name)} already exists`);
      this.indexers.set(name, fn);
      this.indices.set(name, new Map());
      for (const [key, obj] of this.items) this.indexOne(name, key, obj, true);
    }
  }

  /** Inserts or replaces; returns the stored (frozen) object and the one it replaced. */
  upsert(obj: T | DeepReadonly<T>): { stored: DeepReadonly<T>; old: DeepReadonly<T> | undefined } {
    const stored = (Object.isFrozen(obj) ? obj : frozenCopy(obj)) as DeepReadonly<T>;
    const key = metaNamespaceKey(stored);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, stored);
    for (const name of this.indexers.keys()) this.indexOne(name, key, stored, true);
    return { stored, old };
  }

  /** Removes by key; returns what was cached, if anything. */
  deleteKey(key: string): DeepReadonly<T> | undefined {
    const old = this.items.get(key);
    if (old) {
      this.unindex(key, old);
      this.items.delete(key);
    }
    return old;
  }

  get(key: string): DeepReadonly<T> | undefined {
    return this.items.get(key);
  }

  list(): DeepReadonly<T>[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects whose `indexName` values include `value`. Throws for an unknown index. */
  byIndex(indexName: string, value: string): DeepReadonly<T>[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k) as DeepReadonly<T>);
  }

  hasIndex(indexName: string): boolean {
    return this.indexers.has(indexName);
  }

  /** Keys whose `indexName` values include `value`. */
  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** Every value `indexName` currently has objects under. */
  indexValues(indexName: string): string[] {
    return [...(this.indices.get(indexName)?.keys() ?? [])];
  }

  private indexOne(name: string, key: string, obj: DeepReadonly<T>, add: boolean): void {
    const index = this.indices.get(name) as Map<string, Set<string>>;
    const fn = this.indexers.get(name) as IndexFunc<T>;
    for (const value of new Set(fn(obj))) {
      let keys = index.get(value);
      if (add) {
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      } else if (keys) {
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }

  private unindex(key: string, obj: DeepReadonly<T>): void {
    for (const name of this.indexers.keys()) this.indexOne(name, key, obj, false);
  }
}

/** Read access to a Store the way controllers want it: by namespace and name, with selectors. */
export interface Lister<T extends KubeObject> {
  /** All cached objects matching the label selector (string form, '' for all). */
  list(labelSelector?: string): DeepReadonly<T>[];
  get(namespace: string, name: string): DeepReadonly<T> | undefined;
  namespace(ns: string): {
    list(labelSelector?: string): DeepReadonly<T>[];
    get(name: string): DeepReadonly<T> | undefined;
  };
}

/** A Lister over `store`. */
export function lister<T extends KubeObject>(store: Store<T>): Lister<T> {
  const select = (objs: DeepReadonly<T>[], labelSelector = ''): DeepReadonly<T>[] => {
    if (labelSelector === '') return objs;
    const sel = parseLabelSelector(labelSelector);
    return objs.filter((o) => matchesLabels(sel, o.metadata.labels));
  };
  const get = (ns: string, name: string): DeepReadonly<T> | undefined =>
    store.get(ns ? `${ns}/${name}` : name);
  return {
    list: (labelSelector) => select(store.list(), labelSelector),
    get,
    namespace: (ns) => ({
      list: (labelSelector) => select(store.byIndex(namespaceIndex, ns), labelSelector),
      get: (name) => get(ns, name),
    }),
  };
}
