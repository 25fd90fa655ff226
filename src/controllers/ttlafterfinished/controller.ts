/**
 * The ttl-after-finished controller: a Job with spec.ttlSecondsAfterFinished is deleted (with
 * propagationPolicy Background, so the garbage collector takes its pods) that many seconds after
 * it finished (Complete or Failed). Handlers enqueue Jobs that have a TTL and are finished; reconcile
 * waits on the clock until the TTL is due, re-reads the Job from the API (the TTL may have been
 * changed or removed since the cache saw it) and deletes it with uid and resourceVersion
 * preconditions, so a recreated or just-modified Job is never deleted by mistake.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { finishedAt } from '../job/conditions.ts';
import type { Job } from '../job/types.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';

type RO<T> = DeepReadonly<T>;

/** When a finished Job with a TTL expires (ms), or undefined when it has no TTL or is not finished. */
export function expiresAt(job: RO<Job>): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata.deletionTimestamp) return undefined;
  const at = finishedAt(job);
  return at === undefined ? undefined : at + ttl * 1000;
}

export interface TtlAfterFinishedOptions {
  workers?: number;
}

/** The controller; `ttlAfterFinishedController()` makes one. */
export class TtlAfterFinishedController implements Controller {
  readonly name = 'ttl-after-finished';
  private readonly opts: TtlAfterFinishedOptions;
  private queue!: WorkQueue<string>;
  private lister!: Lister<Job>;
  private jobs!: ResourceClient<Job>;
  private clock!: Clock;
  private log!: ClientLogger;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: TtlAfterFinishedOptions = {}) {
    this.opts = opts;
  }

  /** Registers the Job handlers and makes the queue, without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.jobs = ctx.client.resource<Job>('batch', 'v1', 'jobs');
    const inf: SharedInformer<Job> = ctx.informers.forResource<Job>('batch', 'v1', 'jobs');
    this.lister = inf.lister;
    const maybeEnqueue = (job: RO<Job>): void => {
      if (expiresAt(job) !== undefined) this.queue.add(metaNamespaceKey(job));
    };
    this.removers.push(inf.addEventHandler({ onAdd: maybeEnqueue, onUpdate: (_o, j) => maybeEnqueue(j) }));
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.opts.workers ?? 5,
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

  /** Deletes the Job if its TTL ran out; otherwise asks to be called again when it will have. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.lister.get(namespace, name);
    if (!cached) return;
    const due = expiresAt(cached);
    if (due === undefined) return;
    const now = this.clock.now();
    if (due > now) return { requeueAfterMs: due - now };
    let fresh: Job;
    try {
      fresh = await this.jobs.get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const freshDue = expiresAt(fresh);
    if (freshDue === undefined) return;
    if (freshDue > now) return { requeueAfterMs: freshDue - now };
    try {
      await this.jobs.delete(namespace, name, {
        propagationPolicy: 'Background',
        preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion },
      });
      this.log.info({ job: key }, 'deleted finished Job after its ttlSecondsAfterFinished');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err; // a conflict means it changed meanwhile: look again after the backoff
    }
  }
}

/** Makes the ttl-after-finished controller (register it with the controller manager). */
export function ttlAfterFinishedController(opts: TtlAfterFinishedOptions = {}): TtlAfterFinishedController {
  return new TtlAfterFinishedController(opts);
}
