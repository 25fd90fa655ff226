/**
 * Where the eviction manager reads its signals: an interface, so tests feed values, and the host
 * implementation — memory.available from /proc/meminfo's MemAvailable out of MemTotal (what the
 * kernel can hand out without swapping), nodefs.available from statfs of the agent's data directory
 * (blocks available to unprivileged users out of the filesystem's size).
 */
import { readFile, statfs } from 'node:fs/promises';
import { parseMeminfo } from '../agent/host-info.ts';
import type { Observation, Signal } from './thresholds.ts';

/** Reads the current value of each signal; a signal it cannot read is left out. */
export interface SignalSource {
  observe(): Promise<Partial<Record<Signal, Observation>>>;
}

/** The host's signals (paths overridable for tests). */
export function hostSignals(dataDir: string, paths: { meminfo?: string } = {}): SignalSource {
  return {
    async observe() {
      const out: Partial<Record<Signal, Observation>> = {};
      const [mem, fs] = await Promise.all([
        readFile(paths.meminfo ?? '/proc/meminfo', 'utf8')
          .then(parseMeminfo)
          .catch(() => undefined),
        statfs(dataDir).catch(() => undefined),
      ]);
      if (mem)
        out['memory.available'] = { availableBytes: mem.availableBytes, capacityBytes: mem.totalBytes };
      if (fs)
        out['nodefs.available'] = {
          availableBytes: fs.bavail * fs.bsize,
          capacityBytes: fs.blocks * fs.bsize,
        };
      return out;
    },
  };
}
