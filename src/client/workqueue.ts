/**
 * The controllers' work queue. It holds keys, not objects, and keeps two sets:
 *  - dirty: keys that need processing (queued, or re-added while being processed);
 *  - processing: keys a worker holds between `get` and `done`.
 * A key is in the queue at most once, and a key added while it is processing is only marked dirty
 * and goes back in the queue on `done` — so one key never runs on two workers at once, and a burst
 * of changes to one object collapses into one reconcile. Failures go back with `addRateLimited`
 * (per-key exponential backoff); success calls `forget`. Delays run on an injectable Clock.
 */
import { realClock, type Clock, type ClockTimer } from './clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  rateLimiter?: RateLimiter<K>;
  clock?: Clock;
}

/** A deduplicating, rate-limited, delaying work queue. */
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly delayed = new Map<K, { at: number; timer: ClockTimer }>();
  private readonly waiters: (() => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private shutdown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  /** Marks `key` as needing work. No-op if already queued, or after shutdown. */
  add(key: K): void {
    if (this.shutdown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // While a worker holds the key, `done` will queue it again.
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Keys waiting to be handed out (not counting processing or delayed ones). */
  len(): number {
    return this.queue.length;
  }

  /**
   * The next key, waiting for one if needed; undefined once the queue is shut down and empty.
   * The caller must call `done(key)` when finished with it.
   */
  async get(): Promise<K | undefined> {
    while (this.queue.length === 0 && !this.shutdown) await new Promise<void>((r) => this.waiters.push(r));
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  /** Releases `key`; if it was added meanwhile, it goes back in the queue now. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.waiters.shift()?.();
    }
    this.checkDrained();
  }

  /** Adds `key` after `delayMs` (≤ 0: now). A key already waiting keeps the earlier of the two times. */
  addAfter(key: K, delayMs: number): void {
    if (this.shutdown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.clock.now() + delayMs;
    const prev = this.delayed.get(key);
    if (prev && prev.at <= at) return;
    prev?.timer.cancel();
    const timer = this.clock.after(delayMs, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, timer });
  }

  /** Adds `key` after the rate limiter's delay (a failure: each call backs off further). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets `key`'s backoff (call after it was processed successfully). */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  /** Times `key` went back through addRateLimited since it was last forgotten. */
  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  shuttingDown(): boolean {
    return this.shutdown;
  }

  /**
   * Stops accepting keys and drops delayed ones. Workers still get what is already queued; once
   * the queue is empty `get` returns undefined to each of them.
   */
  shutDown(): void {
    this.shutdown = true;
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w();
    this.checkDrained();
  }

  /** shutDown, then resolve once every queued and processing key has been handed out and done. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private isDrained(): boolean {
    return this.queue.length === 0 && this.processing.size === 0;
  }

  private checkDrained(): void {
    if (this.shutdown && this.isDrained()) for (const w of this.drainWaiters.splice(0)) w();
  }
}
