/**
 * The resource quota controller: keeps every ResourceQuota's status true — status.hard mirrors
 * spec.hard, status.used is recomputed from the objects in the namespace (calculate.ts).
 *
 * Admission charges creates to status.used as they happen; this controller gives usage back and
 * corrects drift. A quota is recalculated when it is created or its spec changes, when something it
 * counts goes away or uses less (a pod finishes or starts terminating, a Service changes type, a
 * claim is deleted, any counted object is deleted), and every `resyncMs` in any case. Additions do
 * not trigger a recalculation: admission has charged them already, and recounting on every create
 * would cost O(objects in the namespace) per write.
 *
 * Pods, Services and claims are watched through the shared informers; other resources a quota
 * counts (`count/deployments.apps`, `secrets`, ...) get an informer the first time a quota names
 * them, resolved to a version through discovery.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { jsonEqual } from '../../api/kinds/core/util.ts';
import { evaluatorFor } from '../../api/quota/evaluators.ts';
import { parseUsage, sameUsage } from '../../api/quota/resource-list.ts';
import type { Client, ResourceClient } from '../../client/client.ts';
import { deletedObject, type InformerFactory, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Clock } from '../../client/clock.ts';
import { servedResources } from '../served-resources.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import { calculateQuotaStatus, quotaSources, specHard } from './calculate.ts';

type RO = DeepReadonly<KubeObject>;

export interface ResourceQuotaControllerOptions {
  workers?: number;
  /** Full recalculation period of each quota (default 5 minutes, as kube-controller-manager). */
  resyncMs?: number;
  /** How soon to look again while an informer a quota needs is still syncing (default 200 ms). */
  waitSyncMs?: number;
  /** How long a discovery answer is reused to resolve count/<resource>.<group> (default 30 s). */
  discoveryTtlMs?: number;
}

/** Resources every cluster has in core/v1 (no discovery needed). */
const coreResources = new Set([
  'pods',
  'services',
  'persistentvolumeclaims',
  'configmaps',
  'secrets',
  'replicationcontrollers',
  'resourcequotas',
  'events',
  'endpoints',
  'limitranges',
  'podtemplates',
  'serviceaccounts',
]);

/** Kubernetes' `resourcequota` controller. */
export class ResourceQuotaController implements Controller {
  readonly name = 'resourcequota';
  private readonly o: Required<ResourceQuotaControllerOptions>;
  private queue!: WorkQueue<string>;
  private quotas!: SharedInformer;
  private quotaClient!: ResourceClient;
  private informers!: InformerFactory;
  private client!: Client;
  private log!: ClientLogger;
  private clock!: Clock;
  /** Informers per `resource.group` (undefined: the API does not serve that resource). */
  private readonly sources = new Map<string, SharedInformer | undefined>();
  private discovery: { at: number; versions: Map<string, string> } | undefined;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(o: ResourceQuotaControllerOptions = {}) {
    this.o = {
      workers: o.workers ?? 2,
      resyncMs: o.resyncMs ?? 5 * 60_000,
      waitSyncMs: o.waitSyncMs ?? 200,
      discoveryTtlMs: o.discoveryTtlMs ?? 30_000,
    };
  }

  /** Registers handlers and makes the queue, without starting workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.client = ctx.client;
    this.informers = ctx.informers;
    this.log = ctx.log;
    this.clock = ctx.clock;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.quotaClient = ctx.client.resource('', 'v1', 'resourcequotas');
    this.quotas = ctx.informers.forResource('', 'v1', 'resourcequotas');
    this.removers.push(
      this.quotas.addEventHandler({
        onAdd: (q) => this.enqueue(q),
        onUpdate: (old, q) => {
          // Status writes (admission's charges, our own) are not a reason to recount.
          const spec = (o: RO): unknown => (o as { spec?: unknown }).spec;
          if (!jsonEqual(spec(old), spec(q)) || !jsonEqual(specHard(q), statusHard(q))) this.enqueue(q);
        },
      }),
    );
    for (const resource of ['pods', 'services', 'persistentvolumeclaims']) this.source('', resource, 'v1');
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    const fixed = [this.quotas, ...[...this.sources.values()].filter((i): i is SharedInformer => !!i)];
    this.workers = (async () => {
      for (const inf of fixed) if (!(await inf.waitForSync(ctx.signal))) return;
      await runWorkers({
        queue: this.queue,
        workers: this.o.workers,
        reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
        log: this.log,
        controller: this.name,
      });
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  /** Keys waiting in the queue (for tests). */
  queued(): number {
    return this.queue.len();
  }

  /** Takes every waiting key off the queue without reconciling (for tests). */
  async drain(): Promise<string[]> {
    const keys: string[] = [];
    while (this.queue.len()) {
      const k = await this.queue.get();
      if (k === undefined) break;
      this.queue.done(k);
      this.queue.forget(k);
      keys.push(k);
    }
    return keys;
  }

  private enqueue(q: RO): void {
    this.queue.add(metaNamespaceKey(q));
  }

  /** Every quota of a namespace, after something in it went away or shrank. */
  private enqueueNamespace(namespace: string): void {
    for (const q of this.quotas.lister.namespace(namespace).list()) this.enqueue(q);
  }

  /** The informer for a group/resource at `version`, made (and handlers added) on first use. */
  private source(group: string, resource: string, version: string): SharedInformer {
    const key = sourceKey({ group, resource });
    const known = this.sources.get(key);
    if (known) return known;
    const inf = this.informers.forResource(group, version, resource);
    const evaluator = evaluatorFor(group, resource);
    const ns = (o: RO): string => o.metadata.namespace ?? '';
    this.removers.push(
      inf.addEventHandler({
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          if (!sameUsage(evaluator.usage(old), evaluator.usage(cur))) this.enqueueNamespace(ns(cur));
        },
        onDelete: (v) => this.enqueueNamespace(ns(deletedObject(v))),
      }),
    );
    this.sources.set(key, inf);
    return inf;
  }

  /** The served version of a group/resource, from discovery (cached); undefined when not served. */
  private async versionOf(group: string, resource: string): Promise<string | undefined> {
    if (group === '' && coreResources.has(resource)) return 'v1';
    const now = this.clock.now();
    if (!this.discovery || now - this.discovery.at > this.o.discoveryTtlMs) {
      const served = await servedResources(this.client);
      this.discovery = {
        at: now,
        versions: new Map(served.resources.map((r) => [`${r.resource}.${r.group}`, r.version])),
      };
    }
    return this.discovery.versions.get(`${resource}.${group}`);
  }

  /** Informers for a quota's sources by `resource.group`; undefined for a source the API does not serve. */
  private async informersFor(quota: RO): Promise<Map<string, SharedInformer | undefined>> {
    const out = new Map<string, SharedInformer | undefined>();
    for (const src of quotaSources(quota)) {
      const key = sourceKey(src);
      let inf = this.sources.get(key);
      if (!inf) {
        const version = await this.versionOf(src.group, src.resource);
        if (version) {
          inf = this.source(src.group, src.resource, version);
          // Made after the manager started the shared informers: this one needs starting itself.
          if (!inf.hasSynced()) inf.run();
        }
      }
      out.set(key, inf);
    }
    return out;
  }

  /** Recomputes one quota's status and writes it when it differs; see the file comment. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const quota = this.quotas.lister.get(namespace, name);
    if (!quota) return;
    const informers = await this.informersFor(quota);
    for (const inf of informers.values())
      if (inf && !inf.hasSynced()) return { requeueAfterMs: this.o.waitSyncMs };
    const status = calculateQuotaStatus(
      quota,
      (src) => informers.get(sourceKey(src))?.lister.namespace(namespace).list() ?? [],
    );
    const cur = (quota as { status?: { hard?: unknown; used?: unknown } }).status ?? {};
    const same =
      sameUsage(parseUsage(cur.hard), parseUsage(status.hard)) &&
      jsonEqual(Object.keys(cur.hard ?? {}).sort(), Object.keys(status.hard).sort()) &&
      sameUsage(parseUsage(cur.used), parseUsage(status.used));
    if (!same) {
      const next = structuredClone(quota) as KubeObject;
      next.status = status;
      try {
        // Conditional on the cached resourceVersion: if admission charged meanwhile, this conflicts
        // (409) and the quota is recounted from fresher caches.
        await this.quotaClient.updateStatus(namespace, next);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    return { requeueAfterMs: this.o.resyncMs };
  }
}

const sourceKey = (s: { group: string; resource: string }): string => `${s.resource}.${s.group}`;

function statusHard(q: RO): Record<string, string> {
  const hard = (q as { status?: { hard?: Record<string, unknown> } }).status?.hard ?? {};
  return Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, String(v)]));
}

/** Makes the resource quota controller (register it with the controller manager). */
export function resourceQuotaController(o: ResourceQuotaControllerOptions = {}): ResourceQuotaController {
  return new ResourceQuotaController(o);
}
