/**
 * One memory-reducing garbage collection once a long-running command has started, so an idle
 * process does not keep the memory only its start-up needed.
 *
 * Start-up (loading hundreds of modules, the first LISTs and watches) grows V8's young generation
 * to its largest size — two 16 MB semi-spaces — and V8 keeps those pages resident while the
 * process idles (its own memory reducer shrinks the space but keeps the pages pooled). A
 * last-resort collection shrinks the young generation to 1 MB and hands the freed pages back to
 * the system: ~30 MB of `berth server`'s idle RSS, ~14 MB of `berth agent`'s. Under load the space
 * grows back within a few scavenges, so request handling is as before.
 */
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** How long after start-up the collection runs: the first LISTs and watches settle by then. */
export const trimDelayMs = 2000;

/** At least this long between two idle collections: one after each burst of work, not a stream. */
export const minTrimGapMs = 30_000;
const idleTickMs = 500;
/** How long the event loop must have idled before an idle collection: never at a burst's start. */
export const idleBeforeTrimMs = 4000;

/**
 * Runs collectForMemory once, `delayMs` from now, and again whenever the young generation has grown
 * back while the process has idled for idleBeforeTrimMs (checked twice a second, at most once per
 * minTrimGapMs; a collection takes tens of ms, so it must not meet the first requests of a burst): after a
 * burst of requests, or start-up work that outlasted the first collection on a busy machine, the
 * space the burst needed goes back to the system instead of staying until the next burst. The
 * timers are unref'd: they never keep the process up.
 */
export function trimMemoryAfterStart(delayMs = trimDelayMs): void {
  setTimeout(collectForMemory, delayMs).unref();
  let last = performance.eventLoopUtilization();
  const started = Date.now();
  let lastTrim = 0;
  let idleSince = Date.now();
  const tick = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const t = Date.now();
    if (!shouldTrim(busy, youngGenerationMB(), heapUsedMB())) idleSince = t;
    if (t - started < delayMs || t - lastTrim < minTrimGapMs || t - idleSince < idleBeforeTrimMs) return;
    lastTrim = t;
    collectForMemory();
  }, idleTickMs);
  tick.unref();
}

/**
 * Above this much used heap the idle collection is skipped: it marks and compacts the whole heap
 * on this thread — seconds for a server holding 30,000 pods (API requests stalled 2.4 s every 30 s
 * in the scale benchmark), 513 ms at 213 MB (a server holding ~2,000 pods on 100 nodes: the API
 * prober's p99 on that idle cluster was 457–693 ms) — to give back a young generation that is small
 * beside such a heap. An idle empty server uses ~22–27 MB.
 */
export const maxTrimHeapMB = 64;

/**
 * Whether an idle check should collect: the event loop was busy for under 10% of the last tick
 * (no request burst under way), the young generation is 4 MB or more (a trimmed one is 1 MB) and
 * the heap is small enough for the collection to take tens of milliseconds (maxTrimHeapMB).
 */
export function shouldTrim(busyFraction: number, youngGenMB: number, heapUsedMB = 0): boolean {
  return busyFraction < 0.1 && youngGenMB >= 4 && heapUsedMB < maxTrimHeapMB;
}

/** V8's used heap, in MB. */
export function heapUsedMB(): number {
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** The committed size of V8's young generation, in MB. */
export function youngGenerationMB(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? space.space_size / 2 ** 20 : 0;
}

/**
 * A full, memory-reducing collection now: blocks this thread for its duration (tens of ms at idle
 * heap sizes). V8 offers it only through the `gc` function of --expose-gc.
 */
export function collectForMemory(): void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  const gc = typeof exposed === 'function' ? (exposed as Gc) : fetchGc();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * The `gc` function without leaving --expose-gc on: the flag is set just long enough to fetch it,
 * because V8's flag hash keys Node's compile cache — modules imported later would otherwise miss
 * the cache and have their entries rewritten.
 */
function fetchGc(): Gc {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
