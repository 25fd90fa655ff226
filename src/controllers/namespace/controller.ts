/**
 * The namespace controller: a namespace with deletionTimestamp (phase Terminating) that still lists
 * the `kubernetes` finalizer in spec.finalizers has all its content deleted; its status conditions
 * say what is left or failing; once nothing is left, `PUT namespaces/NAME/finalize` drops the
 * finalizer and the API server removes the namespace. Content that lingers (finalizers, grace
 * periods) is checked again after `recheckMs`.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import type { SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { servedResources } from '../served-resources.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import { deletionConditions, mergeConditions, type NamespaceCondition } from './conditions.ts';
import { deleteContent, namespacedDeletable } from './content.ts';

/** The finalizer the namespace controller owns. */
export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceControllerOptions {
  workers?: number;
  /** Delay before looking again at a namespace whose content has not gone yet (default 1 s). */
  recheckMs?: number;
}

interface NamespaceShape extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

/** RFC 3339 in whole seconds, as condition times are written. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function terminating(ns: DeepReadonly<NamespaceShape>): boolean {
  return !!ns.metadata.deletionTimestamp && (ns.spec?.finalizers ?? []).includes(kubernetesFinalizer);
}

/** The reconcile half, usable without informers (unit tests call it with a lookup). */
export class NamespaceDeleter {
  private readonly client: Client;
  private readonly log: ClientLogger;
  private readonly now: () => number;
  private readonly recheckMs: number;

  constructor(o: { client: Client; log: ClientLogger; now: () => number; recheckMs?: number }) {
    this.client = o.client;
    this.log = o.log;
    this.now = o.now;
    this.recheckMs = o.recheckMs ?? 1000;
  }

  /** One pass over a namespace as the lister has it (undefined: gone). */
  async reconcile(ns: DeepReadonly<NamespaceShape> | undefined): Promise<ReconcileResult> {
    if (!ns || !terminating(ns)) return;
    const name = ns.metadata.name ?? '';
    const served = await servedResources(this.client);
    const content = await deleteContent(this.client, name, namespacedDeletable(served.resources));
    const discoveryFailures = served.failed.map((f) => f.groupVersion);
    const conditions = mergeConditions(
      ns.status?.conditions,
      deletionConditions(discoveryFailures, content),
      timestamp(this.now()),
    );
    if (conditions) {
      try {
        await this.client
          .resource('', 'v1', 'namespaces')
          .patch(undefined, name, 'merge', { status: { conditions } }, { subresource: 'status' });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    if (content.failures.length || discoveryFailures.length) {
      // Finalizing now could leave objects behind in an API we could not see: retry with backoff.
      throw new Error(
        `namespace ${name}: content deletion incomplete: ${[...discoveryFailures.map((gv) => `discovery ${gv}`), ...content.failures].join('; ')}`,
      );
    }
    if (Object.keys(content.remaining).length) return { requeueAfterMs: this.recheckMs };
    await this.finalize(ns);
  }

  private async finalize(ns: DeepReadonly<NamespaceShape>): Promise<void> {
    const name = ns.metadata.name ?? '';
    const body = structuredClone(ns) as NamespaceShape;
    body.spec = {
      ...body.spec,
      finalizers: (body.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer),
    };
    try {
      await this.client.call({
        method: 'PUT',
        path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`,
        body,
      });
      this.log.info({ namespace: name }, 'namespace content deleted; finalized');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Kubernetes' `namespace` controller. */
export class NamespaceController implements Controller {
  readonly name = 'namespace';
  private readonly o: NamespaceControllerOptions;
  private queue: WorkQueue<string> | undefined;
  private workers: Promise<void> | undefined;
  private removeHandler: (() => void) | undefined;

  constructor(o: NamespaceControllerOptions = {}) {
    this.o = o;
  }

  async start(ctx: ControllerContext): Promise<void> {
    const informer: SharedInformer<NamespaceShape> = ctx.informers.forResource<NamespaceShape>(
      '',
      'v1',
      'namespaces',
    );
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    this.queue = queue;
    const enqueue = (ns: DeepReadonly<NamespaceShape>): void => {
      if (terminating(ns)) queue.add(ns.metadata.name ?? '');
    };
    this.removeHandler = informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
    const deleter = new NamespaceDeleter({
      client: ctx.client,
      log: ctx.log,
      now: () => ctx.clock.now(),
      recheckMs: this.o.recheckMs,
    });
    this.workers = (async () => {
      if (!(await informer.waitForSync(ctx.signal))) return;
      await runWorkers({
        queue,
        workers: this.o.workers ?? 2,
        reconcile: (name) => deleter.reconcile(informer.lister.get('', name)),
        log: ctx.log,
        controller: this.name,
      });
    })();
  }

  async stop(): Promise<void> {
    this.removeHandler?.();
    this.queue?.shutDown();
    await this.workers;
    this.queue = undefined;
    this.workers = undefined;
  }
}
