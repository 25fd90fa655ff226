/**
 * The garbage collector's monitors: one metadata-only informer per resource that can be listed,
 * watched and deleted (events excepted), feeding the owner graph. `sync` rediscovers what the API
 * serves, adds monitors for new resources (CRDs) and drops those whose API went away; the collector
 * calls it on start and periodically. Informers here are the collector's own (metadata-only), not
 * the manager's shared full-object ones.
 */
import type { Client } from '../../client/client.ts';
import { Client as ApiClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import { deletedObject, SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import type { Transport } from '../../client/transport.ts';
import { groupResource, servedResources, supports, type ServedResource } from '../served-resources.ts';
import type { GraphChange, OwnerGraph, ResourceCoordinates } from './graph.ts';

/** Accept header asking for PartialObjectMetadata(List) with plain JSON as a fallback. */
export const metadataAccept =
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json';

/** A transport that asks for metadata only on reads that do not name their own Accept. */
export function metadataTransport(inner: Transport): Transport {
  const withAccept = <R extends { method: string; accept?: string }>(r: R): R =>
    r.method === 'GET' && r.accept === undefined ? { ...r, accept: metadataAccept } : r;
  const watchObjects = inner.watchObjects?.bind(inner);
  return {
    request: (r) => inner.request(withAccept(r)),
    stream: (r) => inner.stream(withAccept(r)),
    // In process the server hands over frozen PartialObjectMetadata (client/object-watch.ts).
    ...(watchObjects && { watchObjects: (r) => watchObjects(withAccept(r)) }),
  };
}

/** Resources the collector never watches: high-churn and never owners in practice. */
export const defaultIgnoredResources = ['events', 'events.events.k8s.io'];

export interface MonitorsOptions {
  client: Client;
  graph: OwnerGraph;
  /** Told about every graph change (the collector enqueues from it). */
  onChange(uid: string, change: GraphChange): void;
  clock: Clock;
  log: ClientLogger;
  ignored?: string[];
}

interface Monitor {
  res: ResourceCoordinates;
  informer: SharedInformer;
}

/** The set of running monitors, keyed by group/resource. */
export class Monitors {
  private readonly o: MonitorsOptions;
  private readonly metaClient: Client;
  private readonly monitors = new Map<string, Monitor>();
  private stopped = false;

  constructor(o: MonitorsOptions) {
    this.o = o;
    this.metaClient = new ApiClient(metadataTransport(o.client.transport));
  }

  /** group/resource of every running monitor. */
  names(): string[] {
    return [...this.monitors.keys()].sort();
  }

  /** Rediscovers resources; starts monitors for new ones and stops those no longer served. */
  async sync(): Promise<void> {
    const served = await servedResources(this.o.client);
    if (this.stopped) return;
    const ignored = new Set(this.o.ignored ?? defaultIgnoredResources);
    const wanted = new Map<string, ServedResource>();
    for (const r of served.resources) {
      if (supports(r, 'list', 'watch', 'delete') && !ignored.has(groupResource(r)))
        wanted.set(groupResource(r), r);
    }
    const unreadable = new Set(served.failed.map((f) => f.groupVersion.split('/')[0]));
    for (const [key, m] of this.monitors) {
      const w = wanted.get(key);
      // A group that failed to answer this time keeps its monitors; only a clean absence removes them.
      if (w && w.version === m.res.version) continue;
      if (!w && unreadable.has(m.res.group)) continue;
      this.monitors.delete(key);
      void m.informer.stop();
      this.o.graph.removeResource(m.res);
    }
    for (const [key, r] of wanted) if (!this.monitors.has(key)) this.add(key, r);
    for (const f of served.failed)
      this.o.log.warn(
        { err: f.error, groupVersion: f.groupVersion },
        'garbage collector: discovery failed for a group version',
      );
  }

  /** Resolves true once every current monitor has synced (false if stopped or aborted first). */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const r = await Promise.all([...this.monitors.values()].map((m) => m.informer.waitForSync(signal)));
    return r.every(Boolean);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.monitors.values()];
    this.monitors.clear();
    await Promise.all(all.map((m) => m.informer.stop()));
  }

  private add(key: string, r: ServedResource): void {
    const res: ResourceCoordinates = {
      group: r.group,
      version: r.version,
      resource: r.resource,
      kind: r.kind,
      namespaced: r.namespaced,
    };
    const informer = new SharedInformer(this.metaClient.resource(r.group, r.version, r.resource), {
      clock: this.o.clock,
      logger: this.o.log,
    });
    const report = (uid: string | undefined, c: GraphChange): void => {
      if (uid) this.o.onChange(uid, c);
    };
    informer.addEventHandler({
      onAdd: (obj) => report(obj.metadata.uid, this.o.graph.upsert(res, obj)),
      onUpdate: (_old, obj) => report(obj.metadata.uid, this.o.graph.upsert(res, obj)),
      onDelete: (v) => {
        const obj = deletedObject(v);
        report(obj.metadata.uid, this.o.graph.remove(obj));
      },
    });
    this.monitors.set(key, { res, informer });
    informer.run();
  }
}
