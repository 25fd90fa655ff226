/**
 * Backoff for replacing failed daemon pods, per DaemonSet and node. A kubelet that keeps rejecting
 * a pod (a port taken, a bad image) would otherwise make the controller delete and recreate it in a
 * hot loop. The first replacement happens at once; each further one within the window waits twice
 * as long as the last (1 s, 2 s, 4 s, ... up to 15 minutes). An entry untouched for twice the
 * maximum starts over.
 */

export const failedPodBackoffInitialMs = 1000;
export const failedPodBackoffMaxMs = 15 * 60 * 1000;

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(initialMs = failedPodBackoffInitialMs, maxMs = failedPodBackoffMaxMs) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  /** Milliseconds until `key` may act again (0: now). */
  remaining(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lastUpdate + e.delayMs - now);
  }

  /** Records an action for `key` at `now`, doubling its delay (or starting at the initial one). */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * this.maxMs) {
      this.entries.set(key, { delayMs: this.initialMs, lastUpdate: now });
      return;
    }
    e.delayMs = Math.min(e.delayMs * 2, this.maxMs);
    e.lastUpdate = now;
  }

  /** The key for one DaemonSet's pod on one node. */
  static key(dsUid: string, nodeName: string): string {
    return `${dsUid}/${nodeName}`;
  }

  /** Forgets every entry of one DaemonSet (it was deleted). */
  forgetOwner(dsUid: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${dsUid}/`)) this.entries.delete(k);
  }

  /** Drops entries idle for more than twice the maximum delay (bounded memory over time). */
  gc(now: number): void {
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }
}
