/**
 * Collects the node's CPU and memory readings: every container this agent runs (CRI
 * ListContainerStats joined with the running containers, through the labels the pod sync loop sets)
 * plus the host's counters. It reads in the background every `windowMs` and keeps a short history,
 * and reads again on demand when the newest reading is older than `minWindowMs`, so a summary always
 * has a fresh reading and a rate over roughly one window (or, just after start, over at least
 * `minWindowMs`).
 */
import type { RuntimeService } from '../cri/service.ts';
import type { ContainerStats, UInt64Value } from '../cri/types.ts';
import {
  labelContainerName,
  labelNode,
  labelPodName,
  labelPodNamespace,
  labelPodUid,
} from '../pods/labels.ts';
import { readHostSample, type HostSample } from './host.ts';
import { buildSummary, type ContainerSample, type Sample, type Summary } from './summary.ts';

export interface StatsCollectorOptions {
  cri: RuntimeService;
  nodeName: string;
  /** Target distance between the two readings a rate comes from (10 s, as metrics-server's resolution). */
  windowMs?: number;
  /** The shortest window served: a summary asked for sooner after start waits this long (1 s). */
  minWindowMs?: number;
  /** The host's counters (tests pass a fake); undefined from it leaves the node figures out. */
  readHost?: () => Promise<HostSample | undefined>;
  now?: () => number;
}

const num = (v: UInt64Value | undefined): number | undefined => (v ? Number(v.value) : undefined);

/** A container's reading from its CRI stats; undefined when it is not one of this node's pod containers. */
export function containerSample(s: ContainerStats, nowMs: number): ContainerSample | undefined {
  const a = s.attributes;
  const labels = a?.labels ?? {};
  if (!a || !labels[labelPodName]) return undefined;
  const ts = s.cpu?.timestamp ? Number(BigInt(s.cpu.timestamp) / 1_000_000n) : 0;
  return {
    id: a.id,
    name: labels[labelContainerName] ?? a.metadata?.name ?? '',
    pod: {
      name: labels[labelPodName] ?? '',
      namespace: labels[labelPodNamespace] ?? '',
      uid: labels[labelPodUid] ?? '',
    },
    cpuNs: num(s.cpu?.usage_core_nano_seconds ?? undefined),
    cpuAtMs: ts > 0 ? ts : nowMs,
    workingSetBytes: num(s.memory?.working_set_bytes ?? undefined),
    usageBytes: num(s.memory?.usage_bytes ?? undefined),
    rssBytes: num(s.memory?.rss_bytes ?? undefined),
    rootfsBytes: num(s.writable_layer?.used_bytes ?? undefined),
  };
}

export class StatsCollector {
  private readonly o: StatsCollectorOptions;
  private readonly windowMs: number;
  private readonly minWindowMs: number;
  private history: Sample[] = [];
  private pending: Promise<Sample> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(o: StatsCollectorOptions) {
    this.o = o;
    this.windowMs = o.windowMs ?? 10_000;
    this.minWindowMs = o.minWindowMs ?? 1000;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Takes a first reading and keeps reading every window. */
  start(): void {
    if (this.timer) return;
    const tick = () => void this.sample().catch(() => {});
    tick();
    this.timer = setInterval(tick, this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the runtime and the host now and adds the reading to the history (one read at a time). */
  sample(): Promise<Sample> {
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async read(): Promise<Sample> {
    const selector = { [labelNode]: this.o.nodeName };
    const [running, stats, host] = await Promise.all([
      this.o.cri.listContainers({ state: { state: 'CONTAINER_RUNNING' }, label_selector: selector }),
      this.o.cri.listContainerStats({ label_selector: selector }),
      (this.o.readHost ?? readHostSample)().catch(() => undefined),
    ]);
    const atMs = this.now();
    const live = new Set(running.map((c) => c.id));
    const containers: ContainerSample[] = [];
    for (const s of stats) {
      if (!s.attributes || !live.has(s.attributes.id)) continue;
      const c = containerSample(s, atMs);
      if (c) containers.push(c);
    }
    const sample: Sample = { atMs, host, containers };
    // Keep what a rate over one window can still need.
    this.history = [...this.history.filter((s) => atMs - s.atMs <= 3 * this.windowMs), sample];
    return sample;
  }

  /** The summary with a fresh reading and rates over about one window. */
  async summary(): Promise<Summary> {
    const last = this.history[this.history.length - 1];
    if (!last || this.now() - last.atMs >= this.minWindowMs) await this.sample();
    if (this.history.length < 2) {
      await new Promise((r) => setTimeout(r, this.minWindowMs));
      await this.sample();
    }
    return buildSummary(this.o.nodeName, this.history, this.windowMs);
  }
}
