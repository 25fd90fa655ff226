/**
 * When the proxy syncs. Changes only `request()` a sync; bursts collapse into one run, runs never
 * overlap, and two runs start at least `minIntervalMs` apart (the first one after a quiet period
 * starts at once, so a lone change lands within one nft invocation). A failed run is retried with
 * doubling delay up to `maxRetryMs`, as a full sync. Every `fullIntervalMs` a full resync is due.
 */
import { realClock, type Clock, type ClockTimer } from '../../client/clock.ts';
import { stderrLogger, type ClientLogger } from '../../client/logger.ts';

/** Options of the loop; the defaults suit a node. */
export interface SyncLoopOptions {
  /** Does the work; `full` asks for a whole-table rewrite instead of a diff. */
  sync: (full: boolean) => Promise<void>;
  minIntervalMs?: number;
  fullIntervalMs?: number;
  maxRetryMs?: number;
  clock?: Clock;
  logger?: ClientLogger;
}

/** A coalescing, rate-bounded runner for one sync function. */
export class SyncLoop {
  private readonly o: Required<Omit<SyncLoopOptions, 'clock' | 'logger'>>;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private pending = false;
  private full = true;
  private running: Promise<void> | undefined;
  private timer: ClockTimer | undefined;
  private fullTimer: ClockTimer | undefined;
  private lastStart = -Infinity;
  private failures = 0;
  private stopped = false;
  private started = false;

  constructor(opts: SyncLoopOptions) {
    this.o = {
      sync: opts.sync,
      minIntervalMs: opts.minIntervalMs ?? 100,
      fullIntervalMs: opts.fullIntervalMs ?? 60_000,
      maxRetryMs: opts.maxRetryMs ?? 30_000,
    };
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? stderrLogger;
  }

  /** Starts the first (full) run and arms the periodic full resync; call once caches are synced. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.pending = true;
    this.armFull();
    this.schedule(0);
  }

  /** Asks for a sync soon; cheap, call it from every event handler. */
  request(): void {
    this.pending = true;
    this.schedule(0);
  }

  /** Asks for a full resync soon. */
  requestFull(): void {
    this.full = true;
    this.request();
  }

  /** Cancels timers and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.fullTimer?.cancel();
    await this.running;
  }

  private armFull(): void {
    if (this.o.fullIntervalMs <= 0 || this.stopped) return;
    this.fullTimer = this.clock.after(this.o.fullIntervalMs, () => {
      this.requestFull();
      this.armFull();
    });
  }

  private schedule(extraDelay: number): void {
    if (!this.started || this.stopped || this.running || this.timer || !this.pending) return;
    const wait = Math.max(extraDelay, this.lastStart + this.o.minIntervalMs - this.clock.now());
    this.timer = this.clock.after(wait, () => {
      this.timer = undefined;
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule(this.retryDelay());
      });
    });
  }

  private retryDelay(): number {
    return this.failures === 0 ? 0 : Math.min(this.o.maxRetryMs, this.o.minIntervalMs * 2 ** this.failures);
  }

  private async runOnce(): Promise<void> {
    if (this.stopped || !this.pending) return;
    this.pending = false;
    const full = this.full;
    this.full = false;
    this.lastStart = this.clock.now();
    try {
      await this.o.sync(full);
      this.failures = 0;
    } catch (err) {
      this.failures++;
      // A failed transaction changed nothing, but our idea of the kernel's state may be wrong: the
      // retry rewrites the whole table.
      this.full = true;
      this.pending = true;
      this.log.error({ err, failures: this.failures, full }, 'service proxy sync failed; retrying');
    }
  }
}
