/**
 * The garbage-collector controller: monitors every listable resource into an owner graph (by uid),
 * and once the graph has synced runs workers that reconcile uids through the Collector. Graph
 * changes enqueue the object itself, its owners (a foreground owner may be unblocked) and its
 * dependents (an owner that vanished may leave them dangling). Resources are rediscovered every
 * `rediscoveryPeriodMs`, and soon after a CustomResourceDefinition is added, changes or goes, so the
 * objects of a new kind are collected with their owners from the start (kube-controller-manager
 * only looks every 30 s: an owner of a new kind deleted before then left its dependents for a while).
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { ClockTimer } from '../../client/clock.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import { Collector } from './collector.ts';
import { OwnerGraph, type GraphChange } from './graph.ts';
import { Monitors } from './monitors.ts';

export interface GarbageCollectorOptions {
  workers?: number;
  /** How often to look for new (or removed) resources; default 30 s. */
  rediscoveryPeriodMs?: number;
  /** group/resource names never monitored (default: events). */
  ignoredResources?: string[];
}

interface Running {
  queue: WorkQueue<string>;
  monitors: Monitors;
  graph: OwnerGraph;
  workers: Promise<void>;
  timer?: ClockTimer;
  abort: AbortController;
  removeCrdHandler?: () => void;
}

/** How long after a CRD change the resources are looked up again (changes of a moment share one look). */
const crdChangeDelayMs = 200;

/** Kubernetes' `garbage-collector` controller. */
export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private readonly o: GarbageCollectorOptions;
  private run: Running | undefined;

  constructor(o: GarbageCollectorOptions = {}) {
    this.o = o;
  }

  /** The current graph (for tests and debugging); undefined while stopped. */
  get graph(): OwnerGraph | undefined {
    return this.run?.graph;
  }

  async start(ctx: ControllerContext): Promise<void> {
    if (this.run) throw new Error('garbage collector already started');
    const graph = new OwnerGraph();
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const enqueue = (c: GraphChange, uid: string): void => {
      if (c.self) queue.add(uid);
      for (const u of c.owners) if (graph.node(u)) queue.add(u);
      for (const u of c.dependents) queue.add(u);
    };
    const monitors = new Monitors({
      client: ctx.client,
      graph,
      clock: ctx.clock,
      log: ctx.log,
      ignored: this.o.ignoredResources,
      onChange: (uid, c) => enqueue(c, uid),
    });
    const collector = new Collector({
      client: ctx.client,
      graph,
      log: ctx.log,
      enqueue: (uid) => queue.add(uid),
    });
    const abort = new AbortController();
    ctx.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const run: Running = { queue, monitors, graph, abort, workers: Promise.resolve() };
    this.run = run;

    const period = this.o.rediscoveryPeriodMs ?? 30_000;
    let syncing = false;
    let again = false;
    const rediscover = async (): Promise<void> => {
      run.timer?.cancel();
      run.timer = undefined;
      if (syncing) {
        again = true;
        return;
      }
      syncing = true;
      try {
        await monitors.sync();
      } catch (err) {
        ctx.log.warn({ err, controller: this.name }, 'resource discovery failed; retrying later');
      } finally {
        syncing = false;
      }
      if (abort.signal.aborted) return;
      const next = again ? crdChangeDelayMs : period;
      again = false;
      run.timer = ctx.clock.after(next, () => void rediscover());
    };
    const soon = (): void => {
      if (abort.signal.aborted) return;
      if (syncing) {
        again = true;
        return;
      }
      run.timer?.cancel();
      run.timer = ctx.clock.after(crdChangeDelayMs, () => void rediscover());
    };
    const crds = ctx.informers.forResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    run.removeCrdHandler = crds.addEventHandler({
      onAdd: (_crd, initial) => {
        if (!initial) soon();
      },
      // Established, served versions and names all change the resources discovery lists.
      onUpdate: (old, crd) => {
        if (old.metadata.generation !== crd.metadata.generation || !sameConditions(old, crd)) soon();
      },
      onDelete: soon,
    });
    await rediscover();
    // Workers start only once the graph reflects every resource: an owner missing because its
    // monitor has not listed yet must not look absent (the live check would catch it, at a cost).
    run.workers = (async () => {
      if (!(await monitors.waitForSync(abort.signal))) return;
      ctx.log.info(
        { controller: this.name, objects: graph.size, resources: monitors.names().length },
        'garbage collector graph synced',
      );
      await runWorkers({
        queue,
        workers: this.o.workers ?? 4,
        reconcile: (uid) => collector.reconcile(uid),
        log: ctx.log,
        controller: this.name,
      });
    })();
  }

  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.abort.abort();
    run.timer?.cancel();
    run.removeCrdHandler?.();
    // Workers finish what is queued and exit; if the graph never synced they never started.
    run.queue.shutDown();
    await run.monitors.stop();
    await run.workers;
  }
}

/** Whether two versions of a CRD carry the same status conditions (Established, NamesAccepted…). */
function sameConditions(a: DeepReadonly<KubeObject>, b: DeepReadonly<KubeObject>): boolean {
  const conds = (o: DeepReadonly<KubeObject>): string =>
    JSON.stringify((o as { status?: { conditions?: unknown } }).status?.conditions ?? []);
  return conds(a) === conds(b);
}
