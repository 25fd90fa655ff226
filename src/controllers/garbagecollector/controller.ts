/**
 * The garbage-collector controller: monitors every listable resource into an owner graph (by uid),
 * and once the graph has synced runs workers that reconcile uids through the Collector. Graph
 * changes enqueue the object itself, its owners (a foreground owner may be unblocked) and its
 * dependents (an owner that vanished may leave them dangling). Resources are rediscovered every
 * `rediscoveryPeriodMs` so CRDs that appear later are collected too.
 */
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
}

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
    const rediscover = async (): Promise<void> => {
      try {
        await monitors.sync();
      } catch (err) {
        ctx.log.warn({ err, controller: this.name }, 'resource discovery failed; retrying later');
      }
      if (!abort.signal.aborted) run.timer = ctx.clock.after(period, () => void rediscover());
    };
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
    // Workers finish what is queued and exit; if the graph never synced they never started.
    run.queue.shutDown();
    await run.monitors.stop();
    await run.workers;
  }
}
