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
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** How long after start-up the collection runs: the first LISTs and watches settle by then. */
export const trimDelayMs = 2000;

/** Runs collectForMemory once, `delayMs` from now, on an unref'd timer (it never keeps the process up). */
export function trimMemoryAfterStart(delayMs = trimDelayMs): void {
  setTimeout(collectForMemory, delayMs).unref();
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
