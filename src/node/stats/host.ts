/**
 * The node's own figures, read from the host: cumulative CPU time of the whole machine from the
 * first line of /proc/stat (every state but idle and iowait, converted from USER_HZ ticks to
 * nanoseconds), and memory from /proc/meminfo (working set = MemTotal − MemAvailable, the share the
 * kernel could not hand out without reclaiming from running processes). Parsers are exported
 * separately so tests feed fixtures.
 */
import { readFile } from 'node:fs/promises';
import { parseMeminfo } from '../agent/host-info.ts';

/** Linux's USER_HZ: /proc/stat counts in these ticks on every architecture Berth runs on. */
const ticksPerSecond = 100;
const nsPerTick = 1e9 / ticksPerSecond;

/** One reading of the host's counters. */
export interface HostSample {
  /** CPU time spent busy by all CPUs since boot, in nanoseconds. */
  cpuUsageCoreNanoSeconds: number;
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
  memoryWorkingSetBytes: number;
}

/**
 * Busy CPU time of the aggregate `cpu` line of a /proc/stat text, in nanoseconds: user, nice,
 * system, irq, softirq and steal (guest time is already inside user and nice).
 */
export function parseProcStatCpu(text: string): number {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('/proc/stat: no aggregate cpu line');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) * nsPerTick;
}

/** Reads the host's CPU and memory counters (paths overridable for tests). */
export async function readHostSample(paths: { stat?: string; meminfo?: string } = {}): Promise<HostSample> {
  const [stat, meminfo] = await Promise.all([
    readFile(paths.stat ?? '/proc/stat', 'utf8'),
    readFile(paths.meminfo ?? '/proc/meminfo', 'utf8'),
  ]);
  const mem = parseMeminfo(meminfo);
  return {
    cpuUsageCoreNanoSeconds: parseProcStatCpu(stat),
    memoryTotalBytes: mem.totalBytes,
    memoryAvailableBytes: mem.availableBytes,
    memoryWorkingSetBytes: Math.max(0, mem.totalBytes - mem.availableBytes),
  };
}
