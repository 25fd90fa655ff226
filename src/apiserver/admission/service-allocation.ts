/**
 * Service address and port allocation: a ClusterIP from the service CIDR for every Service that is
 * not headless or ExternalName, and a nodePort from the node-port range for each port of NodePort and
 * LoadBalancer Services (plus a healthCheckNodePort for LoadBalancers with externalTrafficPolicy
 * Local). Explicit values are checked against the range and against what is taken. Values are freed
 * when a Service is deleted, when its type no longer needs them, or when the write that claimed them
 * fails.
 *
 * What is taken lives in the datastore, in two RangeAllocation bitmaps written by compare-and-swap
 * (see range-allocation.ts), so several API server processes on one etcd never hand out the same
 * address or port, and a restart keeps every allocation. A repair pass (service-allocation-repair.ts)
 * reconciles the bitmaps with the stored Services before this process allocates for the first time
 * and then every few minutes.
 */
import { internalError, invalid, StatusError, type FieldError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { StoreError, type Store } from '../../store/types.ts';
import type { Api } from '../api.ts';
import { mapStoreError, shouldDeleteDuringUpdate } from '../registry/resource-store.ts';
import { ipToNumber, ipToString, parseCidr } from './ip-allocator.ts';
import { RangeAllocation, RangeAllocationError } from './range-allocation.ts';
import { repairServiceAllocations } from './service-allocation-repair.ts';
import {
  holdings,
  needsClusterIP,
  needsHealthCheckPort,
  needsNodePorts,
  specOf,
  type ServiceSpec,
} from './service-spec.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './types.ts';

export interface ServiceAllocationOptions {
  serviceCidr: string;
  nodePortRange: { first: number; last: number };
  /** Where failures that cannot reach a client go (a release that could not be written). */
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  /** Randomness for the dynamic search start (tests). */
  random?: () => number;
}

/** The datastore keys of the two bitmaps (the same places Kubernetes keeps its RangeAllocations). */
export const serviceIPsKey = '/registry/ranges/serviceips';
export const nodePortsKey = '/registry/ranges/servicenodeports';

interface Claims {
  ips: number[];
  ports: number[];
}

/** What one admission wants from the node-port range. */
interface PortPlan {
  explicit: { value: number; field: string }[];
  dynamic: { field: string; assign: (n: number) => void }[];
}

/** What one admission wants from the service CIDR: a given address, or any (`value` undefined). */
interface IpPlan {
  value?: number;
  assign: (n: number) => void;
}

export class ServiceAllocator {
  readonly cidr: string;
  readonly ips: RangeAllocation;
  readonly ports: RangeAllocation;
  readonly log: (msg: string, extra?: Record<string, unknown>) => void;
  /** What each in-flight admission claimed, to give back if its write does not happen. */
  private readonly claimed = new WeakMap<AdmissionAttributes, Claims>();
  /** What an update will free once committed. */
  private readonly freeing = new WeakMap<AdmissionAttributes, Claims>();

  constructor(store: Store, o: ServiceAllocationOptions) {
    this.cidr = o.serviceCidr;
    this.log = o.log ?? ((msg, extra) => console.warn(msg, extra ?? ''));
    const { base, size } = parseCidr(o.serviceCidr);
    // Dynamic addresses start above a low band kept for well-known ones (10.96.0.1, 10.96.0.10).
    const ipBand = Math.min(Math.max(16, Math.floor(size / 16)), 256);
    // The network and broadcast addresses stay unused.
    this.ips = new RangeAllocation(store, {
      key: serviceIPsKey,
      range: o.serviceCidr,
      first: base + 1,
      last: base + size - 2,
      band: ipBand - 1,
      random: o.random,
    });
    const { first, last } = o.nodePortRange;
    const portBand = Math.min(Math.max(16, Math.floor((last - first + 1) / 32)), 128);
    this.ports = new RangeAllocation(store, {
      key: nodePortsKey,
      range: `${first}-${last}`,
      first,
      last,
      band: portBand,
      random: o.random,
    });
  }

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.operation === 'DELETE' || !a.obj) return;
    const spec = specOf(a.obj);
    a.obj.spec = spec as unknown as KubeObject['spec'];
    const old = a.operation === 'UPDATE' ? specOf(a.old) : undefined;
    const errors: FieldError[] = [];
    const ip = this.planClusterIP(spec, old, errors);
    const ports = this.planNodePorts(spec, old, errors);
    const name = a.obj.metadata.name ?? '';
    if (errors.length) throw invalid('Service', '', name, errors);
    const dryRun = a.ctx.dryRun;
    const claimed: Claims = { ips: [], ports: [] };
    try {
      if (ip) await this.allocateIP(spec, ip, dryRun, claimed, errors);
      if (ports.explicit.length || ports.dynamic.length)
        await this.allocatePorts(ports, dryRun, claimed, errors);
    } catch (err) {
      await this.giveBack(claimed, name);
      throw asStatus(err);
    }
    if (errors.length) {
      await this.giveBack(claimed, name);
      throw invalid('Service', '', name, errors);
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

  /** Normalizes clusterIP/clusterIPs and says what to allocate (undefined: nothing). */
  private planClusterIP(
    spec: ServiceSpec,
    old: ServiceSpec | undefined,
    errors: FieldError[],
  ): IpPlan | undefined {
    if (!needsClusterIP(spec)) {
      if (spec.type === 'ExternalName') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      } else {
        spec.clusterIPs = ['None'];
      }
      return undefined;
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    const oldIp = old && needsClusterIP(old) ? old.clusterIP : undefined;
    if (!spec.clusterIP && oldIp) spec.clusterIP = oldIp;
    const assign = (n: number) => {
      spec.clusterIP = ipToString(n);
      spec.clusterIPs = [spec.clusterIP];
    };
    if (spec.clusterIP && spec.clusterIP === oldIp) {
      spec.clusterIPs = [spec.clusterIP];
      return undefined;
    }
    if (!spec.clusterIP) return { assign };
    const n = ipToNumber(spec.clusterIP);
    const field = 'spec.clusterIPs[0]';
    if (n === undefined) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        message: `Invalid value: "${spec.clusterIP}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
      });
      return undefined;
    }
    if (!this.ips.contains(n)) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        message: `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${this.cidr}`,
      });
      return undefined;
    }
    return { value: n, assign };
  }

  private async allocateIP(
    spec: ServiceSpec,
    plan: IpPlan,
    dryRun: boolean,
    claimed: Claims,
    errors: FieldError[],
  ): Promise<void> {
    const explicit = plan.value !== undefined ? [plan.value] : [];
    const r = await this.ips.allocate(explicit, explicit.length ? 0 : 1, dryRun);
    if (r.ok) {
      const n = plan.value ?? r.values[0];
      if (!dryRun) claimed.ips.push(n);
      plan.assign(n);
    } else if (plan.value !== undefined) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.clusterIPs[0]',
        message: `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
      });
    } else {
      errors.push({
        type: 'InternalError',
        field: 'spec.clusterIPs',
        message: `Internal error: failed to allocate a serviceIP: range is full`,
      });
    }
  }

  /** Normalizes node ports and says which to claim and how many to pick. */
  private planNodePorts(spec: ServiceSpec, old: ServiceSpec | undefined, errors: FieldError[]): PortPlan {
    const plan: PortPlan = { explicit: [], dynamic: [] };
    // Ports the Service already holds need no claim.
    const mine = old ? holdings(old).ports : [];
    const claim = (value: number, field: string) => {
      if (mine.includes(value)) return;
      if (!this.ports.contains(value)) {
        errors.push({
          type: 'FieldValueInvalid',
          field,
          message: `Invalid value: ${value}: provided port is not in the valid range. The range of valid ports is ${this.ports.first}-${this.ports.last}`,
        });
      } else {
        plan.explicit.push({ value, field });
      }
    };
    const ports = spec.ports ?? [];
    if (!needsNodePorts(spec)) {
      // A type that does not use node ports drops them (they are freed once the update commits).
      if (spec.type === 'ClusterIP' || spec.type === 'ExternalName' || spec.type === undefined) {
        for (const p of ports) delete p.nodePort;
      } else {
        for (const [i, p] of ports.entries()) if (p.nodePort) claim(p.nodePort, `spec.ports[${i}].nodePort`);
      }
    } else {
      const seen = new Set<number>();
      for (const [i, p] of ports.entries()) {
        const field = `spec.ports[${i}].nodePort`;
        if (p.nodePort) {
          if (seen.has(p.nodePort)) {
            errors.push({ type: 'FieldValueDuplicate', field, message: `Duplicate value: ${p.nodePort}` });
            continue;
          }
          claim(p.nodePort, field);
          seen.add(p.nodePort);
          continue;
        }
        // On update, a port that kept its identity keeps its node port.
        const prev = old?.ports?.find((o) => o.port === p.port && o.name === p.name)?.nodePort;
        if (prev && !seen.has(prev)) {
          p.nodePort = prev;
          seen.add(prev);
        } else {
          // Picked values never collide with `seen`: those are held already or claimed in the same write.
          plan.dynamic.push({ field, assign: (n) => (p.nodePort = n) });
        }
      }
    }
    if (needsHealthCheckPort(spec)) {
      if (spec.healthCheckNodePort) claim(spec.healthCheckNodePort, 'spec.healthCheckNodePort');
      else
        plan.dynamic.push({
          field: 'spec.healthCheckNodePort',
          assign: (n) => (spec.healthCheckNodePort = n),
        });
    } else {
      delete spec.healthCheckNodePort;
    }
    return plan;
  }

  private async allocatePorts(
    plan: PortPlan,
    dryRun: boolean,
    claimed: Claims,
    errors: FieldError[],
  ): Promise<void> {
    const r = await this.ports.allocate(
      plan.explicit.map((e) => e.value),
      plan.dynamic.length,
      dryRun,
    );
    if (r.ok) {
      if (!dryRun) claimed.ports.push(...plan.explicit.map((e) => e.value), ...r.values);
      plan.dynamic.forEach((d, i) => d.assign(r.values[i]));
      return;
    }
    for (const i of r.taken) {
      const e = plan.explicit[i];
      errors.push({
        type: 'FieldValueInvalid',
        field: e.field,
        message: `Invalid value: ${e.value}: provided port is already allocated`,
      });
    }
    if (r.full) {
      for (const d of plan.dynamic.slice(r.picked)) {
        errors.push({
          type: 'InternalError',
          field: d.field,
          message: 'Internal error: failed to allocate a nodePort: range is full',
        });
      }
    }
  }

  /** Frees values; a failure is logged (the repair loop frees what stays leaked). */
  private async giveBack(c: Claims, service: string): Promise<void> {
    const results = await Promise.allSettled([this.ips.release(c.ips), this.ports.release(c.ports)]);
    for (const r of results) {
      if (r.status === 'rejected') {
        this.log('could not release service allocations; the repair loop will free them', {
          service,
          ips: c.ips.map(ipToString),
          ports: c.ports,
          err: String(r.reason),
        });
      }
    }
  }

  async release(a: AdmissionAttributes, committed: boolean): Promise<void> {
    const name = a.name;
    if (a.operation === 'DELETE') {
      if (committed && a.old) await this.giveBack(held(a.old), name);
      return;
    }
    const claimed = this.claimed.get(a);
    const freeing = this.freeing.get(a);
    this.claimed.delete(a);
    this.freeing.delete(a);
    if (!committed) {
      if (claimed) await this.giveBack(claimed, name);
    } else if (a.obj && shouldDeleteDuringUpdate(a.obj)) {
      // The update removed the last finalizer: the Service is gone, with everything it held.
      const before = a.old ? held(a.old) : { ips: [], ports: [] };
      const after = held(a.obj);
      await this.giveBack(
        { ips: [...before.ips, ...after.ips], ports: [...before.ports, ...after.ports] },
        name,
      );
    } else if (freeing) {
      await this.giveBack(freeing, name);
    }
  }
}

function held(obj: KubeObject): Claims {
  const h = holdings(specOf(obj));
  return { ips: h.ip !== undefined ? [h.ip] : [], ports: h.ports };
}

function asStatus(err: unknown): unknown {
  if (err instanceof StatusError) return err;
  if (err instanceof StoreError) {
    try {
      mapStoreError(err);
    } catch (mapped) {
      return mapped;
    }
  }
  if (err instanceof RangeAllocationError) return internalError(err.message);
  return err;
}

/**
 * The admission plugin over a ServiceAllocator. Before its first allocation it reconciles the
 * bitmaps with the stored Services once (a data directory from before the bitmaps were stored, or
 * Services written while the bitmap was lost, must not lead to duplicates).
 */
export function serviceAllocation(api: Api, allocator: ServiceAllocator): AdmissionPlugin {
  let synced: Promise<void> | undefined;
  const sync = () =>
    (synced ??= repairServiceAllocations(api, allocator, { ips: new Map(), ports: new Map() }).then(
      () => undefined,
      (err: unknown) => {
        synced = undefined;
        throw asStatus(err);
      },
    ));
  const applies = (a: AdmissionAttributes) =>
    a.kind.group === '' && a.kind.resource === 'services' && a.subresource !== 'status';
  return {
    name: 'ServiceAllocation',
    async admit(a) {
      if (!applies(a)) return;
      await sync();
      await allocator.admit(a);
    },
    async release(a, committed) {
      if (!applies(a)) return;
      await allocator.release(a, committed);
    },
  };
}
