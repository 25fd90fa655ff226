/**
 * The CustomResourceDefinition controller inside the API server. It follows the CRD watch cache and
 * reconciles one CRD at a time (a queue of names: bursts collapse, one CRD never runs twice at once,
 * failures retry with backoff):
 *   - names: checks them against the group's other kinds and built-in short names (NamesAccepted);
 *   - serving: registers one KindDef per served version with its schema definitions and /scale, and
 *     rebuilds discovery and OpenAPI (Established);
 *   - status: writes conditions, acceptedNames and storedVersions through the generic /status path;
 *   - deletion: a CRD marked for deletion has its objects deleted through the generic store, its kinds
 *     unregistered, and then its cleanup finalizer removed so it goes away.
 * CRDs already stored are served by the initial pass of `start`, before it resolves.
 */
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { isObject } from '../../api/object.ts';
import type { KindDef } from '../../api/kinds/types.ts';
import type { Api } from '../api.ts';
import type { SubresourceHandler } from '../handlers/resource.ts';
import { handleScale } from '../handlers/scale.ts';
import { decodeStored } from '../watchcache.ts';
import { systemContext } from '../registry/context.ts';
import { deleteObject } from '../registry/delete.ts';
import type { ResourceStore } from '../registry/resource-store.ts';
import type { Logger } from '../server.ts';
import { cleanupFinalizer, crdGroup, crdResource, customResourceAdmission } from './admission.ts';
import { servingOf, type CrdServing } from './kinds.ts';
import { addKindNames, checkNames, readNames, type CrdNames, type NamesInUse } from './names.ts';
import { crdStatus, isTerminating } from './status.ts';

export interface CrdControllerOptions {
  api: Api;
  /** Rebuilds discovery and OpenAPI after kinds were added or removed (ApiServer.invalidateDiscovery). */
  invalidate: () => void;
  /** The server's subresource handlers; /scale of custom kinds is registered here. */
  subresources?: Map<string, SubresourceHandler>;
  log: Logger;
}

interface Served {
  fingerprint: string;
  serving: CrdServing;
}

const maxBackoffMs = 30_000;

export class CrdController {
  private readonly o: CrdControllerOptions;
  private readonly served = new Map<string, Served>();
  /** CRD name → group/plural of CRDs being deleted (their objects may not be created). */
  private readonly terminating = new Map<string, string>();
  private readonly queue = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> | undefined;
  private removeWatcher: (() => void) | undefined;
  private stopped = false;

  constructor(o: CrdControllerOptions) {
    this.o = o;
    o.api.admission.push(
      customResourceAdmission((group, resource) =>
        [...this.terminating.values()].includes(`${group}/${resource}`),
      ),
    );
  }

  private get crds(): ResourceStore {
    return this.o.api.resource(crdGroup, crdResource);
  }

  /** Follows the CRD cache and serves every CRD already stored; resolves after that first pass. */
  async start(): Promise<void> {
    await this.attach();
    await this.drained();
  }

  private async attach(): Promise<void> {
    const cache = this.crds.cache;
    await cache.start();
    if (this.stopped) return;
    // No await between adding the watcher and listing: no event can fall in between.
    this.removeWatcher = cache.addWatcher({
      deliver: (events) => {
        for (const ev of events) if (ev.object.obj.metadata.name) this.enqueue(ev.object.obj.metadata.name);
        // A change may free names another CRD of the group is waiting for.
        for (const c of cache.list(cache.prefix)) if (!isAccepted(c.obj)) this.enqueue(c.obj.metadata.name!);
      },
      terminate: (reason) => {
        this.removeWatcher = undefined;
        if (!reason || reason.code === 503 || this.stopped) return this.stop();
        this.o.log.warn({ reason: reason.message }, 'crd controller lost the CRD watch; resyncing');
        this.later(
          1000,
          () =>
            void this.attach().catch((err: unknown) =>
              this.o.log.error({ err }, 'crd controller resync failed'),
            ),
        );
      },
    });
    for (const c of cache.list(cache.prefix)) this.enqueue(c.obj.metadata.name!);
  }

  /** Stops following CRDs; kinds already served stay served. */
  stop(): void {
    this.stopped = true;
    this.removeWatcher?.();
    this.removeWatcher = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.clear();
  }

  /** Resolves when no reconcile is queued or running (retries waiting on a timer excepted). */
  async drained(): Promise<void> {
    while (this.running) await this.running;
  }

  enqueue(name: string): void {
    if (this.stopped) return;
    this.queue.add(name);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.size && !this.stopped) this.enqueue([...this.queue][0]);
    });
  }

  private later(ms: number, f: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) f();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private async drain(): Promise<void> {
    while (this.queue.size && !this.stopped) {
      const name = this.queue.values().next().value as string;
      this.queue.delete(name);
      try {
        await this.reconcile(name);
        this.failures.delete(name);
      } catch (err) {
        const n = (this.failures.get(name) ?? 0) + 1;
        this.failures.set(name, n);
        const conflict = err instanceof StatusError && err.code === 409;
        if (!conflict) this.o.log.warn({ err, crd: name, attempt: n }, 'crd reconcile failed; retrying');
        this.later(Math.min(maxBackoffMs, 50 * 2 ** n), () => this.enqueue(name));
      }
    }
  }

  /** Brings serving and status of one CRD in line with its stored object. Safe to repeat. */
  async reconcile(name: string): Promise<void> {
    const crds = this.crds;
    const cached = crds.cache.get(crds.key('', name));
    if (!cached) {
      // Gone without our finalizer (or already finalized): stop serving it.
      this.terminating.delete(name);
      this.unserve(name);
      return;
    }
    const crd = cached.obj;
    if (crd.metadata.deletionTimestamp) return this.finalize(crd);
    if (!(crd.metadata.finalizers ?? []).includes(cleanupFinalizer)) {
      await crds.guaranteedUpdate('', name, systemContext(), '', false, async (cur) => {
        if (!cur || cur.metadata.deletionTimestamp || cur.metadata.finalizers?.includes(cleanupFinalizer))
          return cur;
        // A copy: the store compares the result with `cur` to skip no-op writes.
        const next = structuredClone(cur);
        next.metadata.finalizers = [...(cur.metadata.finalizers ?? []), cleanupFinalizer];
        return next;
      });
      return; // the update comes back as an event
    }
    const spec = isObject(crd.spec) ? crd.spec : {};
    const group = typeof spec.group === 'string' ? spec.group : '';
    const requested = readNames(spec.names);
    const verdict = checkNames(requested, this.namesInUse(name, group));
    const previous = readNames(isObject(crd.status) ? crd.status.acceptedNames : undefined);
    const accepted: CrdNames | undefined = verdict.accepted
      ? requested
      : previous.plural
        ? previous
        : undefined;
    if (accepted) this.serve(name, crd, accepted);
    else this.unserve(name);
    const status = crdStatus(crd, verdict, accepted, Date.now());
    if (JSON.stringify(status) !== JSON.stringify(crd.status)) await this.writeStatus(crd, status);
  }

  private async writeStatus(crd: KubeObject, status: Record<string, unknown>): Promise<void> {
    const body = JSON.parse(JSON.stringify(crd)) as KubeObject;
    body.status = status;
    await this.crds.update('', crd.metadata.name!, body, systemContext(), 'status');
  }

  /** Names other kinds of `group` hold, and built-in short names. */
  private namesInUse(crdName: string, group: string): NamesInUse {
    const used: NamesInUse = { resources: new Set(), kinds: new Set(), builtinShortNames: new Set() };
    const own = new Set(this.served.get(crdName)?.serving.kinds ?? []);
    const custom = new Set<KindDef>([...this.served.values()].flatMap((s) => s.serving.kinds));
    for (const k of this.o.api.registry.kinds()) {
      if (own.has(k)) continue;
      if (k.group === group) addKindNames(used, k);
      if (!custom.has(k)) for (const s of k.shortNames ?? []) used.builtinShortNames.add(s);
    }
    // Names other CRDs had accepted count even before this process serves them (first pass at start).
    const cache = this.crds.cache;
    for (const c of cache.list(cache.prefix)) {
      const other = c.obj;
      if (
        other.metadata.name === crdName ||
        !isObject(other.spec) ||
        other.spec.group !== group ||
        !isObject(other.status)
      )
        continue;
      const names = readNames(other.status.acceptedNames);
      if (names.plural) addKindNames(used, { resource: names.plural, ...names });
    }
    return used;
  }

  private serve(name: string, crd: KubeObject, names: CrdNames): void {
    const status = isObject(crd.status) ? crd.status : {};
    const fingerprint = JSON.stringify([crd.spec, names, status.storedVersions]);
    if (this.served.get(name)?.fingerprint === fingerprint) return;
    this.unregister(name);
    const serving = servingOf(crd, names);
    const registry = this.o.api.registry;
    Object.assign(registry.definitions, serving.definitions);
    for (const k of serving.kinds) {
      registry.add(k);
      if (k.scale) this.o.subresources?.set(`${k.group}/${k.resource}/scale`, handleScale);
    }
    this.served.set(name, { fingerprint, serving });
    this.o.invalidate();
    this.o.log.info({ crd: name, versions: serving.kinds.map((k) => k.version) }, 'serving custom resource');
  }

  /** Removes a CRD's kinds from the registry without discovery invalidation. */
  private unregister(name: string): boolean {
    const s = this.served.get(name);
    if (!s) return false;
    const registry = this.o.api.registry;
    for (const k of s.serving.kinds) {
      if (registry.byGVR(k.group, k.version, k.resource) === k)
        registry.remove(k.group, k.version, k.resource);
      this.o.subresources?.delete(`${k.group}/${k.resource}/scale`);
    }
    for (const d of Object.keys(s.serving.definitions)) delete registry.definitions[d];
    this.served.delete(name);
    return true;
  }

  private unserve(name: string): void {
    if (this.unregister(name)) {
      this.o.invalidate();
      this.o.log.info({ crd: name }, 'stopped serving custom resource');
    }
  }

  /** Deletion: delete every object, then stop serving, then let the CRD go. */
  private async finalize(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    if (!(crd.metadata.finalizers ?? []).includes(cleanupFinalizer)) return this.unserve(name);
    const spec = isObject(crd.spec) ? crd.spec : {};
    const group = typeof spec.group === 'string' ? spec.group : '';
    const names = readNames(spec.names);
    this.terminating.set(name, `${group}/${names.plural}`);
    if (!isTerminating(crd)) {
      await this.writeStatus(crd, crdStatus(crd, undefined, undefined, Date.now(), true));
      return; // the status write comes back as an event
    }
    const serving = this.served.get(name)?.serving ?? servingOf(crd, names);
    const storageKind = serving.kinds.find((k) => !k.storedAs) ?? serving.kinds[0];
    if (storageKind) {
      const rs = this.o.api.storeFor(storageKind);
      for (const obj of await currentObjects(rs)) {
        const m = obj.metadata;
        if (m.deletionTimestamp) continue;
        await deleteObject(rs, m.namespace ?? '', m.name!, {}, systemContext()).catch((err: unknown) => {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        });
      }
      const left = (await currentObjects(rs)).length;
      if (left > 0) {
        // Objects with finalizers of their own: wait for them.
        this.later(1000, () => this.enqueue(name));
        return;
      }
    }
    this.unserve(name);
    await this.crds
      .guaranteedUpdate('', name, systemContext(), '', false, async (cur) => {
        if (!cur) return undefined;
        const next = structuredClone(cur);
        next.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer);
        return next;
      })
      .catch((err: unknown) => {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      });
    this.terminating.delete(name);
  }
}

function isAccepted(crd: KubeObject): boolean {
  const conditions =
    isObject(crd.status) && Array.isArray(crd.status.conditions) ? crd.status.conditions : [];
  return conditions.some((c) => isObject(c) && c.type === 'NamesAccepted' && c.status === 'True');
}

/**
 * Every stored object of `rs`, as of now: from the watch cache once it has caught up, or from the
 * store when the cache cannot prove it has (etcd whose progress notices may overtake events) — a
 * CRD's cleanup must not miss an object and finish while it is still stored.
 */
async function currentObjects(rs: ResourceStore): Promise<KubeObject[]> {
  const prefix = rs.prefix('');
  await rs.cache.start();
  if (!rs.cache.consistentListsNeedStore) {
    await rs.cache.syncTo();
    return rs.cache.list(prefix).map((c) => c.obj);
  }
  const { kvs } = await rs.store.list(prefix);
  return kvs.map((kv) => decodeStored(kv.value, kv.modRevision));
}
