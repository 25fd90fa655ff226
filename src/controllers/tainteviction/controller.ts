/**
 * The taint eviction controller (Kubernetes' NoExecute taint manager). Keys are pods. A pod on a
 * node with NoExecute taints it does not tolerate is deleted at once; one that tolerates them for
 * tolerationSeconds is deleted when that time, counted from the taint's timeAdded, runs out — the
 * reconcile asks to be run again at that moment (workqueue addAfter on the injected clock), and a
 * taint removed meanwhile cancels it. Before deleting, the pod gets an event (TaintManagerEviction
 * "Marking for deletion Pod NS/NAME") and the DisruptionTarget condition, as Kubernetes 1.26+ does,
 * so its owner can tell a disruption from a failure. Pods that have finished are left to pod GC.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import {
  parseTime,
  podNodeName,
  podsByNodeIndex,
  timestamp,
  type Node,
  type Pod,
  type RNode,
  type RPod,
  type Taint,
} from '../nodelifecycle/types.ts';
import { evictionDeadline, noExecuteTaints } from './deadline.ts';

export const disruptionTargetCondition = 'DisruptionTarget';
export const reasonDeletionByTaintManager = 'DeletionByTaintManager';

export interface TaintEvictionOptions {
  workers?: number;
}

const taintId = (node: string, t: DeepReadonly<Taint>): string =>
  `${node}\u0000${t.key}=${t.value ?? ''}:${t.effect}`;

/** Evicts pods from nodes with NoExecute taints; see the file comment. */
export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  private readonly opts: TaintEvictionOptions;
  private queue!: WorkQueue<string>;
  private nodeInformer!: SharedInformer<Node>;
  private podInformer!: SharedInformer<Pod>;
  private pods!: ResourceClient<Pod>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  /** When each NoExecute taint without timeAdded was first seen (node + taint → ms). */
  private readonly firstSeen = new Map<string, number>();
  /** Pods with an eviction scheduled (key → ms), to say so when it is cancelled. */
  private readonly scheduled = new Map<string, number>();
  private readonly removers: (() => void)[] = [];

  constructor(opts: TaintEvictionOptions = {}) {
    this.opts = opts;
  }

  /** Registers handlers and makes the queue without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.log = ctx.log;
    this.clock = ctx.clock;
    this.recorder = ctx.recorder('taint-eviction-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.pods = ctx.client.resource<Pod>('', 'v1', 'pods');
    this.nodeInformer = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    this.podInformer = ctx.informers.forResource<Pod>('', 'v1', 'pods', {
      indexers: { [podsByNodeIndex]: podNodeName },
    });
    this.removers.push(
      this.nodeInformer.addEventHandler({
        onAdd: (n) => this.onNode(undefined, n),
        onUpdate: (old, n) => this.onNode(old, n),
        onDelete: (v) => this.forgetNode(deletedObject(v).metadata.name ?? ''),
      }),
      this.podInformer.addEventHandler({
        onAdd: (p) => this.onPod(undefined, p),
        onUpdate: (old, p) => this.onPod(old, p),
        onDelete: (v) => this.scheduled.delete(metaNamespaceKey(deletedObject(v))),
      }),
    );
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: this.opts.workers ?? 2,
      reconcile: (k) => this.reconcile(k),
      log: this.log,
      controller: this.name,
    });
  }

  async stop(): Promise<void> {
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  /** A change of a node's NoExecute taints concerns every pod on it. */
  private onNode(old: RNode | undefined, node: RNode): void {
    const name = node.metadata.name ?? '';
    const now = this.clock.now();
    const taints = noExecuteTaints(node.spec?.taints);
    const ids = new Set(taints.map((t) => taintId(name, t)));
    for (const t of taints)
      if (!t.timeAdded && !this.firstSeen.has(taintId(name, t))) this.firstSeen.set(taintId(name, t), now);
    for (const id of this.firstSeen.keys())
      if (id.startsWith(`${name}\u0000`) && !ids.has(id)) this.firstSeen.delete(id);
    const before = JSON.stringify(noExecuteTaints(old?.spec?.taints));
    if (old && before === JSON.stringify(taints)) return;
    if (!old && taints.length === 0) return;
    for (const p of this.podInformer.store.byIndex(podsByNodeIndex, name))
      this.queue.add(metaNamespaceKey(p));
  }

  private forgetNode(name: string): void {
    for (const id of this.firstSeen.keys()) if (id.startsWith(`${name}\u0000`)) this.firstSeen.delete(id);
  }

  /** A pod matters when it sits on a node with NoExecute taints (or its tolerations or node changed). */
  private onPod(old: RPod | undefined, pod: RPod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    if (old && old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const node = this.nodeInformer.lister.get('', nodeName);
    const tainted = noExecuteTaints(node?.spec?.taints).length > 0;
    if (tainted || this.scheduled.has(metaNamespaceKey(pod))) this.queue.add(metaNamespaceKey(pod));
  }

  private since(node: string, t: DeepReadonly<Taint>): number {
    const added = parseTime(t.timeAdded);
    if (added !== undefined) return added;
    const id = taintId(node, t);
    let seen = this.firstSeen.get(id);
    if (seen === undefined) {
      seen = this.clock.now();
      this.firstSeen.set(id, seen);
    }
    return seen;
  }

  /** Decides one pod: nothing, evict now, or look again when its toleration runs out. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const pod = this.podInformer.lister.get(namespace, name);
    const nodeName = pod?.spec?.nodeName;
    const finished = pod?.status?.phase === 'Succeeded' || pod?.status?.phase === 'Failed';
    if (!pod || !nodeName || pod.metadata.deletionTimestamp || finished) {
      this.scheduled.delete(key);
      return;
    }
    const node = this.nodeInformer.lister.get('', nodeName);
    const now = this.clock.now();
    const decision = evictionDeadline(
      node?.spec?.taints,
      pod.spec?.tolerations,
      (t) => this.since(nodeName, t),
      now,
    );
    if (decision.kind !== 'evict') {
      if (this.scheduled.delete(key))
        this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
      return;
    }
    if (decision.at > now) {
      this.scheduled.set(key, decision.at);
      return { requeueAfterMs: decision.at - now };
    }
    await this.evict(pod, key, now);
  }

  /** Event, DisruptionTarget condition, then delete (the uid precondition spares a successor). */
  private async evict(pod: RPod, key: string, now: number): Promise<void> {
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    const next = structuredClone(pod) as Pod;
    const conditions = (next.status?.conditions ?? []).filter((c) => c.type !== disruptionTargetCondition);
    conditions.push({
      type: disruptionTargetCondition,
      status: 'True',
      reason: reasonDeletionByTaintManager,
      message: 'Taint manager: deleting due to NoExecute taint',
      lastTransitionTime: timestamp(now),
    });
    next.status = { ...next.status, conditions };
    try {
      await this.pods.updateStatus(pod.metadata.namespace, next);
      const uid = pod.metadata.uid;
      await this.pods.delete(pod.metadata.namespace, pod.metadata.name ?? '', {
        ...(uid ? { preconditions: { uid } } : {}),
      });
      this.scheduled.delete(key);
      this.log.info({ pod: key, node: pod.spec?.nodeName }, 'pod evicted for NoExecute taints');
    } catch (err) {
      if (isNotFound(err)) {
        this.scheduled.delete(key);
        return;
      }
      throw err;
    }
  }
}

/** Makes the taint eviction controller. */
export function taintEvictionController(opts: TaintEvictionOptions = {}): TaintEvictionController {
  return new TaintEvictionController(opts);
}
