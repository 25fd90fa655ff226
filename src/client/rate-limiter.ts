/**
 * How long a work-queue key waits before it is retried. Per-key exponential backoff keeps one
 * failing object from hogging the workers; an overall token bucket keeps a burst of failures from
 * hammering the API server. Controllers normally take `defaultControllerRateLimiter`: the larger
 * of the two delays.
 */
import { realClock, type Clock } from './clock.ts';

/** Delay policy for retries; `when` also counts the retry. */
export interface RateLimiter<K> {
  /** Milliseconds `item` should wait now (each call counts as one more failure). */
  when(item: K): number;
  /** Stops tracking `item` (call on success) so its next failure starts from the base delay. */
  forget(item: K): void;
  /** Failures counted for `item` since it was last forgotten. */
  numRequeues(item: K): number;
}

/** base · 2^failures, capped at max; per key. Defaults: 5 ms doubling to 1000 s. */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(baseMs = 5, maxMs = 1_000_000) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // 2^n overflows to Infinity long before n matters; the cap handles that.
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** A token bucket shared by all keys: `qps` tokens per second, at most `burst` saved up. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(qps = 10, burst = 100, clock: Clock = realClock) {
    this.qps = qps;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Reserves the next token and says how long until it exists (0 while the bucket has tokens). */
  when(_item: K): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The largest delay of several limiters (every limiter counts each call). */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(item: K): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(item)));
  }

  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: K): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/** Per-key 5 ms → 1000 s exponential backoff, bounded overall by 10 qps with a burst of 100. */
export function defaultControllerRateLimiter<K>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1_000_000),
    new BucketRateLimiter<K>(10, 100, clock),
  );
}
