/**
 * The eviction manager: every `monitoringIntervalMs` (5 s) it reads the signals (memory.available,
 * nodefs.available) and compares them with the hard thresholds (--eviction-hard). A signal below
 * its threshold puts the node under pressure: the matching condition (MemoryPressure,
 * DiskPressure) is reported True through the agent at once, and stays True until the signal has
 * been clear for the whole transition period (--eviction-pressure-transition-period, 5 min), so the
 * condition does not flap. The taints that follow from the conditions are the node lifecycle
 * controller's (src/controllers/nodelifecycle/taints.ts), not the agent's.
 *
 * Soft thresholds (--eviction-soft) set the condition the same way but evict only once their signal
 * has stayed below them for their grace period (--eviction-soft-grace-period); their victims get the
 * pod's own terminationGracePeriodSeconds, capped by --eviction-max-pod-grace-period. Hard ones
 * evict at once with `evictionGraceSeconds` (1).
 *
 * While a threshold is due, each pass evicts one pod, ranked by src/node/eviction/ranking.ts with
 * its usage: memory from the stats collector (CRI stats, src/node/stats); disk (nodefs) as the
 * containers' writable layers plus their logs and the pod's disk-backed emptyDirs (disk-usage.ts).
 * The pod is stopped and its status set to phase Failed, reason Evicted, as the kubelet does (no
 * API eviction). Then the next pass looks again, so one pass never evicts more than the pressure
 * called for.
 *
 * It plugs into the agent as a pod worker after the pod sync loop: `agent.addWorker(manager)`.
 */
import type { Clock } from '../../client/clock.ts';
import { realClock, sleep } from '../../client/clock.ts';
import { silentLogger, type ClientLogger } from '../../client/logger.ts';
import type { PressureReport } from '../agent/node-status.ts';
import type { RuntimeService } from '../cri/service.ts';
import type { RPod } from '../pods/types.ts';
import { StatsCollector } from '../stats/collector.ts';
import type { Sample } from '../stats/summary.ts';
import { podDiskUsage, type PodDiskUsage } from './disk-usage.ts';
import { evictable, podRequest, rankForEviction } from './ranking.ts';
import { hostSignals, type SignalSource } from './signals.ts';
import {
  crossed,
  defaultEvictionHard,
  formatBytes,
  parseEvictionHard,
  signalInfo,
  thresholdBytes,
  type Observation,
  type Threshold,
} from './thresholds.ts';

/** The pods the manager may evict and how (the pod sync loop satisfies it). */
export interface EvictablePods {
  knownPods(): RPod[];
  evictPod(uid: string, message: string, graceSeconds?: number): Promise<boolean>;
}

/** Per-container usage readings (a StatsCollector satisfies it). */
export interface UsageSource {
  sample(): Promise<Pick<Sample, 'containers'>>;
}

export interface EvictionManagerOptions {
  pods: EvictablePods;
  /** Where per-pod usage comes from; default a StatsCollector over `cri`. */
  usage?: UsageSource;
  cri?: RuntimeService;
  /** Default: the host's /proc/meminfo and statfs of the data directory. */
  signals?: SignalSource;
  /** Default: memory.available<100Mi,nodefs.available<10%. */
  thresholds?: Threshold[];
  /** Soft thresholds, each with its gracePeriodMs (see parseEvictionSoft). */
  softThresholds?: Threshold[];
  /** Cap on a soft-evicted pod's grace period in seconds; unset or negative: the pod's own. */
  maxPodGracePeriodSeconds?: number;
  /** A pod's disk usage given its containers' writable-layer bytes; default podDiskUsage under dataDir. */
  diskUsage?: (pod: RPod, rootfs: ReadonlyMap<string, number>) => Promise<PodDiskUsage>;
  /** How often signals are looked at (5 s). */
  monitoringIntervalMs?: number;
  /** How long a condition stays True after its signal was last under its threshold (5 min). */
  pressureTransitionPeriodMs?: number;
  /** Grace period of an evicted pod's containers, in seconds (1: hard thresholds kill at once). */
  evictionGraceSeconds?: number;
  clock?: Clock;
}

/** What the manager is given at start (the agent's AgentContext satisfies it). */
export interface EvictionContext {
  nodeName: string;
  dataDir: string;
  log?: ClientLogger;
  setPressure?(p: PressureReport): void;
}

/** One eviction, for logs and tests. */
export interface EvictionRecord {
  pass: number;
  uid: string;
  namespace: string;
  name: string;
  signal: string;
  message: string;
}

/** The outcome of one pass. */
export interface PassResult {
  pressure: PressureReport;
  evicted?: EvictionRecord;
}

export class EvictionManager {
  readonly name = 'eviction';
  private readonly o: EvictionManagerOptions;
  private readonly thresholds: Threshold[];
  private readonly clock: Clock;
  private ctx: EvictionContext | undefined;
  private signals: SignalSource | undefined;
  private usage: UsageSource | undefined;
  private log: ClientLogger = silentLogger;
  private abort = new AbortController();
  private run: Promise<void> | undefined;
  /** When each condition's signal was last seen under its threshold. */
  private readonly lastCrossed = new Map<string, number>();
  /** When each threshold's signal went below it and stayed there (for soft grace periods). */
  private readonly crossedSince = new Map<Threshold, number>();
  private passes = 0;
  /** Evictions so far, oldest first. */
  readonly history: EvictionRecord[] = [];

  constructor(o: EvictionManagerOptions) {
    this.o = o;
    this.thresholds = [
      ...(o.thresholds ?? parseEvictionHard(defaultEvictionHard)),
      ...(o.softThresholds ?? []),
    ];
    this.clock = o.clock ?? realClock;
  }

  /** Passes run so far. */
  get passCount(): number {
    return this.passes;
  }

  /** Starts the periodic passes (the first one at once). */
  async start(ctx: EvictionContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log ?? silentLogger;
    this.signals = this.o.signals ?? hostSignals(ctx.dataDir);
    this.usage =
      this.o.usage ??
      (this.o.cri ? new StatsCollector({ cri: this.o.cri, nodeName: ctx.nodeName }) : undefined);
    this.abort = new AbortController();
    this.run = this.loop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.run;
    this.run = undefined;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.synchronize();
      } catch (err) {
        this.log.warn({ err, node: this.ctx?.nodeName }, 'eviction pass failed; retrying');
      }
      await sleep(this.clock, this.o.monitoringIntervalMs ?? 5_000, signal);
    }
  }

  /** One pass: observe, report the conditions, and evict at most one pod. */
  async synchronize(): Promise<PassResult> {
    const pass = ++this.passes;
    const now = this.clock.now();
    const observed = (await this.signals?.observe()) ?? {};
    const due: { t: Threshold; o: Observation }[] = [];
    for (const t of this.thresholds) {
      const o = observed[t.signal];
      if (!o || !crossed(t, o)) {
        this.crossedSince.delete(t);
        continue;
      }
      // The condition follows any crossing; a soft threshold evicts only after its grace period.
      this.lastCrossed.set(signalInfo[t.signal].condition, now);
      const since = this.crossedSince.get(t) ?? now;
      this.crossedSince.set(t, since);
      if (t.gracePeriodMs === undefined || now - since >= t.gracePeriodMs) due.push({ t, o });
    }
    const pressure: PressureReport = {};
    const period = this.o.pressureTransitionPeriodMs ?? 5 * 60_000;
    for (const t of this.thresholds) {
      const cond = signalInfo[t.signal].condition as keyof PressureReport;
      const at = this.lastCrossed.get(cond);
      pressure[cond] = at !== undefined && now - at < period;
    }
    this.ctx?.setPressure?.(pressure);
    // Hard thresholds before soft ones, each in the order given.
    const first = due.find((d) => d.t.gracePeriodMs === undefined) ?? due[0];
    if (!first) return { pressure };
    const evicted = await this.evictOne(pass, first.t, first.o);
    return { pressure, evicted };
  }

  private graceFor(t: Threshold, pod: RPod): number {
    return evictionGraceSeconds(t, pod, this.o.evictionGraceSeconds ?? 1, this.o.maxPodGracePeriodSeconds);
  }

  private async evictOne(pass: number, t: Threshold, o: Observation): Promise<EvictionRecord | undefined> {
    const resource = signalInfo[t.signal].resource;
    const pods = this.o.pods.knownPods().filter(evictable);
    if (!pods.length) {
      this.log.warn({ signal: t.signal }, 'eviction threshold crossed but no pod can be evicted');
      return undefined;
    }
    const perPod = new Map<string, { total: number; containers: { name: string; bytes: number }[] }>();
    if (resource === 'memory' && this.usage) {
      const sample = await this.usage.sample();
      for (const c of sample.containers) {
        const bytes = c.workingSetBytes ?? 0;
        const p = perPod.get(c.pod.uid) ?? { total: 0, containers: [] };
        p.total += bytes;
        p.containers.push({ name: c.name, bytes });
        perPod.set(c.pod.uid, p);
      }
    } else if (resource === 'ephemeral-storage') {
      const rootfs = new Map<string, Map<string, number>>();
      for (const c of this.usage ? (await this.usage.sample()).containers : []) {
        const m = rootfs.get(c.pod.uid) ?? new Map<string, number>();
        m.set(c.name, (m.get(c.name) ?? 0) + (c.rootfsBytes ?? 0));
        rootfs.set(c.pod.uid, m);
      }
      for (const pod of pods) {
        const uid = pod.metadata.uid ?? '';
        const measure = this.o.diskUsage ?? ((p, r) => podDiskUsage(this.ctx?.dataDir ?? '', p, r));
        const u = await measure(pod, rootfs.get(uid) ?? new Map<string, number>());
        perPod.set(uid, { total: u.totalBytes, containers: u.containers });
      }
    }
    const ranked = rankForEviction(
      pods.map((pod) => ({ pod, usageBytes: perPod.get(pod.metadata.uid ?? '')?.total })),
      resource,
    );
    for (const { pod } of ranked) {
      const uid = pod.metadata.uid ?? '';
      const message = evictionMessage(t, o, resource, pod, perPod.get(uid)?.containers ?? []);
      const record: EvictionRecord = {
        pass,
        uid,
        namespace: pod.metadata.namespace ?? '',
        name: pod.metadata.name ?? '',
        signal: t.signal,
        message,
      };
      this.log.info({ pod: `${record.namespace}/${record.name}`, signal: t.signal }, 'evicting pod');
      if (await this.o.pods.evictPod(uid, message, this.graceFor(t, pod))) {
        this.history.push(record);
        return record;
      }
    }
    return undefined;
  }
}

/**
 * The grace period of a pod evicted for `t`: `hard` for hard thresholds; for soft ones the pod's
 * terminationGracePeriodSeconds (30 when unset), capped by `maxPodGrace` when that is set and ≥ 0.
 */
export function evictionGraceSeconds(
  t: Threshold,
  pod: RPod,
  hard: number,
  maxPodGrace: number | undefined,
): number {
  if (t.gracePeriodMs === undefined) return hard;
  const own = pod.spec?.terminationGracePeriodSeconds ?? 30;
  return maxPodGrace !== undefined && maxPodGrace >= 0 ? Math.min(own, maxPodGrace) : own;
}

/** The evicted pod's status message, in the kubelet's words. */
export function evictionMessage(
  t: Threshold,
  o: Observation,
  resource: string,
  pod: RPod,
  containers: readonly { name: string; bytes: number }[],
): string {
  let msg =
    `The node was low on resource: ${resource}. ` +
    `Threshold quantity: ${formatBytes(thresholdBytes(t, o.capacityBytes))}, ` +
    `available: ${formatBytes(o.availableBytes)}. `;
  const specs = pod.spec?.containers ?? [];
  for (const c of containers) {
    const spec = specs.find((s) => s.name === c.name);
    const req = spec ? podRequest({ ...pod, spec: { containers: [spec] } }, resource) : 0;
    if (c.bytes > req)
      msg += `Container ${c.name} was using ${formatBytes(c.bytes)}, request is ${formatBytes(req)}. `;
  }
  return msg.trimEnd();
}
