/**
 * Service address and port allocation: a ClusterIP from the service CIDR for every Service that is
 * not headless or ExternalName, and a nodePort from the node-port range for each port of NodePort and
 * LoadBalancer Services (plus a healthCheckNodePort for LoadBalancers with externalTrafficPolicy
 * Local). Explicit values are checked against the range and against what is taken. Values are freed
 * when a Service is deleted, when its type no longer needs them, or when the write that claimed them
 * fails. State is rebuilt from the stored Services at start, so it survives restarts.
 */
import { invalid, type FieldError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { ipToNumber, ipToString, parseCidr, RangeAllocator } from './ip-allocator.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './types.ts';

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
}

export interface ServiceAllocationOptions {
  serviceCidr: string;
  nodePortRange: { first: number; last: number };
}

function specOf(obj: KubeObject | undefined): ServiceSpec {
  return ((obj?.spec as ServiceSpec | undefined) ?? {}) as ServiceSpec;
}

function needsClusterIP(s: ServiceSpec): boolean {
  return s.type !== 'ExternalName' && s.clusterIP !== 'None';
}

function needsNodePorts(s: ServiceSpec): boolean {
  return s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
}

function needsHealthCheckPort(s: ServiceSpec): boolean {
  return s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
}

/** What a service holds: its cluster IP (as a number) and node ports. */
function holdings(s: ServiceSpec): { ip?: number; ports: number[] } {
  const ip = s.clusterIP && s.clusterIP !== 'None' ? ipToNumber(s.clusterIP) : undefined;
  const ports = (s.ports ?? [])
    .map((p) => p.nodePort)
    .filter((p): p is number => typeof p === 'number' && p > 0);
  if (s.healthCheckNodePort) ports.push(s.healthCheckNodePort);
  return { ip, ports };
}

export class ServiceAllocator {
  readonly cidr: string;
  readonly ips: RangeAllocator;
  readonly ports: RangeAllocator;
  /** What each in-flight admission claimed, to give back if its write does not happen. */
  private readonly claimed = new WeakMap<AdmissionAttributes, { ips: number[]; ports: number[] }>();
  /** What an update will free once committed. */
  private readonly freeing = new WeakMap<AdmissionAttributes, { ips: number[]; ports: number[] }>();

  constructor(o: ServiceAllocationOptions) {
    this.cidr = o.serviceCidr;
    const { base, size } = parseCidr(o.serviceCidr);
    // Dynamic addresses start above a low band kept for well-known ones (10.96.0.1, 10.96.0.10).
    const band = Math.min(Math.max(16, Math.floor(size / 16)), 256);
    this.ips = new RangeAllocator(base + 1, base + size - 2, base + band);
    this.ports = new RangeAllocator(o.nodePortRange.first, o.nodePortRange.last);
  }

  /** Marks everything existing Services hold as taken. */
  load(services: readonly KubeObject[]): void {
    for (const svc of services) {
      const h = holdings(specOf(svc));
      if (h.ip !== undefined) this.ips.claim(h.ip);
      for (const p of h.ports) this.ports.claim(p);
    }
  }

  admit(a: AdmissionAttributes): void {
    if (a.operation === 'DELETE' || !a.obj) return;
    const spec = specOf(a.obj);
    a.obj.spec = spec as unknown as KubeObject['spec'];
    const old = a.operation === 'UPDATE' ? specOf(a.old) : undefined;
    const claimed = { ips: [] as number[], ports: [] as number[] };
    const errors: FieldError[] = [];
    try {
      this.assignClusterIP(spec, old, claimed, errors);
      this.assignNodePorts(spec, old, claimed, errors);
    } catch (err) {
      this.giveBack(claimed);
      throw err;
    }
    if (errors.length) {
      this.giveBack(claimed);
      throw invalid('Service', '', a.obj.metadata.name ?? '', errors);
    }
    this.claimed.set(a, claimed);
    if (old) {
      const before = holdings(old);
      const after = holdings(spec);
      this.freeing.set(a, {
        ips: before.ip !== undefined && before.ip !== after.ip ? [before.ip] : [],
        ports: before.ports.filter((p) => !after.ports.includes(p)),
      });
    }
  }

  private assignClusterIP(
    spec: ServiceSpec,
    old: ServiceSpec | undefined,
    claimed: { ips: number[] },
    errors: FieldError[],
  ): void {
    if (!needsClusterIP(spec)) {
      if (spec.type === 'ExternalName') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      } else {
        spec.clusterIPs = ['None'];
      }
      return;
    }
    const oldIp = old && needsClusterIP(old) ? old.clusterIP : undefined;
    if (!spec.clusterIP && oldIp) spec.clusterIP = oldIp;
    if (spec.clusterIP && spec.clusterIP === oldIp) {
      spec.clusterIPs = [spec.clusterIP];
    } else if (spec.clusterIP) {
      const n = ipToNumber(spec.clusterIP);
      if (n === undefined) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs[0]',
          message: `Invalid value: "${spec.clusterIP}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
        });
        return;
      }
      if (!this.ips.contains(n)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs[0]',
          message: `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${this.cidr}`,
        });
        return;
      }
      if (!this.ips.claim(n)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs[0]',
          message: `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
        });
        return;
      }
      claimed.ips.push(n);
      spec.clusterIPs = [spec.clusterIP];
    } else {
      const n = this.ips.allocateNext();
      if (n === undefined) {
        errors.push({
          type: 'InternalError',
          field: 'spec.clusterIPs',
          message: `Internal error: failed to allocate a serviceIP: range is full`,
        });
        return;
      }
      claimed.ips.push(n);
      spec.clusterIP = ipToString(n);
      spec.clusterIPs = [spec.clusterIP];
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }

  private claimPort(
    value: number,
    field: string,
    claimed: { ports: number[] },
    errors: FieldError[],
    mine: number[],
  ): void {
    if (mine.includes(value)) return;
    if (!this.ports.contains(value)) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${value}: provided port is not in the valid range. The range of valid ports is ${this.ports.first}-${this.ports.last}`,
      });
    } else if (!this.ports.claim(value)) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${value}: provided port is already allocated`,
      });
    } else {
      claimed.ports.push(value);
    }
  }

  private assignNodePorts(
    spec: ServiceSpec,
    old: ServiceSpec | undefined,
    claimed: { ports: number[] },
    errors: FieldError[],
  ): void {
    const oldPorts = old ? holdings(old).ports : [];
    const ports = spec.ports ?? [];
    if (!needsNodePorts(spec)) {
      // A type that does not use node ports drops them (they are freed once the update commits).
      if (spec.type === 'ClusterIP' || spec.type === 'ExternalName' || spec.type === undefined) {
        for (const p of ports) delete p.nodePort;
      } else {
        for (const [i, p] of ports.entries())
          if (p.nodePort) this.claimPort(p.nodePort, `spec.ports[${i}].nodePort`, claimed, errors, oldPorts);
      }
    } else {
      const seen = new Set<number>();
      for (const [i, p] of ports.entries()) {
        if (p.nodePort) {
          if (seen.has(p.nodePort)) {
            errors.push({
              type: 'FieldValueDuplicate',
              field: `spec.ports[${i}].nodePort`,
              message: `Duplicate value: ${p.nodePort}`,
            });
            continue;
          }
          this.claimPort(p.nodePort, `spec.ports[${i}].nodePort`, claimed, errors, oldPorts);
        } else {
          // On update, a port that kept its identity keeps its node port.
          const prev = old?.ports?.find((o) => o.port === p.port && o.name === p.name)?.nodePort;
          if (prev && !seen.has(prev)) {
            p.nodePort = prev;
          } else {
            const n = this.ports.allocateNext();
            if (n === undefined) {
              errors.push({
                type: 'InternalError',
                field: `spec.ports[${i}].nodePort`,
                message: 'Internal error: failed to allocate a nodePort: range is full',
              });
              continue;
            }
            claimed.ports.push(n);
            p.nodePort = n;
          }
        }
        seen.add(p.nodePort!);
      }
    }
    if (needsHealthCheckPort(spec)) {
      if (spec.healthCheckNodePort) {
        this.claimPort(spec.healthCheckNodePort, 'spec.healthCheckNodePort', claimed, errors, oldPorts);
      } else {
        const n = this.ports.allocateNext();
        if (n !== undefined) {
          claimed.ports.push(n);
          spec.healthCheckNodePort = n;
        }
      }
    } else {
      delete spec.healthCheckNodePort;
    }
  }

  private giveBack(c: { ips: number[]; ports: number[] }): void {
    for (const ip of c.ips) this.ips.release(ip);
    for (const p of c.ports) this.ports.release(p);
  }

  release(a: AdmissionAttributes, committed: boolean): void {
    if (a.operation === 'DELETE') {
      if (committed && a.old)
        this.giveBack({
          ips: [holdings(specOf(a.old)).ip].filter((x): x is number => x !== undefined),
          ports: holdings(specOf(a.old)).ports,
        });
      return;
    }
    const claimed = this.claimed.get(a);
    this.claimed.delete(a);
    if (!committed) {
      if (claimed) this.giveBack(claimed);
    } else {
      const freeing = this.freeing.get(a);
      if (freeing) this.giveBack(freeing);
    }
    this.freeing.delete(a);
  }
}

/** The admission plugin over a ServiceAllocator; loads existing Services on first use. */
export function serviceAllocation(api: Api, allocator: ServiceAllocator): AdmissionPlugin {
  let loaded: Promise<void> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      const rs = api.resource('', 'services');
      await rs.cache.start();
      allocator.load(rs.cache.list(rs.prefix('')).map((c) => c.obj));
    })());
  return {
    name: 'ServiceAllocation',
    async admit(a) {
      if (a.kind.group !== '' || a.kind.resource !== 'services' || a.subresource === 'status') return;
      await load();
      allocator.admit(a);
    },
    async release(a, committed) {
      if (a.kind.group !== '' || a.kind.resource !== 'services' || a.subresource === 'status') return;
      await load();
      allocator.release(a, committed);
    },
  };
}
