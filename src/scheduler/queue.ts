/**
 * The scheduling queue. Pods waiting to be scheduled sit in one of three places:
 *  - activeQ: a heap ordered by priority (highest first), then by when the pod was first queued;
 *  - backoffQ: pods that failed recently, each until its backoff expires (1 s doubling per
 *    attempt, capped at 10 s), then moved to activeQ;
 *  - unschedulable: pods no node fits. They wait for a cluster event that might help (a node
 *    added or changed, a pod deleted) and then go to backoffQ/activeQ; after 5 minutes without
 *    such an event they are retried anyway.
 * A move request that arrives while a pod is being scheduled is remembered by cycle number, so a
 * pod whose attempt raced with the event goes to backoff rather than waiting for the next event.
 * Time comes from an injectable Clock; one timer serves the earliest backoff expiry.
 */
import { realClock, type Clock, type ClockTimer } from '../client/clock.ts';
import { Heap } from './heap.ts';
import { podPriority, type RPod } from './types.ts';

/** A pod as the queue tracks it. */
export interface QueuedPodInfo {
  key: string;
  pod: RPod;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod was first queued (orders pods of equal priority). */
  timestamp: number;
  /** The last time it was put back after a failure. */
  lastFailure: number;
  /** Set when its spec or labels changed while it was being scheduled: retry at once. */
  changedInFlight?: boolean;
}

const shape = (p: RPod): string => JSON.stringify([p.spec, p.metadata.labels]);

export interface SchedulingQueueOptions {
  clock?: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even without an event (default 5 min). */
  maxUnschedulableMs?: number;
}

/** A heap entry; one whose map slot now holds another entry (or none) is stale and skipped. */
interface Entry {
  info: QueuedPodInfo;
}

/** Priority queue with backoff and an unschedulable pool. */
export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly active = new Map<string, Entry>();
  private readonly activeHeap = new Heap<Entry>((a, b) => {
    const pa = podPriority(a.info.pod);
    const pb = podPriority(b.info.pod);
    return pa !== pb ? pa > pb : a.info.timestamp < b.info.timestamp;
  });
  private readonly backoff = new Map<string, QueuedPodInfo>();
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped and not yet requeued or done. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly waiters: (() => void)[] = [];
  private timer: ClockTimer | undefined;
  private timerAt = Infinity;
  private flushTimer: ClockTimer | undefined;
  private closed = false;
  private cycle = 0;
  private moveRequestCycle = -1;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 300_000;
    this.scheduleFlush();
  }

  /** The scheduling cycle the last `pop` started. */
  get schedulingCycle(): number {
    return this.cycle;
  }

  /** Counts per place, for tests and metrics. */
  lengths(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** Where a pod is waiting, if it is. */
  where(key: string): 'active' | 'backoff' | 'unschedulable' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return undefined;
  }

  /** A new pending pod (or a newer version of a queued one). */
  add(key: string, pod: RPod): void {
    if (this.closed) return;
    const flying = this.inFlight.get(key);
    if (flying) {
      if (shape(flying.pod) !== shape(pod)) flying.changedInFlight = true;
      flying.pod = pod;
      return;
    }
    const queued = this.active.get(key)?.info ?? this.backoff.get(key) ?? this.unschedulable.get(key);
    if (queued) {
      const changed = shape(queued.pod) !== shape(pod);
      queued.pod = pod;
      // An unschedulable pod whose spec or labels changed may fit now.
      if (changed && this.unschedulable.has(key)) {
        this.unschedulable.delete(key);
        this.toBackoffOrActive(queued);
      }
      return;
    }
    const now = this.clock.now();
    this.pushActive({ key, pod, attempts: 0, timestamp: now, lastFailure: 0 });
  }

  /** Forgets a pod (deleted, or bound by someone else). */
  delete(key: string): void {
    this.inFlight.delete(key);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule, waiting for one; undefined once closed. */
  async pop(): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const top = this.activeHeap.pop();
      if (top) {
        if (this.active.get(top.info.key) !== top) continue;
        this.active.delete(top.info.key);
        this.inFlight.set(top.info.key, top.info);
        top.info.changedInFlight = false;
        top.info.attempts++;
        this.cycle++;
        return top.info;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /**
   * Puts back a pod that could not be scheduled in `cycle`. If a move request came meanwhile it
   * goes to backoff; otherwise it waits in the unschedulable pool (`unschedulable`) or, for other
   * failures (API errors), in backoff.
   */
  requeue(info: QueuedPodInfo, cycle: number, unschedulable: boolean): void {
    // Not in flight any more: deleted (or bound) meanwhile.
    if (this.closed || this.inFlight.get(info.key) !== info) return;
    this.inFlight.delete(info.key);
    info.lastFailure = this.clock.now();
    if (info.changedInFlight) this.pushActive(info);
    else if (unschedulable && this.moveRequestCycle < cycle) this.unschedulable.set(info.key, info);
    else this.pushBackoff(info);
  }

  /** Ends a pod's attempt without requeueing it (it was bound, or is no longer ours). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** A cluster event that may make unschedulable pods fit: move them all to backoff/active. */
  moveAllToActiveOrBackoff(): void {
    this.moveRequestCycle = this.cycle;
    for (const info of this.unschedulable.values()) this.toBackoffOrActive(info);
    this.unschedulable.clear();
  }

  /** How long `info` waits after its latest failure. */
  backoffDuration(info: QueuedPodInfo): number {
    const n = Math.max(0, info.attempts - 1);
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(n, 30));
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.flushTimer?.cancel();
    for (const w of this.waiters.splice(0)) w();
  }

  private toBackoffOrActive(info: QueuedPodInfo): void {
    if (this.clock.now() < info.lastFailure + this.backoffDuration(info)) this.pushBackoff(info);
    else this.pushActive(info);
  }

  private pushActive(info: QueuedPodInfo): void {
    const e: Entry = { info };
    this.active.set(info.key, e);
    this.activeHeap.push(e);
    this.waiters.shift()?.();
  }

  private pushBackoff(info: QueuedPodInfo): void {
    this.backoff.set(info.key, info);
    this.arm(info.lastFailure + this.backoffDuration(info));
  }

  /** Keeps one timer at the earliest backoff expiry. */
  private arm(at: number): void {
    if (this.closed || at >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.after(at - this.clock.now(), () => {
      this.timerAt = Infinity;
      this.timer = undefined;
      this.flushBackoff();
    });
  }

  private flushBackoff(): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const [key, info] of this.backoff) {
      const expiry = info.lastFailure + this.backoffDuration(info);
      if (expiry <= now) {
        this.backoff.delete(key);
        this.pushActive(info);
      } else next = Math.min(next, expiry);
    }
    if (next < Infinity) this.arm(next);
  }

  /** Every 30 s: pods unschedulable for longer than the limit get another try. */
  private scheduleFlush(): void {
    this.flushTimer = this.clock.after(30_000, () => {
      const now = this.clock.now();
      for (const [key, info] of this.unschedulable) {
        if (now - info.lastFailure >= this.maxUnschedulableMs) {
          this.unschedulable.delete(key);
          this.pushActive(info);
        }
      }
      if (!this.closed) this.scheduleFlush();
    });
  }
}
