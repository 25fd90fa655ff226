/**
 * Hard eviction thresholds in the kubelet's `--eviction-hard` syntax: a comma-separated list of
 * `signal<quantity` or `signal<percent%`, e.g. `memory.available<200Mi,nodefs.available<5%`.
 * Signals understood: memory.available (the resource is memory → MemoryPressure) and
 * nodefs.available (ephemeral-storage → DiskPressure). A percentage is of the signal's capacity
 * (MemTotal, or the data directory's filesystem size). Defaults are the kubelet's:
 * memory.available<100Mi, nodefs.available<10%. Soft thresholds (--eviction-soft) use the same
 * syntax and wait out a grace period per signal (--eviction-soft-grace-period) before evicting.
 */
import { parseQuantity, quantityValue } from '../../api/quantity.ts';
import { parseDuration } from '../sim/duration.ts';

export type Signal = 'memory.available' | 'nodefs.available';

/** The signals this agent watches, with the resource they stand for and the condition they set. */
export const signalInfo: Record<Signal, { resource: 'memory' | 'ephemeral-storage'; condition: string }> = {
  'memory.available': { resource: 'memory', condition: 'MemoryPressure' },
  'nodefs.available': { resource: 'ephemeral-storage', condition: 'DiskPressure' },
};

/** One threshold: the signal is under pressure when its available amount is below the value. */
export interface Threshold {
  signal: Signal;
  /** Absolute bytes, or a fraction (0..1) of capacity. */
  value: { bytes: number } | { fraction: number };
  /** The text as given ("200Mi", "5%"), for messages. */
  text: string;
  /**
   * Soft thresholds only (--eviction-soft): how long the signal must stay below the threshold
   * before pods are evicted. Hard thresholds have none and evict at once.
   */
  gracePeriodMs?: number;
}

/** The kubelet's default hard thresholds. */
export const defaultEvictionHard = 'memory.available<100Mi,nodefs.available<10%';

/** Parses `--eviction-hard`; throws with a one-line message on anything it does not understand. */
export function parseEvictionHard(spec: string): Threshold[] {
  const out: Threshold[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z.]+)\s*<\s*(\S+)$/.exec(part);
    if (!m)
      throw new Error(`eviction threshold ${JSON.stringify(part)}: want SIGNAL<QUANTITY or SIGNAL<PERCENT%`);
    const [, signal, text] = m as unknown as [string, string, string];
    if (!(signal in signalInfo))
      throw new Error(`eviction threshold ${JSON.stringify(part)}: unknown signal ${JSON.stringify(signal)}`);
    if (out.some((t) => t.signal === signal)) throw new Error(`eviction threshold for ${signal} given twice`);
    let value: Threshold['value'];
    if (text.endsWith('%')) {
      const pct = Number(text.slice(0, -1));
      if (!Number.isFinite(pct) || pct < 0 || pct > 100)
        throw new Error(`eviction threshold ${JSON.stringify(part)}: percentage must be 0-100`);
      value = { fraction: pct / 100 };
    } else {
      let bytes: number;
      try {
        bytes = quantityValue(parseQuantity(text));
      } catch {
        throw new Error(
          `eviction threshold ${JSON.stringify(part)}: ${JSON.stringify(text)} is not a quantity`,
        );
      }
      if (bytes < 0) throw new Error(`eviction threshold ${JSON.stringify(part)}: must not be negative`);
      value = { bytes };
    }
    out.push({ signal: signal as Signal, value, text });
  }
  return out;
}

/**
 * Soft thresholds: `soft` in the --eviction-hard syntax, each with its grace period from
 * `gracePeriods` (--eviction-soft-grace-period, `signal=duration,…`, e.g. `memory.available=1m30s`).
 * As with the kubelet, every soft threshold needs a grace period, and a grace period needs its
 * threshold; throws with a one-line message otherwise.
 */
export function parseEvictionSoft(soft: string, gracePeriods: string): Threshold[] {
  const out = parseEvictionHard(soft);
  const grace = new Map<string, number>();
  for (const part of gracePeriods
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z.]+)\s*=\s*(\S+)$/.exec(part);
    if (!m) throw new Error(`grace period ${JSON.stringify(part)}: want SIGNAL=DURATION`);
    const [, signal, text] = m as unknown as [string, string, string];
    if (!(signal in signalInfo))
      throw new Error(`grace period ${JSON.stringify(part)}: unknown signal ${JSON.stringify(signal)}`);
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      throw new Error(`grace period ${JSON.stringify(part)}: ${(err as Error).message}`, { cause: err });
    }
    if (ms < 0) throw new Error(`grace period ${JSON.stringify(part)}: must not be negative`);
    grace.set(signal, ms);
  }
  for (const t of out) {
    const ms = grace.get(t.signal);
    if (ms === undefined) throw new Error(`soft threshold ${t.signal}<${t.text} has no grace period`);
    t.gracePeriodMs = ms;
    grace.delete(t.signal);
  }
  for (const signal of grace.keys()) throw new Error(`grace period for ${signal} has no soft threshold`);
  return out;
}

/** A reading of one signal: what is available now out of what the node has. */
export interface Observation {
  availableBytes: number;
  capacityBytes: number;
}

/** The threshold in bytes for a node of this capacity. */
export function thresholdBytes(t: Threshold, capacityBytes: number): number {
  return 'bytes' in t.value ? t.value.bytes : Math.round(t.value.fraction * capacityBytes);
}

/** True when the observation is below the threshold (the signal is under pressure). */
export function crossed(t: Threshold, o: Observation): boolean {
  return o.availableBytes < thresholdBytes(t, o.capacityBytes);
}

/** Bytes as a binary quantity rounded down to the largest of Ki/Mi/Gi giving at least 10 ("150Mi"). */
export function formatBytes(bytes: number): string {
  const units: [string, number][] = [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ];
  for (const [u, n] of units) if (Math.abs(bytes) >= 10 * n) return `${Math.floor(bytes / n)}${u}`;
  return String(Math.floor(bytes));
}
