/**
 * Many keyed one-shot timers on one Clock timer. Simulated nodes schedule a timer per pod stage;
 * with thousands of pods a real timer each would be wasteful, so entries live in a heap ordered by
 * due time and a single clock timer is armed for the earliest. Re-scheduling or cancelling a key
 * leaves the old heap entry stale (skipped when it surfaces).
 */
import type { Clock, ClockTimer } from '../../client/clock.ts';
import { Heap } from '../../scheduler/heap.ts';

interface Entry {
  key: string;
  at: number;
  seq: number;
  fn: () => void;
}

export class TimerHeap {
  private readonly clock: Clock;
  private readonly heap = new Heap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private readonly live = new Map<string, Entry>();
  private timer: ClockTimer | undefined;
  private timerAt = Infinity;
  private seq = 0;
  private stopped = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Keys with a pending timer. */
  get size(): number {
    return this.live.size;
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  /** Runs `fn` after `ms`, replacing any timer `key` had. */
  schedule(key: string, ms: number, fn: () => void): void {
    if (this.stopped) return;
    const e: Entry = { key, at: this.clock.now() + Math.max(0, ms), seq: this.seq++, fn };
    this.live.set(key, e);
    this.heap.push(e);
    this.arm();
  }

  cancel(key: string): void {
    this.live.delete(key);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.live.clear();
  }

  private arm(): void {
    // Drop stale entries at the top so the timer is armed for a live one.
    while (this.heap.size && this.live.get(this.heap.peek()!.key) !== this.heap.peek()) this.heap.pop();
    const top = this.heap.peek();
    if (!top || top.at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = top.at;
    this.timer = this.clock.after(top.at - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.at > now) break;
      this.heap.pop();
      if (this.live.get(top.key) !== top) continue;
      this.live.delete(top.key);
      top.fn();
    }
    if (!this.stopped) this.arm();
  }
}
