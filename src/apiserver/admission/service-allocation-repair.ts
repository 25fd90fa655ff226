/**
 * The repair loop for Service allocations (Kubernetes' ClusterIP and NodePort repair controllers):
 * rebuilds both RangeAllocation bitmaps from the stored Services, recording values a Service holds
 * that the bitmap lacks and freeing values no Service holds.
 *
 * Order matters: the bitmaps are read first, the Services listed after. A value allocated after the
 * read changes the bitmap, so the rebuilt one is refused by compare-and-swap and the pass runs again.
 * A value allocated before the read whose Service is not written yet looks leaked; so a leak is freed
 * only after it has been seen in `leakThreshold` passes in a row (minutes apart), never at once.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import { decodeStored } from '../watchcache.ts';
import { ipToString } from './ip-allocator.ts';
import type { RangeAllocation, RangeSnapshot } from './range-allocation.ts';
import { RangeBitmap } from './range-bitmap.ts';
import type { ServiceAllocator } from './service-allocation.ts';
import { holdings, specOf } from './service-spec.ts';

/** Per range: offset → passes in a row that found it allocated with no Service holding it. */
export interface LeakCounts {
  ips: Map<number, number>;
  ports: Map<number, number>;
}

/** What a pass found in one range (absolute values). */
export interface RangeRepair {
  /** Held by a Service but not marked allocated; now marked. */
  missing: number[];
  /** Marked allocated, held by no Service for `leakThreshold` passes; now freed. */
  freed: number[];
  /** Marked allocated, held by no Service, not freed yet. */
  leaked: number[];
  /** Held by a Service but outside the configured range. */
  outOfRange: number[];
  /** Held by more than one Service. */
  duplicates: number[];
  /** The bitmap was rewritten. */
  written: boolean;
}

export interface RepairReport {
  ips: RangeRepair;
  ports: RangeRepair;
}

export interface RepairOptions {
  /** Passes in a row a leak must be seen before it is freed (default 3). */
  leakThreshold?: number;
  /** Passes to try when another writer keeps changing a bitmap (default 5). */
  attempts?: number;
}

/**
 * One repair pass over both ranges (repeated while another writer wins the compare-and-swap).
 * `leaks` carries the leak counts from pass to pass.
 */
export async function repairServiceAllocations(
  api: Api,
  allocator: ServiceAllocator,
  leaks: LeakCounts,
  o: RepairOptions = {},
): Promise<RepairReport> {
  const threshold = o.leakThreshold ?? 3;
  const attempts = o.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const ipSnap = await allocator.ips.read();
    const portSnap = await allocator.ports.read();
    const services = await listServices(api);
    const ipUse = new Map<number, string[]>();
    const portUse = new Map<number, string[]>();
    for (const svc of services) {
      const who = `${svc.metadata.namespace}/${svc.metadata.name}`;
      const h = holdings(specOf(svc));
      if (h.ip !== undefined) push(ipUse, h.ip, who);
      for (const p of new Set(h.ports)) push(portUse, p, who);
    }
    const ips = await rebuild(allocator.ips, ipSnap, ipUse, leaks.ips, threshold);
    const ports = await rebuild(allocator.ports, portSnap, portUse, leaks.ports, threshold);
    if ((ips && ports) || attempt >= attempts) {
      const report = { ips: ips ?? failed(), ports: ports ?? failed() };
      logReport(allocator, report, ipUse, portUse);
      if (!ips || !ports) throw new Error('service allocation repair: the bitmaps kept changing; will retry');
      return report;
    }
  }
}

/** Rebuilds one bitmap; undefined when another write came first (leak counts then stay as they were). */
async function rebuild(
  range: RangeAllocation,
  snap: RangeSnapshot,
  use: Map<number, string[]>,
  leaks: Map<number, number>,
  threshold: number,
): Promise<RangeRepair | undefined> {
  const out: RangeRepair = {
    missing: [],
    freed: [],
    leaked: [],
    outOfRange: [],
    duplicates: [],
    written: false,
  };
  const bits = new RangeBitmap(range.size);
  for (const [value, holders] of use) {
    if (!range.contains(value)) {
      out.outOfRange.push(value);
      continue;
    }
    if (holders.length > 1) out.duplicates.push(value);
    bits.set(value - range.first);
    if (!snap.bits.has(value - range.first)) out.missing.push(value);
  }
  const counts = new Map<number, number>();
  for (const off of snap.bits.offsets()) {
    if (bits.has(off)) continue;
    const seen = (leaks.get(off) ?? 0) + 1;
    if (seen >= threshold) {
      out.freed.push(range.first + off);
    } else {
      bits.set(off);
      counts.set(off, seen);
      out.leaked.push(range.first + off);
    }
  }
  if (snap.damaged || !bits.equals(snap.bits)) {
    if (!(await range.write(bits, snap.rev))) return undefined;
    out.written = true;
  }
  leaks.clear();
  for (const [off, n] of counts) leaks.set(off, n);
  return out;
}

function failed(): RangeRepair {
  return { missing: [], freed: [], leaked: [], outOfRange: [], duplicates: [], written: false };
}

/** Every stored Service, read from the datastore (not a watch cache that may lag). */
async function listServices(api: Api): Promise<KubeObject[]> {
  const rs = api.resource('', 'services');
  const { kvs } = await api.store.list(rs.prefix(''));
  return kvs.map((kv) => rs.served(decodeStored(kv.value, kv.modRevision)));
}

function push(m: Map<number, string[]>, k: number, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function logReport(
  allocator: ServiceAllocator,
  r: RepairReport,
  ipUse: Map<number, string[]>,
  portUse: Map<number, string[]>,
): void {
  const show = (kind: 'ip' | 'port', values: number[], use: Map<number, string[]>) =>
    values.map(
      (v) => `${kind === 'ip' ? ipToString(v) : v}${use.has(v) ? ` (${use.get(v)!.join(', ')})` : ''}`,
    );
  const lines: [string, string[]][] = [
    ['cluster IPs held by Services but not marked allocated (now marked)', show('ip', r.ips.missing, ipUse)],
    [
      'node ports held by Services but not marked allocated (now marked)',
      show('port', r.ports.missing, portUse),
    ],
    ['leaked cluster IPs freed', show('ip', r.ips.freed, ipUse)],
    ['leaked node ports freed', show('port', r.ports.freed, portUse)],
    [`cluster IPs held outside the service CIDR ${allocator.cidr}`, show('ip', r.ips.outOfRange, ipUse)],
    [`node ports held outside the range ${allocator.ports.range}`, show('port', r.ports.outOfRange, portUse)],
    ['cluster IPs held by more than one Service', show('ip', r.ips.duplicates, ipUse)],
    ['node ports held by more than one Service', show('port', r.ports.duplicates, portUse)],
  ];
  for (const [msg, values] of lines)
    if (values.length) allocator.log(`service allocation repair: ${msg}`, { values });
}

export interface RepairLoopOptions extends RepairOptions {
  /** Time between passes (default 3 minutes, as Kubernetes). */
  intervalMs?: number;
}

/** Runs repair passes in the API server process: one at start, then every `intervalMs`. */
export class ServiceAllocationRepair {
  private readonly api: Api;
  private readonly allocator: ServiceAllocator;
  private readonly o: RepairLoopOptions;
  private readonly leaks: LeakCounts = { ips: new Map(), ports: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RepairReport | undefined> | undefined;
  private stopped = false;

  constructor(api: Api, allocator: ServiceAllocator, o: RepairLoopOptions = {}) {
    this.api = api;
    this.allocator = allocator;
    this.o = o;
  }

  /** One pass; overlapping calls share it. Failures are logged and answered undefined. */
  runOnce(): Promise<RepairReport | undefined> {
    this.running ??= repairServiceAllocations(this.api, this.allocator, this.leaks, this.o)
      .catch((err: unknown) => {
        // After stop() the datastore may be closing under the last pass: nothing to report.
        if (!this.stopped) this.allocator.log('service allocation repair failed', { err: String(err) });
        return undefined;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Runs the first pass, then schedules the rest. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.runOnce();
    this.timer ??= setInterval(() => void this.runOnce(), this.o.intervalMs ?? 180_000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
