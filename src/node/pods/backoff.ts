/**
 * Per-key exponential backoff measured from when something last failed, as kubelet restarts
 * crashing containers: the first restart is immediate, then each further one waits twice as long
 * (10 s, 20 s, … up to 5 min). A failure that comes more than `resetAfterMs` (10 min) after the
 * previous one starts over at the initial delay — a container that ran that long is healthy again.
 */
import type { Clock } from '../../client/clock.ts';

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  resetAfterMs?: number;
}

interface Entry {
  delayMs: number;
  lastFailure: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();

  constructor(clock: Clock, o: BackoffOptions = {}) {
    this.clock = clock;
    this.initialMs = o.initialMs ?? 10_000;
    this.maxMs = o.maxMs ?? 300_000;
    this.resetAfterMs = o.resetAfterMs ?? 600_000;
  }

  /** The wait still to go before acting on a failure at `failedAt`; 0 when it may go now. */
  remaining(key: string, failedAt: number): number {
    const e = this.entries.get(key);
    if (!e || failedAt - e.lastFailure > this.resetAfterMs) return 0;
    return Math.max(0, failedAt + e.delayMs - this.clock.now());
  }

  /** The current delay for `key` (what `remaining` counts down from). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records that the failure at `failedAt` is being acted on: the next one waits longer. */
  next(key: string, failedAt: number): void {
    const e = this.entries.get(key);
    if (!e || failedAt - e.lastFailure > this.resetAfterMs) {
      this.entries.set(key, { delayMs: this.initialMs, lastFailure: failedAt });
      return;
    }
    e.delayMs = Math.min(e.delayMs * 2, this.maxMs);
    e.lastFailure = failedAt;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (all of a pod's containers). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
