/**
 * What cluster DNS knows about the cluster, indexed for constant-time lookups: Services by
 * `name.namespace`, how many Services each namespace has (so `<ns>.svc` exists exactly when one
 * does), the DNS view of each Service's endpoints (ready ones, or all under
 * publishNotReadyAddresses; by hostname or dashed address), and PTR targets by address.
 *
 * Informer handlers call the upsert/delete methods; each change recomputes only the Service it
 * touches (cost: that Service's endpoints). Everything is synchronous, so under Node's single
 * thread a DNS read always sees one consistent state and never waits on the API.
 */
import type { DeepReadonly } from '../api/object.ts';
import { canonicalIP } from './address.ts';
import { serviceNameLabel, type EndpointSlice, type Service } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** A port as DNS serves it: `_<name>._<protocol>` (both lower case). */
export interface NamedPort {
  name: string;
  protocol: string;
  port: number;
}

/** One endpoint of a headless Service, as DNS names it. */
export interface EndpointView {
  /** The first label of its name: the pod's hostname, or its address with dashes. */
  label: string;
  ipv4: string[];
  ipv6: string[];
  /** The slice's named ports (the port numbers on this endpoint). */
  ports: NamedPort[];
}

/** One Service as DNS serves it. */
export interface ServiceView {
  name: string;
  namespace: string;
  /** `name.namespace.svc.<domain>`, lower case. */
  fqdn: string;
  kind: 'ClusterIP' | 'Headless' | 'ExternalName';
  clusterIPv4: string[];
  clusterIPv6: string[];
  externalName?: string;
  ports: NamedPort[];
  publishNotReadyAddresses: boolean;
  /** Headless only: endpoints by label (several endpoints may share a hostname). */
  endpoints: Map<string, EndpointView[]>;
  /** Headless only: distinct ready addresses across all slices, in slice order. */
  ipv4: string[];
  ipv6: string[];
}

interface SliceView {
  service: string;
  addressType: string;
  endpoints: { addresses: string[]; ready: boolean; hostname?: string }[];
  ports: NamedPort[];
}

const svcKey = (name: string, namespace: string): string => `${name}.${namespace}`;

function namedPorts(
  ports: readonly RO<{ name?: string; protocol?: string; port?: number }>[] | null | undefined,
): NamedPort[] {
  const out: NamedPort[] = [];
  for (const p of ports ?? [])
    if (p.name && p.port !== undefined)
      out.push({ name: p.name.toLowerCase(), protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port });
  return out;
}

/** The cluster's Services and endpoints, as DNS reads them. */
export class ClusterIndex {
  readonly domain: string;
  private readonly services = new Map<string, ServiceView>();
  private readonly rawServices = new Map<string, RO<Service>>();
  private readonly slices = new Map<string, SliceView>();
  private readonly slicesByService = new Map<string, Set<string>>();
  private readonly namespaces = new Map<string, number>();
  private readonly ptr = new Map<string, Set<string>>();
  /** What each Service put into `ptr`, so its next change can take exactly that back out. */
  private readonly ptrBy = new Map<string, [string, string][]>();
  private gen = 1;

  constructor(domain = 'cluster.local') {
    this.domain = domain.toLowerCase().replace(/\.$/, '');
  }

  /** Goes up by one on every change; answer caches key on it. */
  get generation(): number {
    return this.gen;
  }

  /** The Service `name` in `namespace` (both as lower-case DNS labels). */
  service(name: string, namespace: string): ServiceView | undefined {
    return this.services.get(svcKey(name, namespace));
  }

  /** True when at least one Service lives in `namespace`. */
  hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  /** Names whose PTR points at `ip` (canonical text), or undefined. */
  ptrTargets(ip: string): ReadonlySet<string> | undefined {
    return this.ptr.get(ip);
  }

  get serviceCount(): number {
    return this.services.size;
  }

  upsertService(svc: RO<Service>): void {
    const { name, namespace = '' } = svc.metadata;
    if (!name) return;
    const key = svcKey(name, namespace);
    if (!this.rawServices.has(key)) this.namespaces.set(namespace, (this.namespaces.get(namespace) ?? 0) + 1);
    this.rawServices.set(key, svc);
    this.rebuild(key);
  }

  deleteService(svc: RO<Service>): void {
    const { name, namespace = '' } = svc.metadata;
    const key = svcKey(name ?? '', namespace);
    if (!this.rawServices.delete(key)) return;
    const left = (this.namespaces.get(namespace) ?? 1) - 1;
    if (left > 0) this.namespaces.set(namespace, left);
    else this.namespaces.delete(namespace);
    this.rebuild(key);
  }

  upsertSlice(slice: RO<EndpointSlice>): void {
    const key = `${slice.metadata.namespace ?? ''}/${slice.metadata.name ?? ''}`;
    const owner = slice.metadata.labels?.[serviceNameLabel];
    const old = this.slices.get(key);
    if (!owner) {
      if (old) this.deleteSliceKey(key);
      return;
    }
    const service = svcKey(owner, slice.metadata.namespace ?? '');
    const view: SliceView = {
      service,
      addressType: slice.addressType,
      endpoints: (slice.endpoints ?? []).map((e) => ({
        addresses: [...e.addresses],
        // An unset ready condition means ready (discovery.k8s.io/v1).
        ready: e.conditions?.ready !== false,
        ...(e.hostname ? { hostname: e.hostname.toLowerCase() } : {}),
      })),
      ports: namedPorts(slice.ports),
    };
    this.slices.set(key, view);
    if (old && old.service !== service) this.unlinkSlice(old.service, key);
    let set = this.slicesByService.get(service);
    if (!set) this.slicesByService.set(service, (set = new Set()));
    set.add(key);
    if (old && old.service !== service) this.rebuild(old.service);
    this.rebuild(service);
  }

  deleteSlice(slice: RO<EndpointSlice>): void {
    this.deleteSliceKey(`${slice.metadata.namespace ?? ''}/${slice.metadata.name ?? ''}`);
  }

  private deleteSliceKey(key: string): void {
    const old = this.slices.get(key);
    if (!old) return;
    this.slices.delete(key);
    this.unlinkSlice(old.service, key);
    this.rebuild(old.service);
  }

  private unlinkSlice(service: string, key: string): void {
    const set = this.slicesByService.get(service);
    set?.delete(key);
    if (set?.size === 0) this.slicesByService.delete(service);
  }

  /** Recomputes one Service's view and its PTR entries from its object and slices. */
  private rebuild(key: string): void {
    this.gen++;
    for (const [ip, target] of this.ptrBy.get(key) ?? []) {
      const set = this.ptr.get(ip);
      set?.delete(target);
      if (set?.size === 0) this.ptr.delete(ip);
    }
    this.ptrBy.delete(key);
    const svc = this.rawServices.get(key);
    if (!svc) {
      this.services.delete(key);
      return;
    }
    const view = this.view(svc);
    this.services.set(key, view);
    const added: [string, string][] = [];
    const addPtr = (ip: string, target: string): void => {
      let set = this.ptr.get(ip);
      if (!set) this.ptr.set(ip, (set = new Set()));
      set.add(target);
      added.push([ip, target]);
    };
    for (const ip of [...view.clusterIPv4, ...view.clusterIPv6]) addPtr(ip, view.fqdn);
    for (const [label, eps] of view.endpoints)
      for (const ep of eps) for (const ip of [...ep.ipv4, ...ep.ipv6]) addPtr(ip, `${label}.${view.fqdn}`);
    if (added.length) this.ptrBy.set(key, added);
  }

  private view(svc: RO<Service>): ServiceView {
    const name = (svc.metadata.name ?? '').toLowerCase();
    const namespace = (svc.metadata.namespace ?? '').toLowerCase();
    const spec = svc.spec ?? {};
    const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [])
      .map((ip) => canonicalIP(ip))
      .filter((ip): ip is string => ip !== undefined);
    const kind: ServiceView['kind'] =
      spec.type === 'ExternalName' ? 'ExternalName' : ips.length === 0 ? 'Headless' : 'ClusterIP';
    const view: ServiceView = {
      name,
      namespace,
      fqdn: `${name}.${namespace}.svc.${this.domain}`,
      kind,
      clusterIPv4: kind === 'ClusterIP' ? ips.filter((ip) => !ip.includes(':')) : [],
      clusterIPv6: kind === 'ClusterIP' ? ips.filter((ip) => ip.includes(':')) : [],
      ports: namedPorts(spec.ports),
      publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
      endpoints: new Map(),
      ipv4: [],
      ipv6: [],
    };
    if (kind === 'ExternalName' && spec.externalName)
      view.externalName = spec.externalName.replace(/\.$/, '');
    if (kind === 'Headless')
      this.fillEndpoints(view, svcKey(svc.metadata.name ?? '', svc.metadata.namespace ?? ''));
    return view;
  }

  private fillEndpoints(view: ServiceView, key: string): void {
    const seen = new Set<string>();
    for (const sliceKey of this.slicesByService.get(key) ?? []) {
      const slice = this.slices.get(sliceKey)!;
      const v6 = slice.addressType === 'IPv6';
      if (!v6 && slice.addressType !== 'IPv4') continue;
      for (const e of slice.endpoints) {
        if (!e.ready && !view.publishNotReadyAddresses) continue;
        const addrs = e.addresses.map((a) => canonicalIP(a)).filter((a): a is string => a !== undefined);
        if (addrs.length === 0) continue;
        const label = e.hostname ?? addrs[0]!.replace(/[.:]/g, '-');
        const ep: EndpointView = {
          label,
          ipv4: v6 ? [] : addrs,
          ipv6: v6 ? addrs : [],
          ports: slice.ports,
        };
        const list = view.endpoints.get(label);
        if (list) list.push(ep);
        else view.endpoints.set(label, [ep]);
        for (const a of addrs) {
          if (seen.has(a)) continue;
          seen.add(a);
          (v6 ? view.ipv6 : view.ipv4).push(a);
        }
      }
    }
  }
}
