/**
 * Test rig for the service-networking and service-account controllers: a FakeApi serving the
 * resources they use behind a real Client, an informer factory that is never started (tests fill
 * the caches), a FakeClock, and helpers to seed objects into both the fake API and the caches.
 * Only for *.test.ts files.
 */
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi, type FakeAction, type FakeResource } from '../../client/fake-api.ts';
import { informerFactory, type InformerFactory, type SharedInformer } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';

const extra: FakeResource[] = [
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
];
const all = [...defaultFakeResources, ...extra];

/** A test for the field selectors controllers use here: `metadata.name=X` / `metadata.namespace=X`. */
function fieldMatcher(selector: string | undefined): (o: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((t) => {
    const m = /^metadata\.(name|namespace)=(.*)$/.exec(t);
    if (!m) throw new Error(`rig: unsupported field selector ${selector}`);
    return [m[1] as 'name' | 'namespace', m[2]!] as const;
  });
  return (o) => terms.every(([f, v]) => (o.metadata[f] ?? '') === v);
}

function groupVersion(resource: string): [string, string] {
  const r = all.find((x) => x.resource === resource);
  if (!r) throw new Error(`rig: unknown resource ${resource}`);
  return [r.group, r.version];
}

export class Rig {
  readonly api = new FakeApi(all);
  readonly client = new Client(this.api);
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly informers: InformerFactory;
  readonly ctx: ControllerContext;
  /** The informers controllers asked for, per resource, with their field selectors. */
  private readonly made = new Map<string, { inf: SharedInformer; fieldSelector?: string }[]>();

  constructor() {
    const base = informerFactory(this.client, { clock: this.clock, logger: silentLogger });
    this.informers = {
      ...base,
      forResource: (g, v, resource, o) => {
        const inf = base.forResource(g, v, resource, o);
        const any = inf as unknown as SharedInformer;
        const list = this.made.get(resource) ?? [];
        if (!list.some((m) => m.inf === any)) list.push({ inf: any, fieldSelector: o?.fieldSelector });
        this.made.set(resource, list);
        return inf;
      },
    };
    this.ctx = {
      client: this.client,
      informers: this.informers,
      recorder: (component) =>
        new EventRecorder({ client: this.client, component, clock: this.clock, logger: silentLogger }),
      log: silentLogger,
      clock: this.clock,
      signal: new AbortController().signal,
    };
  }

  /**
   * The informers of `resource` the controllers use (made unfiltered if none was asked for yet),
   * each with a test of whether an object passes its field selector.
   */
  private informersOf(resource: string): { inf: SharedInformer; matches: (o: KubeObject) => boolean }[] {
    if (!this.made.has(resource)) {
      const [g, v] = groupVersion(resource);
      this.informers.forResource(g, v, resource);
    }
    return this.made.get(resource)!.map((m) => ({ inf: m.inf, matches: fieldMatcher(m.fieldSelector) }));
  }

  /** Creates `obj` in the fake API, then caches what was stored (with `overrides` applied to the cached copy). */
  async seed<T extends KubeObject>(
    resource: string,
    obj: T,
    overrides: (stored: T) => void = () => {},
  ): Promise<T> {
    const [g, v] = groupVersion(resource);
    const created = await this.client.resource<T>(g, v, resource).create(obj.metadata.namespace, obj);
    overrides(created);
    for (const { inf, matches } of this.informersOf(resource))
      if (matches(created)) inf.store.upsert(created);
    return created;
  }

  /** Delivers a watch event to the informer (runs the handlers, as a real watch would). */
  event(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    for (const { inf, matches } of this.informersOf(resource)) if (matches(obj)) inf.apply(type, obj);
  }

  /**
   * Brings the cache of `resource` to what the fake API holds now, through watch events (so the
   * handlers see them, as they would over a real watch).
   */
  syncCache(resource: string): void {
    for (const { inf, matches } of this.informersOf(resource))
      this.syncOne(inf, this.api.list(resource).filter(matches));
  }

  private syncOne(inf: SharedInformer, live: KubeObject[]): void {
    const liveKeys = new Set(live.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`));
    for (const cached of inf.store.list())
      if (!liveKeys.has(`${cached.metadata.namespace ?? ''}/${cached.metadata.name ?? ''}`))
        inf.apply('DELETED', structuredClone(cached) as KubeObject);
    for (const o of live) {
      const key = o.metadata.namespace
        ? `${o.metadata.namespace}/${o.metadata.name}`
        : (o.metadata.name ?? '');
      const cached = inf.store.get(key);
      if (cached?.metadata.resourceVersion === o.metadata.resourceVersion) continue;
      inf.apply(cached ? 'MODIFIED' : 'ADDED', o);
    }
  }

  /** Stored objects of `resource` in `namespace`. */
  stored<T extends KubeObject>(resource: string, namespace = ''): T[] {
    return this.api.list(resource, namespace) as T[];
  }

  /** Recorded writes without Events, as `verb resource[/name]`. */
  writes(): string[] {
    return this.writeActions().map((a) => `${a.verb} ${a.resource}${a.name ? '/' + a.name : ''}`);
  }

  writeActions(): FakeAction[] {
    return this.api.writes().filter((a) => a.resource !== 'events');
  }

  reset(): void {
    this.api.actions.length = 0;
  }
}
