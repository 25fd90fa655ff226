/**
 * The generic store of one kind: create, get, list, update, patch, delete and watch over the datastore
 * and the watch cache, running the kind's strategy hooks and the admission plugins in one fixed order
 * (decode → defaults → prepare → validate → admission → write). Only this layer writes to the Store.
 *
 * Concurrency: every write is a compare-and-swap on the stored modRevision. Writes that named a
 * resourceVersion fail with 409 on a lost race; writes that did not (unconditional PUT, most patches)
 * re-read and re-apply, as Kubernetes' GuaranteedUpdate does.
 */
import {
  alreadyExists,
  badRequest,
  conflict,
  conflictModified,
  notFound,
  StatusError,
  type FieldError,
} from '../../api/errors.ts';
import { formatApiVersion, type KubeObject } from '../../api/object.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import type { KindRegistry } from '../../api/kinds/registry.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/meta.ts';
import { StoreError, type Store } from '../../store/types.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../admission/types.ts';
import { decodeStored, type CachedObject, type WatchCache } from '../watchcache.ts';
import type { RequestContext } from './context.ts';
import { decodeForWrite, invalidObject } from './decode.ts';
import { recordManagedFields, sameManaged } from './field-manager.ts';
import { namespacePrefix, objectKey, resourcePrefix } from './keys.ts';
import { prepareMetaForCreate, prepareMetaForUpdate, sameObject } from './meta.ts';

/** A write's outcome: the object as stored (or as it would be, for dry runs). */
export interface WriteResult {
  obj: KubeObject;
  /** True when the write created the object (PUT with create-on-update answers 201). */
  created?: boolean;
}

const maxRetries = 16;

/**
 * How a write treats managedFields: 'update' records the writer's changes (create, PUT, PATCH);
 * 'preset' keeps the entries the caller computed (server-side apply).
 */
export type ManagedFieldsMode = 'update' | 'preset';

export class ResourceStore {
  readonly kind: KindDef;
  readonly registry: KindRegistry;
  readonly store: Store;
  readonly cache: WatchCache;
  private readonly admission: AdmissionPlugin[];
  private readonly storage: { group: string; resource: string };

  constructor(
    kind: KindDef,
    registry: KindRegistry,
    store: Store,
    cache: WatchCache,
    admission: AdmissionPlugin[],
  ) {
    this.kind = kind;
    this.registry = registry;
    this.store = store;
    this.cache = cache;
    this.admission = admission;
    this.storage = registry.storageOf(kind);
  }

  key(namespace: string, name: string): string {
    return objectKey(this.storage.group, this.storage.resource, this.kind.namespaced ? namespace : '', name);
  }

  /** The prefix a list reads: one namespace, or the whole resource. */
  prefix(namespace: string): string {
    return this.kind.namespaced && namespace
      ? namespacePrefix(this.storage.group, this.storage.resource, namespace)
      : resourcePrefix(this.storage.group, this.storage.resource);
  }

  /** Storage form → the form this kind is served in (conversion, type header). */
  served(obj: KubeObject): KubeObject {
    const out = this.kind.fromStorage ? this.kind.fromStorage(obj) : obj;
    out.apiVersion = formatApiVersion(this.kind.group, this.kind.version);
    out.kind = this.kind.kind;
    return out;
  }

  /** Served form of a cached object; shares the cached value when no conversion is needed. */
  servedCached(c: CachedObject): KubeObject {
    return this.kind.fromStorage ? this.served(c.clone()) : c.obj;
  }

  private toStorage(obj: KubeObject): string {
    const stored = this.kind.toStorage ? this.kind.toStorage(obj) : obj;
    const rv = stored.metadata.resourceVersion;
    delete stored.metadata.resourceVersion;
    const text = JSON.stringify(stored);
    if (rv !== undefined) stored.metadata.resourceVersion = rv;
    return text;
  }

  private notFound(name: string): StatusError {
    return notFound(this.kind.resource, this.kind.group, name);
  }

  /** Reads the current stored object (from the store, for compare-and-swap). */
  private async current(
    namespace: string,
    name: string,
  ): Promise<{ obj: KubeObject; rev: number } | undefined> {
    const kv = await this.store.get(this.key(namespace, name));
    if (!kv) return undefined;
    return { obj: this.served(decodeStored(kv.value, kv.modRevision)), rev: kv.modRevision };
  }

  /** GET: from the cache, or from the store at an exact revision. */
  async get(namespace: string, name: string, resourceVersion?: string): Promise<KubeObject> {
    return (await this.getEntry(namespace, name, resourceVersion)).obj;
  }

  /**
   * Like get, plus the cached entry when the answer is the cached object unchanged, so a handler can
   * send its JSON text without encoding it again.
   */
  async getEntry(
    namespace: string,
    name: string,
    resourceVersion?: string,
  ): Promise<{ obj: KubeObject; cached?: CachedObject }> {
    await this.cache.start();
    if (!resourceVersion && !this.cache.servesConsistentReads) {
      // Without a resourceVersion a GET must see every acknowledged write: read the store (etcd).
      const cur = await this.current(namespace, name);
      if (!cur) throw this.notFound(name);
      return { obj: cur.obj };
    }
    if (resourceVersion && resourceVersion !== '0') {
      const rev = parseRevision(resourceVersion);
      const kv = await this.store.get(this.key(namespace, name), rev).catch(mapStoreError);
      if (!kv) throw this.notFound(name);
      return { obj: this.served(decodeStored(kv.value, kv.modRevision)) };
    }
    const c = this.cache.get(this.key(namespace, name));
    if (!c) throw this.notFound(name);
    return this.kind.fromStorage ? { obj: this.servedCached(c) } : { obj: c.obj, cached: c };
  }

  /**
   * The JSON text of an object this store just wrote, when the watch cache already holds that very
   * revision with its text built (watchers encoded it): the response then reuses it instead of
   * encoding the object again. Undefined otherwise (conversion kinds, a cache that trails the store).
   */
  writtenJson(obj: KubeObject): string | undefined {
    if (this.kind.fromStorage || this.kind.toStorage) return undefined;
    const rv = obj.metadata.resourceVersion;
    if (!rv) return undefined;
    const c = this.cache.get(this.key(obj.metadata.namespace ?? '', obj.metadata.name ?? ''));
    return c && String(c.revision) === rv ? c.builtJson() : undefined;
  }

  private async runAdmission(a: AdmissionAttributes): Promise<void> {
    for (const p of this.admission) await p.admit(a);
  }

  private async releaseAdmission(a: AdmissionAttributes, committed: boolean): Promise<void> {
    for (const p of this.admission) if (p.release) await p.release(a, committed);
  }

  private setNamespace(obj: KubeObject, namespace: string): void {
    if (this.kind.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      if (!obj.metadata.namespace) obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
  }

  private validateMeta(obj: KubeObject): FieldError[] {
    return validateObjectMeta(obj.metadata, {
      namespaced: this.kind.namespaced,
      nameRule: this.kind.nameRule,
    });
  }

  /** POST: creates a new object. */
  async create(namespace: string, body: unknown, ctx: RequestContext): Promise<WriteResult> {
    const obj = decodeForWrite(body, this.kind, this.registry.definitions, ctx);
    this.setNamespace(obj, namespace);
    return this.createDecoded(obj, ctx);
  }

  private async createDecoded(
    obj: KubeObject,
    ctx: RequestContext,
    managed: ManagedFieldsMode = 'update',
  ): Promise<WriteResult> {
    const s = this.kind.strategy;
    s.defaults?.(obj);
    const generate = !obj.metadata.name && !!obj.metadata.generateName;
    prepareMetaForCreate(this.kind, obj);
    s.prepareForCreate?.(obj);
    const errors = [
      ...this.validateMeta(obj),
      ...(s.validate?.(obj) ?? []),
      ...(s.validateCreate?.(obj) ?? []),
    ];
    if (errors.length) throw invalidObject(this.kind, obj, errors);
    const a: AdmissionAttributes = {
      kind: this.kind,
      operation: 'CREATE',
      subresource: '',
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name!,
      obj,
      ctx,
    };
    await this.runAdmission(a);
    if (managed === 'update')
      recordManagedFields(this.kind, this.registry.definitions, undefined, obj, ctx, '');
    if (ctx.dryRun) {
      await this.releaseAdmission(a, false);
      return { obj, created: true };
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const kv = await this.store.create(this.key(a.namespace, obj.metadata.name!), this.toStorage(obj));
        obj.metadata.resourceVersion = String(kv.modRevision);
        return { obj, created: true };
      } catch (err) {
        if (err instanceof StoreError && err.code === 'KeyExists' && generate && attempt < 5) {
          obj.metadata.name = undefined;
          prepareMetaForCreate(this.kind, obj);
          a.name = obj.metadata.name!;
          continue;
        }
        await this.releaseAdmission(a, false);
        if (err instanceof StoreError && err.code === 'KeyExists') {
          throw alreadyExists(this.kind.resource, this.kind.group, obj.metadata.name!);
        }
        throw mapStoreError(err);
      }
    }
  }

  /**
   * PUT (main or /status): replaces the object. With metadata.resourceVersion set it is conditional
   * (409 if stale); without, the latest object is replaced.
   */
  async update(
    namespace: string,
    name: string,
    body: unknown,
    ctx: RequestContext,
    subresource: '' | 'status' = '',
  ): Promise<WriteResult> {
    const obj = decodeForWrite(body, this.kind, this.registry.definitions, ctx);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    obj.metadata.name = name;
    this.setNamespace(obj, namespace);
    const wantRv = obj.metadata.resourceVersion;
    return this.guaranteedUpdate(
      namespace,
      name,
      ctx,
      subresource,
      !!wantRv,
      async (cur) => {
        if (!cur) {
          if (this.kind.allowCreateOnUpdate && subresource === '') return undefined;
          throw this.notFound(name);
        }
        if (wantRv && wantRv !== cur.metadata.resourceVersion) {
          throw conflictModified(this.kind.resource, this.kind.group, name);
        }
        return JSON.parse(JSON.stringify(obj)) as KubeObject;
      },
      obj,
    );
  }

  /**
   * The shared update loop: `transform` maps the current object (undefined if absent) to the desired
   * one; it runs again on each lost compare-and-swap unless the caller asked for a precondition.
   * When the object is absent and `createBody` is given (an object, or a function making one), it is
   * created instead.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    ctx: RequestContext,
    subresource: string,
    conditional: boolean,
    transform: (cur: KubeObject | undefined) => Promise<KubeObject | undefined>,
    createBody?: KubeObject | (() => KubeObject),
    managed: ManagedFieldsMode = 'update',
  ): Promise<WriteResult> {
    for (let attempt = 0; attempt < maxRetries; attempt++) {
      const cur = await this.current(namespace, name);
      const next = await transform(cur?.obj);
      if (!cur || !next) {
        if (!createBody) throw this.notFound(name);
        return this.createDecoded(typeof createBody === 'function' ? createBody() : createBody, ctx, managed);
      }
      const old = cur.obj;
      const prepared = this.prepareUpdate(next, old, subresource);
      const a: AdmissionAttributes = {
        kind: this.kind,
        operation: 'UPDATE',
        subresource,
        namespace,
        name,
        obj: prepared,
        old,
        ctx,
      };
      await this.runAdmission(a);
      if (managed === 'update')
        recordManagedFields(this.kind, this.registry.definitions, old, prepared, ctx, subresource);
      // managedFields are compared by reference: the field manager shares the stored array when unchanged.
      if (sameManaged(prepared, old) && sameObject(withoutManaged(prepared), withoutManaged(old))) {
        await this.releaseAdmission(a, false);
        return { obj: old };
      }
      if (ctx.dryRun) {
        await this.releaseAdmission(a, false);
        return { obj: prepared };
      }
      try {
        if (shouldDeleteDuringUpdate(prepared)) {
          const kv = await this.store.delete(this.key(namespace, name), cur.rev);
          prepared.metadata.resourceVersion = String(kv.modRevision);
        } else {
          const kv = await this.store.update(this.key(namespace, name), this.toStorage(prepared), cur.rev);
          prepared.metadata.resourceVersion = String(kv.modRevision);
        }
        await this.releaseAdmission(a, true);
        return { obj: prepared };
      } catch (err) {
        await this.releaseAdmission(a, false);
        if (err instanceof StoreError && (err.code === 'Conflict' || err.code === 'NotFound')) {
          if (conditional) throw conflictModified(this.kind.resource, this.kind.group, name);
          continue;
        }
        throw mapStoreError(err);
      }
    }
    throw conflict(this.kind.resource, this.kind.group, name, 'too many concurrent writers; try again');
  }

  /** Strategy hooks for an update, main or /status; throws 422 on invalid results. */
  private prepareUpdate(next: KubeObject, old: KubeObject, subresource: string): KubeObject {
    const s = this.kind.strategy;
    let obj = next;
    if (subresource === 'status') {
      // Through /status only status changes; metadata and spec come from the stored object.
      const status = obj.status;
      obj = JSON.parse(JSON.stringify(old)) as KubeObject;
      if (status === undefined) delete obj.status;
      else obj.status = status;
      obj.metadata.resourceVersion = next.metadata.resourceVersion ?? old.metadata.resourceVersion;
    } else {
      s.defaults?.(obj);
      // Through the main endpoint status cannot change (kinds with a status subresource).
      if (this.kind.hasStatus && subresource === '') {
        if (old.status === undefined) delete obj.status;
        else obj.status = JSON.parse(JSON.stringify(old.status));
      }
    }
    prepareMetaForUpdate(this.kind, obj, old);
    if (subresource === '') s.prepareForUpdate?.(obj, old);
    const errors = [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...this.validateMeta(obj),
      ...(s.validate?.(obj) ?? []),
      ...(subresource === 'status'
        ? (s.validateStatusUpdate?.(obj, old) ?? [])
        : (s.validateUpdate?.(obj, old) ?? [])),
    ];
    if (errors.length) throw invalidObject(this.kind, obj, errors);
    return obj;
  }

  /** Writes a fully prepared change decided by the caller (delete marking, finalize). CAS on `rev`. */
  async writeRaw(namespace: string, name: string, obj: KubeObject, rev: number): Promise<KubeObject> {
    const kv = await this.store
      .update(this.key(namespace, name), this.toStorage(obj), rev)
      .catch(mapStoreError);
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  /** Removes the object now, if still at `rev`. */
  async deleteRaw(namespace: string, name: string, rev: number): Promise<KubeObject> {
    const kv = await this.store.delete(this.key(namespace, name), rev).catch(mapStoreError);
    const obj = this.served(decodeStored(kv.value, kv.modRevision));
    return obj;
  }

  /** The stored object with its revision, for callers that do their own compare-and-swap. */
  async read(namespace: string, name: string): Promise<{ obj: KubeObject; rev: number }> {
    const cur = await this.current(namespace, name);
    if (!cur) throw this.notFound(name);
    return cur;
  }

  async admitDelete(
    namespace: string,
    name: string,
    old: KubeObject,
    ctx: RequestContext,
    committed: boolean,
  ): Promise<void> {
    const a: AdmissionAttributes = {
      kind: this.kind,
      operation: 'DELETE',
      subresource: '',
      namespace,
      name,
      old,
      ctx,
    };
    if (!committed) await this.runAdmission(a);
    else await this.releaseAdmission(a, true);
  }
}

function withoutManaged(o: KubeObject): KubeObject {
  return o.metadata.managedFields === undefined
    ? o
    : { ...o, metadata: { ...o.metadata, managedFields: undefined } };
}

/** An object being deleted whose last finalizer is gone and whose grace period is over goes away. */
export function shouldDeleteDuringUpdate(obj: KubeObject): boolean {
  const m = obj.metadata;
  return !!m.deletionTimestamp && (m.finalizers?.length ?? 0) === 0 && !m.deletionGracePeriodSeconds;
}

/** Parses a resourceVersion string; anything but a non-negative integer is a client error. */
export function parseRevision(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return Number(rv);
}

/**
 * A resourceVersion newer than the server has seen: 504 with the ResourceVersionTooLarge cause that
 * client-go looks for (it then retries or relists), as Kubernetes answers.
 */
export function tooLargeResourceVersion(detail: string): StatusError {
  return new StatusError(504, 'Timeout', `Too large resource version: ${detail}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** Store failures as API Status errors. */
export function mapStoreError(err: unknown): never {
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'Compacted':
        throw new StatusError(
          410,
          'Expired',
          `The resourceVersion for the provided list is too old. ${err.message}`,
        );
      case 'FutureRevision':
        throw tooLargeResourceVersion(err.message);
      case 'Closed':
      case 'Unavailable':
        throw new StatusError(503, 'ServiceUnavailable', `the datastore is not available: ${err.message}`);
      default:
        throw new StatusError(409, 'Conflict', err.message);
    }
  }
  throw err;
}
