/**
 * The node lifecycle controller. Per node (key: the node name) it
 *  1. notes heartbeats — Lease renewals in kube-node-lease and new Ready lastHeartbeatTimes;
 *  2. once nothing was heard for the grace period (40 s; 60 s for a node whose kubelet never
 *     posted Ready), sets Ready and the pressure conditions to Unknown (NodeStatusUnknown);
 *  3. keeps the condition taints in line (see taints.ts): NoSchedule ones for the scheduler, and
 *     not-ready / unreachable NoExecute ones that the taint eviction controller acts on;
 *  4. sets the Ready condition of the pods on a node that is not Ready to False.
 * Silence is noticed without polling: each reconcile of a healthy node asks to be run again when
 * its grace period would run out, and every heartbeat pushes that moment on. When every node is
 * down at once the NoExecute taints are held back (and removed), as Kubernetes does: losing all
 * nodes together more likely means the control plane lost its network than that they all died.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isNotFound } from '../../client/status.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import { markConditionsUnknown, readyStatus } from './conditions.ts';
import { HealthTracker } from './health.ts';
import { markPodsNotReady } from './pods.ts';
import { reconcileTaints, wantedTaints } from './taints.ts';
import {
  nodeLeaseNamespace,
  podNodeName,
  podsByNodeIndex,
  type Lease,
  type Node,
  type Pod,
  type RNode,
} from './types.ts';

export const defaultNodeMonitorGracePeriodMs = 40_000;
export const defaultNodeStartupGracePeriodMs = 60_000;

export interface NodeLifecycleOptions {
  /** Silence after which a node's conditions become Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** The same for a node whose kubelet never posted a Ready condition (default 60 s). */
  nodeStartupGracePeriodMs?: number;
  workers?: number;
}

/** Watches node heartbeats and marks silent nodes; see the file comment. */
export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  readonly health = new HealthTracker();
  private readonly opts: NodeLifecycleOptions;
  private queue!: WorkQueue<string>;
  private nodeInformer!: SharedInformer<Node>;
  private leaseInformer!: SharedInformer<Lease>;
  private podInformer!: SharedInformer<Pod>;
  private nodes!: ResourceClient<Node>;
  private pods!: ResourceClient<Pod>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private evictionPaused = false;
  private readonly readiness = new ReadyCount();
  private readonly removers: (() => void)[] = [];

  constructor(opts: NodeLifecycleOptions = {}) {
    this.opts = opts;
  }

  get gracePeriodMs(): number {
    return this.opts.nodeMonitorGracePeriodMs ?? defaultNodeMonitorGracePeriodMs;
  }

  /** Registers handlers and makes the queue without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.log = ctx.log;
    this.clock = ctx.clock;
    this.recorder = ctx.recorder('node-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.nodes = ctx.client.resource<Node>('', 'v1', 'nodes');
    this.pods = ctx.client.resource<Pod>('', 'v1', 'pods');
    this.nodeInformer = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    this.leaseInformer = ctx.informers.forResource<Lease>('coordination.k8s.io', 'v1', 'leases');
    this.podInformer = ctx.informers.forResource<Pod>('', 'v1', 'pods', {
      indexers: { [podsByNodeIndex]: podNodeName },
    });
    const byName = (o: { metadata: { name?: string } }): void => this.queue.add(o.metadata.name ?? '');
    const byLease = (l: DeepReadonly<Lease>): void => {
      if (l.metadata.namespace === nodeLeaseNamespace) byName(l);
    };
    this.removers.push(
      this.nodeInformer.addEventHandler({
        onAdd: (n) => {
          this.readiness.set(n);
          byName(n);
        },
        onUpdate: (_old, n) => {
          this.readiness.set(n);
          byName(n);
        },
        onDelete: (v) => {
          const n = deletedObject(v);
          this.readiness.delete(n.metadata.name ?? '');
          byName(n);
        },
      }),
      this.leaseInformer.addEventHandler({ onAdd: byLease, onUpdate: (_old, l) => byLease(l) }),
      // A pod (re)appearing on a node that is not Ready must be marked not ready too.
      this.podInformer.addEventHandler({
        onAdd: (p) => this.onPod(p),
        onUpdate: (_old, p) => this.onPod(p),
      }),
    );
  }

  private onPod(p: DeepReadonly<Pod>): void {
    const name = p.spec?.nodeName;
    if (!name) return;
    const node = this.nodeInformer.lister.get('', name);
    if (node && readyStatus(node.status?.conditions) !== 'True') this.queue.add(name);
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

  /** Judges one node's health and writes what follows from it; see the file comment. */
  async reconcile(name: string): Promise<ReconcileResult> {
    let node = this.nodeInformer.lister.get('', name);
    if (!node) {
      this.health.forget(name);
      this.readiness.delete(name);
      this.checkEvictionPaused();
      return;
    }
    const now = this.clock.now();
    const lease = this.leaseInformer.lister.get(nodeLeaseNamespace, name);
    const wasReady = readyStatus(node.status?.conditions);
    const h = this.health.observe(node, lease, now);
    const grace =
      wasReady === undefined
        ? (this.opts.nodeStartupGracePeriodMs ?? defaultNodeStartupGracePeriodMs)
        : this.gracePeriodMs;
    const silentFor = now - h.probeTimestamp;
    if (silentFor >= grace) node = await this.markUnknown(node, now);
    const ready = readyStatus(node.status?.conditions);
    if (wasReady === 'True' && ready !== 'True')
      this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    // The node just written may be newer than its cached copy: count what was written.
    this.readiness.set(node);
    this.checkEvictionPaused();
    await this.writeTaints(node, now);
    if (ready !== undefined && ready !== 'True') {
      const pods = this.podInformer.store.byIndex(podsByNodeIndex, name);
      await markPodsNotReady(pods, { pods: this.pods, recorder: this.recorder, now });
    }
    // Look again the moment the grace period would run out (a heartbeat before then moves it on).
    if (silentFor < grace) return { requeueAfterMs: grace - silentFor + 1 };
  }

  /** Writes the Unknown conditions; returns the node as stored afterwards. */
  private async markUnknown(node: RNode, now: number): Promise<RNode> {
    const { conditions, changed } = markConditionsUnknown(
      node.status?.conditions,
      now,
      node.metadata.creationTimestamp,
    );
    if (!changed) return node;
    const next = structuredClone(node) as Node;
    next.status = { ...next.status, conditions };
    try {
      const written = await this.nodes.updateStatus(undefined, next);
      this.health.acknowledge(written);
      this.log.info(
        {
          node: node.metadata.name,
          silentForMs: now - (this.health.get(node.metadata.name ?? '')?.probeTimestamp ?? now),
        },
        'node stopped posting status: conditions set to Unknown',
      );
      return written;
    } catch (err) {
      if (isNotFound(err)) return node;
      throw err;
    }
  }

  /** Brings the managed taints in line with the node's conditions. */
  private async writeTaints(node: RNode, now: number): Promise<void> {
    const taints = reconcileTaints(node.spec?.taints, wantedTaints(node, this.evictionPaused), now);
    if (!taints) return;
    const next = structuredClone(node) as Node;
    next.spec = { ...next.spec, taints };
    if (taints.length === 0) delete next.spec.taints;
    try {
      await this.nodes.update(undefined, next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Eviction pauses while every node is not Ready, and resumes when one is; a change re-queues all
   * nodes so their NoExecute taints follow.
   */
  private checkEvictionPaused(): void {
    const paused = this.readiness.size > 0 && this.readiness.ready === 0;
    if (paused === this.evictionPaused) return;
    this.evictionPaused = paused;
    const all = this.nodeInformer.lister.list();
    if (paused)
      this.log.warn(
        { nodes: this.readiness.size },
        'no node is Ready: pausing taint-based eviction (NoExecute not-ready/unreachable taints are withheld)',
      );
    else this.log.info({}, 'a node is Ready again: taint-based eviction resumes');
    for (const n of all) this.queue.add(n.metadata.name ?? '');
  }
}

/** Makes the node lifecycle controller. */
export function nodeLifecycleController(opts: NodeLifecycleOptions = {}): NodeLifecycleController {
  return new NodeLifecycleController(opts);
}

/**
 * How many known nodes are Ready, kept up to date from informer events in O(1), so judging "is
 * every node down?" does not scan thousands of nodes on every heartbeat.
 */
class ReadyCount {
  private readonly byName = new Map<string, boolean>();
  ready = 0;

  get size(): number {
    return this.byName.size;
  }

  set(node: RNode): void {
    const name = node.metadata.name ?? '';
    this.delete(name);
    const ok = readyStatus(node.status?.conditions) === 'True';
    this.byName.set(name, ok);
    if (ok) this.ready++;
  }

  delete(name: string): void {
    if (this.byName.get(name)) this.ready--;
    this.byName.delete(name);
  }
}
