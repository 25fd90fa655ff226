/**
 * Time as the client machinery sees it. Everything that waits (work queue delays, backoff, resync,
 * lease renewal) asks a `Clock`, so tests swap in `FakeClock` and step time instead of sleeping.
 */

/** A cancellable timer handle; opaque to callers. */
export interface ClockTimer {
  cancel(): void;
}

/** Wall time in milliseconds plus one-shot timers. */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms` (clamped at 0); the returned handle cancels it. */
  after(ms: number, fn: () => void): ClockTimer;
}

/** The real clock: Date.now and unref'd timers (a pending delay never keeps the process alive). */
export const realClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * Resolves after `ms` on `clock`, or early (without rejecting) when `signal` aborts, so loops can
 * check their own stop flag afterwards.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    const timer = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when told. `advance` fires due timers in time order (ties in creation
 * order), moving `now` to each timer's time before running it, so callbacks that schedule further
 * timers inside the window also fire.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): ClockTimer {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.push(p);
    return { cancel: () => void (this.pending = this.pending.filter((x) => x !== p)) };
  }

  /** Number of timers not yet fired. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.pending[0];
      if (next === undefined || next.at > end) break;
      this.pending.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /**
   * Advances in `stepMs` steps, yielding to the event loop between steps so promise chains woken
   * by one timer can schedule the next before time moves on.
   */
  async advanceAsync(ms: number, stepMs = ms): Promise<void> {
    for (let done = 0; done < ms; done += stepMs) {
      await settle();
      this.advance(Math.min(stepMs, ms - done));
    }
    await settle();
  }
}

/** Lets queued promise callbacks and I/O-free async chains run to quiescence. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
