/**
 * The worker loop every controller runs: take a key, reconcile it, and on success `forget` its
 * backoff (or re-add it after the delay reconcile asked for); on failure log with context and put
 * it back rate-limited. The queue guarantees one key is never reconciled by two workers at once.
 */
import type { ClientLogger } from '../client/logger.ts';
import type { WorkQueue } from '../client/workqueue.ts';
import { StatusError } from '../api/errors.ts';

/** What reconcile may return: nothing, or a delay in ms after which the key should be looked at again. */
export type ReconcileResult = void | { requeueAfterMs: number };

export interface WorkerOptions {
  queue: WorkQueue<string>;
  workers: number;
  reconcile(key: string): Promise<ReconcileResult>;
  log: ClientLogger;
  /** The controller's name, for log lines. */
  controller: string;
}

/** Starts `workers` loops; the promise resolves once the queue is shut down and every loop has exited. */
export function runWorkers(o: WorkerOptions): Promise<void> {
  const loop = async (): Promise<void> => {
    for (;;) {
      const key = await o.queue.get();
      if (key === undefined) return;
      try {
        const r = await o.reconcile(key);
        o.queue.forget(key);
        if (r && r.requeueAfterMs >= 0) o.queue.addAfter(key, r.requeueAfterMs);
      } catch (err) {
        if (err instanceof StatusError && err.code === 409) {
          // A write raced another writer (the cache was a step behind): routine, retried at once-ish.
          o.log.info(
            { controller: o.controller, key, reason: err.message },
            'reconcile conflicted; retrying',
          );
        } else {
          o.log.warn(
            { err, controller: o.controller, key, requeues: o.queue.numRequeues(key) },
            'reconcile failed; requeued with backoff',
          );
        }
        o.queue.addRateLimited(key);
      } finally {
        o.queue.done(key);
      }
    }
  };
  return Promise.all(Array.from({ length: Math.max(1, o.workers) }, loop)).then(() => undefined);
}
