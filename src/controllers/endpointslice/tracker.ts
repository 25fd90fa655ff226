/**
 * Remembers the EndpointSlice writes of recent syncs until the informer has shown them, so a sync
 * never plans from a cache that does not yet hold its own last writes — planning from such a cache
 * would create a second slice for endpoints already placed (slices are made with generateName, so
 * the API cannot refuse the duplicate). A write counts as seen when an event brings the slice at the
 * written resourceVersion (or, for a delete, its removal); entries expire after `ttlMs` in case an
 * event was missed (a relist after 410 may skip intermediate versions).
 */
import type { Clock } from '../../client/clock.ts';

interface Pending {
  /** resourceVersion written, or null for a delete. */
  rv: string | null;
  at: number;
}

export class SliceTracker {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  /** service key → slice name → write not yet seen */
  private readonly pending = new Map<string, Map<string, Pending>>();

  constructor(clock: Clock, ttlMs = 30_000) {
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  /** Records a create or update of slice `name` that produced `rv`. */
  wrote(serviceKey: string, name: string, rv: string): void {
    this.entries(serviceKey).set(name, { rv, at: this.clock.now() });
  }

  /** Records a delete of slice `name`. */
  deleted(serviceKey: string, name: string): void {
    this.entries(serviceKey).set(name, { rv: null, at: this.clock.now() });
  }

  /** An informer event: slice `name` is now at `rv` (null: gone). Clears a matching expectation. */
  observe(serviceKey: string, name: string, rv: string | null): void {
    const m = this.pending.get(serviceKey);
    const p = m?.get(name);
    if (!m || !p || p.rv !== rv) return;
    m.delete(name);
    if (m.size === 0) this.pending.delete(serviceKey);
  }

  /**
   * Milliseconds until the oldest unseen write of `serviceKey` expires, or 0 when the cache is known
   * to hold every write (plan now).
   */
  waitMs(serviceKey: string): number {
    const m = this.pending.get(serviceKey);
    if (!m) return 0;
    const now = this.clock.now();
    let wait = 0;
    for (const [name, p] of m) {
      const left = p.at + this.ttlMs - now;
      if (left <= 0) m.delete(name);
      else wait = Math.max(wait, left);
    }
    if (m.size === 0) this.pending.delete(serviceKey);
    return wait;
  }

  /** Forgets a Service (deleted). */
  forget(serviceKey: string): void {
    this.pending.delete(serviceKey);
  }

  private entries(serviceKey: string): Map<string, Pending> {
    let m = this.pending.get(serviceKey);
    if (!m) this.pending.set(serviceKey, (m = new Map()));
    return m;
  }
}
