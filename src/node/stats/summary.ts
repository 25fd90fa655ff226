/**
 * The agent's stats summary: CPU and memory for the node, each pod and each container, in the
 * layout of the kubelet's /stats/summary (stats/v1alpha1: node, pods[].podRef, containers[], cpu,
 * memory) so anything that reads that shape reads this one. CPU usage is a rate — nanocores, i.e.
 * CPU-nanoseconds per second — computed from two readings of the cumulative counters, the way
 * metrics-server derives it; `windowSeconds` (a Berth addition) says how far apart the readings were.
 * Built from samples by a pure function so it can be tested without a runtime.
 */
import type { HostSample } from './host.ts';

export interface CpuStats {
  /** When the newer reading was taken (RFC 3339). */
  time: string;
  /** Average use over the window, in nanocores; absent until two readings exist. */
  usageNanoCores?: number;
  /** Cumulative CPU time, in nanoseconds. */
  usageCoreNanoSeconds: number;
  /** Seconds between the two readings the rate comes from. */
  windowSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes: number;
  rssBytes?: number;
}

export interface ContainerSummary {
  name: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface PodReference {
  name: string;
  namespace: string;
  uid: string;
}

export interface PodSummary {
  podRef: PodReference;
  containers: ContainerSummary[];
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface Summary {
  node: { nodeName: string; cpu?: CpuStats; memory?: MemoryStats };
  pods: PodSummary[];
}

/** One reading of one running container's counters. */
export interface ContainerSample {
  id: string;
  name: string;
  pod: PodReference;
  /** Cumulative CPU time (ns) and when the runtime read it (ms since the epoch). */
  cpuNs?: number;
  cpuAtMs: number;
  workingSetBytes?: number;
  usageBytes?: number;
  rssBytes?: number;
  /** Bytes of its writable layer (CRI writable_layer.used_bytes), for disk-pressure ranking. */
  rootfsBytes?: number;
}

/** One reading of the whole node. */
export interface Sample {
  atMs: number;
  host?: HostSample;
  containers: ContainerSample[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Nanocores between two cumulative readings; undefined when the counter went back or time did not move. */
export function rate(oldNs: number, oldMs: number, newNs: number, newMs: number): number | undefined {
  const dt = newMs - oldMs;
  if (dt <= 0 || newNs < oldNs) return undefined;
  return Math.round(((newNs - oldNs) * 1000) / dt);
}

/**
 * The reading to compare against: the newest one at least `windowMs` older than `atMs`, else the
 * oldest older one; undefined when there is none.
 */
function base<T extends { atMs: number }>(older: T[], atMs: number, windowMs: number): T | undefined {
  let pick: T | undefined;
  for (const s of older) if (s.atMs < atMs && atMs - s.atMs >= windowMs) pick = s;
  return pick ?? older.find((s) => s.atMs < atMs);
}

function cpuStats(
  now: { ns: number; atMs: number },
  then: { ns: number; atMs: number } | undefined,
): CpuStats {
  const out: CpuStats = { time: iso(now.atMs), usageCoreNanoSeconds: now.ns };
  if (!then) return out;
  const r = rate(then.ns, then.atMs, now.ns, now.atMs);
  if (r === undefined) return out;
  out.usageNanoCores = r;
  out.windowSeconds = (now.atMs - then.atMs) / 1000;
  return out;
}

/**
 * The summary of the newest sample in `history` (oldest first), with rates against older samples
 * about `windowMs` back (per container: the older samples that saw that container).
 */
export function buildSummary(nodeName: string, history: readonly Sample[], windowMs: number): Summary {
  const cur = history[history.length - 1];
  if (!cur) return { node: { nodeName }, pods: [] };
  const older = history.slice(0, -1);
  const node: Summary['node'] = { nodeName };
  if (cur.host) {
    const hostOlder = older.filter((s) => s.host);
    const b = base(hostOlder, cur.atMs, windowMs);
    node.cpu = cpuStats(
      { ns: cur.host.cpuUsageCoreNanoSeconds, atMs: cur.atMs },
      b?.host && { ns: b.host.cpuUsageCoreNanoSeconds, atMs: b.atMs },
    );
    node.memory = {
      time: iso(cur.atMs),
      availableBytes: cur.host.memoryAvailableBytes,
      usageBytes: cur.host.memoryWorkingSetBytes,
      workingSetBytes: cur.host.memoryWorkingSetBytes,
    };
  }
  const pods = new Map<string, PodSummary>();
  for (const c of cur.containers) {
    const key = c.pod.uid || `${c.pod.namespace}/${c.pod.name}`;
    let p = pods.get(key);
    if (!p) pods.set(key, (p = { podRef: { ...c.pod }, containers: [] }));
    const out: ContainerSummary = { name: c.name };
    if (c.cpuNs !== undefined) {
      const seen = older.flatMap((s) =>
        s.containers
          .filter((x) => x.id === c.id && x.cpuNs !== undefined)
          .map((x) => ({ atMs: x.cpuAtMs, ns: x.cpuNs! })),
      );
      out.cpu = cpuStats({ ns: c.cpuNs, atMs: c.cpuAtMs }, base(seen, c.cpuAtMs, windowMs));
    }
    if (c.workingSetBytes !== undefined)
      out.memory = {
        time: iso(cur.atMs),
        workingSetBytes: c.workingSetBytes,
        usageBytes: c.usageBytes,
        rssBytes: c.rssBytes,
      };
    p.containers.push(out);
  }
  for (const p of pods.values()) {
    // Code-unit order: container names are DNS labels, and localeCompare would load ICU (docs/memory.md).
    p.containers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    p.cpu = sumCpu(p.containers, cur.atMs);
    p.memory = sumMemory(p.containers, cur.atMs);
  }
  return { node, pods: [...pods.values()] };
}

/** A pod's CPU: the sum of its containers' (a rate only when every container has one). */
function sumCpu(cs: ContainerSummary[], atMs: number): CpuStats | undefined {
  if (!cs.length || cs.some((c) => !c.cpu)) return undefined;
  const out: CpuStats = { time: iso(atMs), usageCoreNanoSeconds: 0 };
  let rated = true;
  let window = 0;
  for (const c of cs) {
    out.usageCoreNanoSeconds += c.cpu!.usageCoreNanoSeconds;
    if (c.cpu!.usageNanoCores === undefined) rated = false;
    window = Math.max(window, c.cpu!.windowSeconds ?? 0);
  }
  if (rated) {
    out.usageNanoCores = cs.reduce((n, c) => n + c.cpu!.usageNanoCores!, 0);
    out.windowSeconds = window;
  }
  return out;
}

function sumMemory(cs: ContainerSummary[], atMs: number): MemoryStats | undefined {
  if (!cs.length || cs.some((c) => !c.memory)) return undefined;
  return {
    time: iso(atMs),
    workingSetBytes: cs.reduce((n, c) => n + c.memory!.workingSetBytes, 0),
    usageBytes: cs.reduce((n, c) => n + (c.memory!.usageBytes ?? 0), 0),
  };
}
