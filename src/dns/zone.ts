/**
 * The cluster zone's answers, computed from a ClusterIndex: which names exist, which records they
 * hold, and the difference between a name that does not exist (NXDOMAIN) and one that exists
 * without records of the asked type (NODATA: NOERROR, no answers, the SOA in authority so caches
 * know how long to remember the negative answer — RFC 2308).
 *
 * Names served under the domain D (default cluster.local):
 *   D                                  SOA, NS (ns.dns.D)
 *   ns.dns.D                           A/AAAA of the kube-dns Service in kube-system
 *   svc.D, <ns>.svc.D                  exist (the latter while the namespace has a Service)
 *   <svc>.<ns>.svc.D                   ClusterIP: A/AAAA of the cluster IPs; headless: of every
 *                                      ready endpoint; ExternalName: CNAME; SRV for named ports
 *   <ep>.<svc>.<ns>.svc.D              headless endpoint by hostname or dashed address
 *   _<port>._<proto>.<svc>.<ns>.svc.D  SRV, with the targets' addresses as additional records
 *   a-b-c-d.<ns>.pod.D                 A a.b.c.d (pod names are synthesized, as kube-dns did)
 * and PTR under in-addr.arpa/ip6.arpa for cluster IPs and headless endpoint addresses.
 */
import { addressOfReverseName, ipv4Bytes } from './address.ts';
import type { ClusterIndex, EndpointView, NamedPort, ServiceView } from './cluster-index.ts';
import { CLASS_IN, Rcode, RRType, type ResourceRecord } from './message.ts';

/** What the zone says about one question. */
export interface ZoneAnswer {
  rcode: number;
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  /**
   * Set when the answer ends in a CNAME to a name outside the zone: the server resolves
   * `chase` (same type) through the upstreams and appends what it gets.
   */
  chase?: string;
}

export interface ClusterZoneOptions {
  /** TTL of every cluster record and of negative answers (seconds, default 5). */
  ttl?: number;
}

const MAX_CNAME_CHAIN = 8;

/** Answers questions for the cluster domain and for reverse names of cluster addresses. */
export class ClusterZone {
  readonly index: ClusterIndex;
  readonly domain: string;
  readonly ttl: number;
  private readonly suffix: string;
  private readonly nsName: string;

  constructor(index: ClusterIndex, opts: ClusterZoneOptions = {}) {
    this.index = index;
    this.domain = index.domain;
    this.ttl = opts.ttl ?? 5;
    this.suffix = `.${this.domain}`;
    this.nsName = `ns.dns.${this.domain}`;
  }

  /** True when `name` (any case) is the cluster domain or below it. */
  inZone(name: string): boolean {
    const lower = name.toLowerCase();
    return lower === this.domain || lower.endsWith(this.suffix);
  }

  /**
   * The answer for `name`/`type`, or undefined when the zone has nothing to say and the question
   * should go upstream (outside the domain, or a reverse name of an address the cluster does not own).
   */
  resolve(name: string, type: number): ZoneAnswer | undefined {
    if (this.inZone(name)) return this.resolveInZone(name, type, 0);
    if (type === RRType.PTR) return this.reverse(name);
    return undefined;
  }

  /** The zone's SOA record (the negative-caching TTL is its minimum). */
  soa(): ResourceRecord {
    return {
      name: this.domain,
      type: RRType.SOA,
      class: CLASS_IN,
      ttl: this.ttl,
      mname: this.nsName,
      rname: `hostmaster.${this.domain}`,
      serial: this.index.generation >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: this.ttl,
    };
  }

  private resolveInZone(owner: string, type: number, depth: number): ZoneAnswer {
    const lower = owner.toLowerCase();
    const rel = lower === this.domain ? [] : lower.slice(0, -this.suffix.length).split('.');
    const n = rel.length;
    if (n === 0) return this.apex(owner, type);
    const top = rel[n - 1];
    if (top === 'svc') {
      if (n === 1) return this.nodata();
      const ns = rel[n - 2]!;
      if (!this.index.hasNamespace(ns)) return this.nxdomain();
      if (n === 2) return this.nodata();
      const svc = this.index.service(rel[n - 3]!, ns);
      if (!svc) return this.nxdomain();
      if (n === 3) return this.serviceAnswer(owner, type, svc, depth);
      if (n === 4) {
        const first = rel[0]!;
        if (first.startsWith('_')) {
          const proto = first.slice(1);
          return this.allPorts(svc).some((p) => p.protocol === proto) ? this.nodata() : this.nxdomain();
        }
        return this.endpointAnswer(owner, type, svc, first);
      }
      if (n === 5 && rel[0]!.startsWith('_') && rel[1]!.startsWith('_'))
        return this.srvAnswer(owner, type, svc, rel[0]!.slice(1), rel[1]!.slice(1));
      return this.nxdomain();
    }
    if (top === 'pod') {
      if (n <= 2) return this.nodata();
      if (n === 3) {
        const ip = rel[0]!.replace(/-/g, '.');
        if (ipv4Bytes(ip))
          return type === RRType.A || type === RRType.ANY ? this.ok([this.a(owner, ip)]) : this.nodata();
      }
      return this.nxdomain();
    }
    if (top === 'dns') {
      if (n === 1) return this.nodata();
      if (n === 2 && rel[0] === 'ns') return this.nameserverAddress(owner, type);
    }
    return this.nxdomain();
  }

  private apex(owner: string, type: number): ZoneAnswer {
    const answers: ResourceRecord[] = [];
    const additionals: ResourceRecord[] = [];
    if (type === RRType.SOA || type === RRType.ANY) answers.push({ ...this.soa(), name: owner });
    if (type === RRType.NS || type === RRType.ANY) {
      answers.push({ name: owner, type: RRType.NS, class: CLASS_IN, ttl: this.ttl, target: this.nsName });
      additionals.push(...this.nameserverAddress(this.nsName, RRType.ANY).answers);
    }
    if (answers.length === 0) return this.nodata();
    return { ...this.ok(answers), additionals };
  }

  private nameserverAddress(owner: string, type: number): ZoneAnswer {
    const dns = this.index.service('kube-dns', 'kube-system');
    if (!dns || dns.kind !== 'ClusterIP') return this.nxdomain();
    return this.addresses(owner, type, dns.clusterIPv4, dns.clusterIPv6);
  }

  private serviceAnswer(owner: string, type: number, svc: ServiceView, depth: number): ZoneAnswer {
    if (svc.kind === 'ExternalName') return this.externalName(owner, type, svc, depth);
    if (type === RRType.SRV) {
      const answers: ResourceRecord[] = [];
      const additionals: ResourceRecord[] = [];
      for (const p of svc.ports) {
        const r = this.srvAnswer(owner, type, svc, p.name, p.protocol);
        answers.push(...r.answers);
        additionals.push(...r.additionals);
      }
      return answers.length ? { ...this.ok(answers), additionals } : this.nodata();
    }
    if (svc.kind === 'Headless') return this.addresses(owner, type, svc.ipv4, svc.ipv6);
    return this.addresses(owner, type, svc.clusterIPv4, svc.clusterIPv6);
  }

  private externalName(owner: string, type: number, svc: ServiceView, depth: number): ZoneAnswer {
    if (!svc.externalName) return this.nodata();
    const cname: ResourceRecord = {
      name: owner,
      type: RRType.CNAME,
      class: CLASS_IN,
      ttl: this.ttl,
      target: svc.externalName,
    };
    if (type === RRType.CNAME) return this.ok([cname]);
    if (!this.inZone(svc.externalName)) return { ...this.ok([cname]), chase: svc.externalName };
    if (depth >= MAX_CNAME_CHAIN) return { ...this.ok([cname]), rcode: Rcode.SERVFAIL };
    const next = this.resolveInZone(svc.externalName, type, depth + 1);
    return { ...next, answers: [cname, ...next.answers] };
  }

  private endpointAnswer(owner: string, type: number, svc: ServiceView, label: string): ZoneAnswer {
    const eps = svc.endpoints.get(label);
    if (!eps) return this.nxdomain();
    return this.addresses(
      owner,
      type,
      eps.flatMap((e) => e.ipv4),
      eps.flatMap((e) => e.ipv6),
    );
  }

  /** Every named port of the Service, or for headless ones of any of its endpoints. */
  private allPorts(svc: ServiceView): NamedPort[] {
    if (svc.kind !== 'Headless') return svc.ports;
    return [...svc.ports, ...[...svc.endpoints.values()].flatMap((l) => l.flatMap((e) => e.ports))];
  }

  private srvAnswer(owner: string, type: number, svc: ServiceView, port: string, proto: string): ZoneAnswer {
    if (svc.kind === 'ExternalName') return this.nxdomain();
    const answers: ResourceRecord[] = [];
    const additionals: ResourceRecord[] = [];
    const srv = (priority: number, weight: number, p: number, target: string): void => {
      answers.push({
        name: owner,
        type: RRType.SRV,
        class: CLASS_IN,
        ttl: this.ttl,
        priority,
        weight,
        port: p,
        target,
      });
    };
    if (svc.kind === 'ClusterIP') {
      const p = svc.ports.find((x) => x.name === port && x.protocol === proto);
      if (!p) return this.nxdomain();
      if (type !== RRType.SRV && type !== RRType.ANY) return this.nodata();
      srv(0, 100, p.port, svc.fqdn);
      additionals.push(...this.addresses(svc.fqdn, RRType.ANY, svc.clusterIPv4, svc.clusterIPv6).answers);
      return { ...this.ok(answers), additionals };
    }
    const hits: [EndpointView, number][] = [];
    for (const list of svc.endpoints.values())
      for (const ep of list) {
        const p = ep.ports.find((x) => x.name === port && x.protocol === proto);
        if (p) hits.push([ep, p.port]);
      }
    const declared = svc.ports.some((x) => x.name === port && x.protocol === proto);
    if (hits.length === 0) return declared ? this.nodata() : this.nxdomain();
    if (type !== RRType.SRV && type !== RRType.ANY) return this.nodata();
    const weight = Math.max(1, Math.floor(100 / hits.length));
    for (const [ep, p] of hits) {
      const target = `${ep.label}.${svc.fqdn}`;
      srv(0, weight, p, target);
      additionals.push(...this.addresses(target, RRType.ANY, ep.ipv4, ep.ipv6).answers);
    }
    return { ...this.ok(answers), additionals };
  }

  private reverse(name: string): ZoneAnswer | undefined {
    const ip = addressOfReverseName(name);
    const targets = ip === undefined ? undefined : this.index.ptrTargets(ip);
    if (!targets) return undefined;
    return this.ok(
      [...targets].map((target) => ({ name, type: RRType.PTR, class: CLASS_IN, ttl: this.ttl, target })),
    );
  }

  private addresses(owner: string, type: number, v4: readonly string[], v6: readonly string[]): ZoneAnswer {
    const answers: ResourceRecord[] = [];
    if (type === RRType.A || type === RRType.ANY) for (const ip of v4) answers.push(this.a(owner, ip));
    if (type === RRType.AAAA || type === RRType.ANY)
      for (const ip of v6)
        answers.push({ name: owner, type: RRType.AAAA, class: CLASS_IN, ttl: this.ttl, address: ip });
    return answers.length ? this.ok(answers) : this.nodata();
  }

  private a(owner: string, ip: string): ResourceRecord {
    return { name: owner, type: RRType.A, class: CLASS_IN, ttl: this.ttl, address: ip };
  }

  private ok(answers: ResourceRecord[]): ZoneAnswer {
    return { rcode: Rcode.NOERROR, answers, authorities: [], additionals: [] };
  }

  private nodata(): ZoneAnswer {
    return { rcode: Rcode.NOERROR, answers: [], authorities: [this.soa()], additionals: [] };
  }

  private nxdomain(): ZoneAnswer {
    return { rcode: Rcode.NXDOMAIN, answers: [], authorities: [this.soa()], additionals: [] };
  }
}
