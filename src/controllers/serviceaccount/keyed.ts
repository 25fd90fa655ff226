/**
 * The loop the service-account controllers share: `init` makes the queue and lets the subclass
 * register its informer handlers (which only enqueue keys); `start` adds workers calling
 * `reconcile(key)`; `stop` removes the handlers and drains the workers. A controller may be
 * started again after a stop (the manager does that on each new term of leadership).
 */
import type { ClientLogger } from '../../client/logger.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';

/** Namespaces being deleted get no new content. */
export function namespaceActive(
  ns: { metadata: { deletionTimestamp?: string }; status?: unknown } | undefined,
): boolean {
  if (!ns || ns.metadata.deletionTimestamp) return false;
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Terminating';
}

export abstract class KeyedController implements Controller {
  abstract readonly name: string;
  protected queue!: WorkQueue<string>;
  protected log!: ClientLogger;
  protected readonly removers: (() => void)[] = [];
  private readonly workerCount: number;
  private workers: Promise<void> | undefined;
  private stopping = false;

  constructor(workers = 3) {
    this.workerCount = workers;
  }

  /** Registers the informer handlers (called by init). */
  protected abstract setup(ctx: ControllerContext): void;

  /** Brings one key in line; safe to repeat. */
  abstract reconcile(key: string): Promise<ReconcileResult>;

  /** Makes the queue and registers handlers, without workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.stopping = false;
    this.log = ctx.log;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.setup(ctx);
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.workerCount,
      reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
      log: this.log,
      controller: this.name,
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  /** Keys waiting in the queue (for tests). */
  queued(): number {
    return this.queue.len();
  }
}
