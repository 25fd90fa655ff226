/**
 * The scheduler as a controller (the `Controller` contract of src/controllers/types.ts): it watches
 * pods and nodes through the shared informers, queues unassigned pods that name this scheduler
 * (spec.schedulerName, `default-scheduler` unless told), and decides one pod at a time:
 * snapshot the cache → filter → score → assume the pod onto the node → bind in the background
 * (after the pod's WaitForFirstConsumer volumes are bound for that node: volume-binder.ts).
 * A pod that fits nowhere gets a FailedScheduling event and PodScheduled=False/Unschedulable
 * with the same message, tries preemption, and waits in the queue for a cluster event that may
 * help (node added or changed, a placed pod deleted or finished).
 * Handlers only update the cache and the queue; every decision reads the latest pod from the lister.
 */
import type { Controller, ControllerContext } from '../controllers/types.ts';
import type { EventRecorder } from '../client/events.ts';
import { isNotFound } from '../client/status.ts';
import { StatusError } from '../api/errors.ts';
import { deletedObject, type SharedInformer } from '../client/informer.ts';
import { SchedulerCache } from './cache.ts';
import { bindPod, deleteVictim, patchPodStatus, unschedulableConditions } from './binder.ts';
import { failedSchedulingMessage } from './diagnosis.ts';
import { defaultProfile, schedulePod, type Profile } from './framework.ts';
import { findPreemption } from './preemption.ts';
import { SchedulingQueue, type QueuedPodInfo, type SchedulingQueueOptions } from './queue.ts';
import { podKey, type Node, type Pod, type RNode, type RPod } from './types.ts';
import { PreBindError, SchedulerVolumeBinder, withVolumeBinding } from './volume-binder.ts';

export interface SchedulerOptions {
  /** Pods naming another scheduler are ignored (default `default-scheduler`). */
  schedulerName?: string;
  profile?: Profile;
  queue?: Omit<SchedulingQueueOptions, 'clock'>;
  /** Try preemption when a pod fits nowhere (default true). */
  preemption?: boolean;
  /** How long binding waits for a pod's volumes to be bound (default 20 s). */
  volumeBindTimeoutMs?: number;
  /**
   * Bindings in flight at once (default 64); later ones wait their turn while scheduling goes on
   * (their pods are assumed). Keeps a burst from opening a connection per pod to the API server.
   */
  maxInflightBinds?: number;
}

/** Which pods this scheduler should place. */
export function responsibleFor(pod: RPod, schedulerName: string): boolean {
  return (
    !pod.spec?.nodeName &&
    (pod.spec?.schedulerName ?? 'default-scheduler') === schedulerName &&
    !pod.metadata.deletionTimestamp &&
    !pod.spec?.schedulingGates?.length &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

const counted = (p: RPod): boolean =>
  !!p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

function nodeChanged(a: RNode, b: RNode): boolean {
  return (
    JSON.stringify([a.spec, a.metadata.labels, a.status?.allocatable]) !==
    JSON.stringify([b.spec, b.metadata.labels, b.status?.allocatable])
  );
}

/** The running scheduler; `schedulerController` wraps it as a Controller. */
export class Scheduler {
  readonly queue: SchedulingQueue;
  readonly cache: SchedulerCache;
  private readonly ctx: ControllerContext;
  private readonly name: string;
  private readonly profile: Profile;
  private readonly preemption: boolean;
  private readonly recorder: EventRecorder;
  private readonly pods: SharedInformer<Pod>;
  private readonly nodes: SharedInformer<Node>;
  private readonly volumes: SchedulerVolumeBinder;
  private readonly inflight = new Set<Promise<void>>();
  private readonly maxBinds: number;
  /** Bindings waiting for a slot, oldest first, and how many run now. */
  private readonly bindQueue: (() => Promise<void>)[] = [];
  private binding = 0;
  /** Where the next cycle starts filtering nodes (see schedulePod). */
  private nextStartNodeIndex = 0;
  private loop: Promise<void> | undefined;
  private readonly removers: (() => void)[] = [];

  constructor(ctx: ControllerContext, opts: SchedulerOptions = {}) {
    this.ctx = ctx;
    this.name = opts.schedulerName ?? 'default-scheduler';
    this.preemption = opts.preemption ?? true;
    this.maxBinds = Math.max(1, opts.maxInflightBinds ?? 64);
    this.recorder = ctx.recorder(this.name);
    this.queue = new SchedulingQueue({ ...opts.queue, clock: ctx.clock });
    // Storage changes (a claim bound, a volume or class added) may make waiting pods fit.
    this.volumes = new SchedulerVolumeBinder(ctx, () => this.queue.moveAllToActiveOrBackoff(), {
      bindTimeoutMs: opts.volumeBindTimeoutMs,
    });
    this.profile = opts.profile ?? withVolumeBinding(defaultProfile, this.volumes.plugin);
    this.cache = new SchedulerCache({ clock: ctx.clock });
    this.pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
    this.nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    this.removers.push(
      this.pods.addEventHandler({
        onAdd: (p) => this.onPod(undefined, p),
        onUpdate: (o, p) => this.onPod(o, p),
        onDelete: (d) => {
          const p = deletedObject(d);
          const key = podKey(p);
          this.queue.delete(key);
          this.cache.removePod(key);
          if (counted(p)) this.queue.moveAllToActiveOrBackoff();
        },
      }),
      this.nodes.addEventHandler({
        onAdd: (n) => {
          this.cache.upsertNode(n);
          this.queue.moveAllToActiveOrBackoff();
        },
        onUpdate: (o, n) => {
          this.cache.upsertNode(n);
          if (nodeChanged(o, n)) this.queue.moveAllToActiveOrBackoff();
        },
        onDelete: (d) => this.cache.removeNode(deletedObject(d).metadata.name ?? ''),
      }),
    );
  }

  private onPod(old: RPod | undefined, p: RPod): void {
    const key = podKey(p);
    if (p.spec?.nodeName) {
      this.queue.delete(key);
      this.cache.upsertPod(p);
      // A placed pod that finished frees its resources.
      if (old && counted(old) && !counted(p)) this.queue.moveAllToActiveOrBackoff();
      return;
    }
    if (responsibleFor(p, this.name)) this.queue.add(key, p);
    else this.queue.delete(key);
  }

  /** Starts the scheduling loop (it waits for the informers to sync first). */
  run(): void {
    this.loop ??= (async () => {
      const okPods = await this.pods.waitForSync(this.ctx.signal);
      const okNodes = await this.nodes.waitForSync(this.ctx.signal);
      const okVolumes = await this.volumes.waitForSync(this.ctx.signal);
      if (!okPods || !okNodes || !okVolumes) return;
      for (;;) {
        const info = await this.queue.pop();
        if (!info) return;
        try {
          await this.scheduleOne(info);
        } catch (err) {
          this.ctx.log.error({ err, pod: info.key }, 'scheduling cycle failed');
          this.queue.requeue(info, this.queue.schedulingCycle, false);
        } finally {
          this.queue.done(info.key);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    for (const r of this.removers) r();
    this.volumes.stop();
    this.queue.close();
    await this.loop;
    await this.drain();
  }

  /** Resolves when every binding and write started so far has finished. */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
    await this.recorder.flush();
  }

  private background(fn: () => Promise<void>): void {
    const p = fn().finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Runs `fn` in the background once one of the maxInflightBinds slots is free. */
  private queueBind(fn: () => Promise<void>): void {
    this.bindQueue.push(fn);
    this.startBinds();
  }

  private startBinds(): void {
    while (this.binding < this.maxBinds && this.bindQueue.length) {
      const next = this.bindQueue.shift()!;
      this.binding++;
      this.background(() =>
        next().finally(() => {
          this.binding--;
          this.startBinds();
        }),
      );
    }
  }

  /** One scheduling cycle for one queued pod. */
  async scheduleOne(info: QueuedPodInfo): Promise<void> {
    const cycle = this.queue.schedulingCycle;
    const { namespace, name } = info.pod.metadata;
    const pod = this.pods.lister.get(namespace ?? '', name ?? '');
    if (!pod || !responsibleFor(pod, this.name) || this.cache.isAssumed(info.key)) return;
    info.pod = pod;
    const snapshot = this.cache.snapshot();
    const result = schedulePod(pod, snapshot, this.profile, this.nextStartNodeIndex);
    if (result.node !== undefined) {
      const node = result.node;
      // The next cycle starts filtering where this one stopped (fairness across a partial search).
      this.nextStartNodeIndex = (this.nextStartNodeIndex + result.searched) % snapshot.nodes.length;
      this.cache.assume(pod, node);
      this.queueBind(() => this.bind(info, pod, node));
      return;
    }
    let preemptionMsg: string | undefined;
    if (this.preemption && snapshot.nodes.length > 0) {
      const p = findPreemption(this.profile, result.state, snapshot, result.diagnosis);
      if (p.node !== undefined) {
        this.preempt(pod, p.node, p.victims);
      } else preemptionMsg = p.message;
    }
    const message = failedSchedulingMessage(result.diagnosis, preemptionMsg);
    this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    const conditions = unschedulableConditions(pod, message, this.ctx.clock.now());
    if (conditions) this.background(() => this.write(pod, { conditions }));
    this.queue.requeue(info, cycle, true);
  }

  private preempt(pod: RPod, node: string, victims: RPod[]): void {
    this.background(async () => {
      for (const v of victims) {
        this.recorder.event(
          v,
          'Normal',
          'Preempted',
          `Preempted by pod ${pod.metadata.uid ?? podKey(pod)} on node ${node}`,
        );
        try {
          await deleteVictim(this.ctx.client, v);
        } catch (err) {
          if (!isNotFound(err))
            this.ctx.log.error({ err, pod: podKey(v) }, 'could not delete preemption victim');
        }
      }
    });
    if (pod.status?.nominatedNodeName !== node)
      this.background(() => this.write(pod, { nominatedNodeName: node }));
  }

  private async write(pod: RPod, status: Record<string, unknown>): Promise<void> {
    try {
      await patchPodStatus(this.ctx.client, pod, status);
    } catch (err) {
      if (!isNotFound(err)) this.ctx.log.error({ err, pod: podKey(pod) }, 'could not update pod status');
    }
  }

  private async bind(info: QueuedPodInfo, pod: RPod, node: string): Promise<void> {
    try {
      const labels = this.nodes.lister.get('', node)?.metadata.labels ?? {};
      await this.volumes.preBind(pod, { name: node, labels });
      await bindPod(this.ctx.client, pod, node);
      this.cache.finishBinding(info.key);
      this.recorder.event(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
      );
    } catch (err) {
      this.cache.forget(info.key);
      // Gone, or bound by someone else: nothing left to do for this pod.
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      this.ctx.log.error({ err, pod: info.key, node }, 'binding failed');
      const msg = err instanceof Error ? err.message : String(err);
      this.recorder.event(
        pod,
        'Warning',
        'FailedScheduling',
        err instanceof PreBindError
          ? `running PreBind plugin "VolumeBinding": ${msg}`
          : `Binding rejected: ${msg}`,
      );
      const latest = this.pods.lister.get(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (latest && responsibleFor(latest, this.name)) this.queue.add(info.key, latest);
    }
  }
}

/** The scheduler as a controller the controller manager can run. */
export function schedulerController(opts: SchedulerOptions = {}): Controller {
  let s: Scheduler | undefined;
  return {
    name: 'scheduler',
    async start(ctx) {
      s = new Scheduler(ctx, opts);
      s.run();
      ctx.signal.addEventListener('abort', () => void s?.stop(), { once: true });
    },
    async stop() {
      await s?.stop();
    },
  };
}
