/**
 * The DaemonSet controller: one daemon pod on every node the DaemonSet's template fits (see
 * eligibility.ts). DaemonSet, pod, node and ControllerRevision handlers only enqueue DaemonSet
 * keys; `reconcile(key)` claims pods and revisions (adopt/release), finds or makes the current
 * ControllerRevision, then — unless earlier writes are still unobserved — creates pods on nodes
 * that need one and deletes pods that must go (node-plan.ts), runs one RollingUpdate step
 * (rolling.ts) when nothing else was written, prunes old revisions, and writes status.
 * Safe to repeat at any time.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import { matchesLabels } from '../../api/selectors/labels.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isConflict, isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister, type Store } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { claimObjects } from '../replicaset/claim.ts';
import { claimCandidates, controllerIndexers } from '../replicaset/controller-index.ts';
import { workloadSelector } from '../replicaset/controller.ts';
import {
  controllerRefOf,
  newControllerRef,
  refersToKind,
  sameControllerRef,
} from '../replicaset/controller-ref.ts';
import { isPodReady } from '../replicaset/pod-state.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { FailedPodBackoff } from './backoff.ts';
import { nodeFitter } from './eligibility.ts';
import { DaemonSetExpectations } from './expectations.ts';
import { cleanupHistory, constructHistory } from './history.ts';
import { planManage } from './node-plan.ts';
import { targetNodeName, templateGeneration } from './pod-template.ts';
import { planRollingUpdate, rollingLimits, type RollingNode } from './rolling.ts';
import { calculateDaemonSetStatus, sameDaemonSetStatus } from './status.ts';
import { defaultBurstReplicas, syncNodes } from './sync-nodes.ts';
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface DaemonSetControllerOptions {
  /** Concurrent reconciles (default 2). */
  workers?: number;
  /** Most pods created per sync of one DaemonSet (default 250). */
  burstReplicas?: number;
}

/** The DaemonSet controller; `daemonSetController()` makes one. */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset';
  readonly expectations: DaemonSetExpectations;
  readonly failedPodsBackoff = new FailedPodBackoff();
  private readonly opts: DaemonSetControllerOptions;
  private queue!: WorkQueue<string>;
  private dsLister!: Lister<DaemonSet>;
  private podStore!: Store<Pod>;
  private nodeLister!: Lister<Node>;
  private revStore!: Store<ControllerRevision>;
  private daemonSets!: ResourceClient<DaemonSet>;
  private pods!: ResourceClient<Pod>;
  private revisions!: ResourceClient<ControllerRevision>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private informers: Pick<SharedInformer, 'waitForSync'>[] = [];
  private workers: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: DaemonSetControllerOptions = {}) {
    this.opts = opts;
    // The context's clock arrives with init(); expectations only read it after that.
    this.expectations = new DaemonSetExpectations({
      now: () => this.clock.now(),
      after: (ms, fn) => this.clock.after(ms, fn),
    });
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('daemonset-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.daemonSets = ctx.client.resource<DaemonSet>('apps', 'v1', 'daemonsets');
    this.pods = ctx.client.resource<Pod>('', 'v1', 'pods');
    this.revisions = ctx.client.resource<ControllerRevision>('apps', 'v1', 'controllerrevisions');
    const dsInf = ctx.informers.forResource<DaemonSet>('apps', 'v1', 'daemonsets');
    const podInf = ctx.informers.forResource<Pod>('', 'v1', 'pods', { indexers: controllerIndexers });
    const nodeInf = ctx.informers.forResource<Node>('', 'v1', 'nodes');
    const revInf = ctx.informers.forResource<ControllerRevision>('apps', 'v1', 'controllerrevisions', {
      indexers: controllerIndexers,
    });
    this.informers = [dsInf, podInf, nodeInf, revInf];
    this.dsLister = dsInf.lister;
    this.podStore = podInf.store;
    this.nodeLister = nodeInf.lister;
    this.revStore = revInf.store;
    this.watchDaemonSets(dsInf);
    this.watchPods(podInf);
    this.watchNodes(nodeInf);
    this.watchRevisions(revInf);
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    // Workers wait for every cache: with the pods listed but the nodes not yet, a sync would take
    // every daemon pod for one on a vanished node. Keys queued meanwhile are deduplicated.
    const signal = AbortSignal.any([ctx.signal, this.abort.signal]);
    const synced = Promise.all(this.informers.map((i) => i.waitForSync(signal)));
    this.workers = synced.then((ok) => {
      if (!ok.every(Boolean) || this.stopping) return;
      return runWorkers({
        queue: this.queue,
        workers: this.opts.workers ?? 2,
        reconcile: (k) => (this.stopping ? Promise.resolve() : this.reconcile(k)),
        log: this.log,
        controller: this.name,
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    for (const r of this.removers.splice(0)) r();
    this.queue?.shutDown();
    await this.workers;
  }

  /** Keys waiting in the queue (for tests). */
  queued(): number {
    return this.queue.len();
  }

  enqueue(ds: RO<DaemonSet>): void {
    this.queue.add(metaNamespaceKey(ds));
  }

  private watchDaemonSets(inf: SharedInformer<DaemonSet>): void {
    this.removers.push(
      inf.addEventHandler({
        onAdd: (ds) => this.enqueue(ds),
        onUpdate: (_old, ds) => this.enqueue(ds),
        onDelete: (v) => {
          const ds = deletedObject(v);
          this.expectations.delete(metaNamespaceKey(ds));
          this.failedPodsBackoff.forgetOwner(ds.metadata.uid ?? '');
          this.enqueue(ds);
        },
      }),
    );
  }

  /** The DaemonSet `ref` points at, if it exists with that uid. */
  private resolveRef(ns: string, ref: RO<OwnerReference> | undefined): RO<DaemonSet> | undefined {
    if (!ref || !refersToKind(ref, 'apps', 'DaemonSet')) return undefined;
    const ds = this.dsLister.get(ns, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  /** DaemonSets in the object's namespace whose selector matches its labels (adoption candidates). */
  private selecting(
    obj: RO<{ metadata: { namespace?: string; labels?: Record<string, string> } }>,
  ): RO<DaemonSet>[] {
    return this.dsLister
      .namespace(obj.metadata.namespace ?? '')
      .list()
      .filter((ds) => matchesLabels(safeSelector(ds), obj.metadata.labels));
  }

  private watchPods(inf: SharedInformer<Pod>): void {
    const onDelete = (pod: RO<Pod>): void => {
      const ds = this.resolveRef(pod.metadata.namespace ?? '', controllerRefOf(pod));
      if (!ds) return;
      this.expectations.deletionObserved(metaNamespaceKey(ds), metaNamespaceKey(pod));
      this.enqueue(ds);
    };
    this.removers.push(
      inf.addEventHandler({
        onAdd: (pod) => {
          if (pod.metadata.deletionTimestamp) return onDelete(pod);
          const ref = controllerRefOf(pod);
          if (ref) {
            const ds = this.resolveRef(pod.metadata.namespace ?? '', ref);
            if (!ds) return;
            this.expectations.creationObserved(metaNamespaceKey(ds));
            return this.enqueue(ds);
          }
          for (const ds of this.selecting(pod)) this.enqueue(ds);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          if (cur.metadata.deletionTimestamp) return onDelete(cur);
          const curRef = controllerRefOf(cur);
          const oldRef = controllerRefOf(old);
          const refChanged = !sameControllerRef(curRef, oldRef);
          if (refChanged && oldRef) {
            const oldDs = this.resolveRef(old.metadata.namespace ?? '', oldRef);
            if (oldDs) this.enqueue(oldDs);
          }
          if (curRef) {
            const ds = this.resolveRef(cur.metadata.namespace ?? '', curRef);
            if (!ds) return;
            this.enqueue(ds);
            // Becoming Ready starts the minReadySeconds clock: look again when it runs out.
            const minReady = ds.spec.minReadySeconds ?? 0;
            if (minReady > 0 && !isPodReady(old) && isPodReady(cur))
              this.queue.addAfter(metaNamespaceKey(ds), minReady * 1000 + 1);
            return;
          }
          const labelsChanged =
            JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
          if (labelsChanged || refChanged) for (const ds of this.selecting(cur)) this.enqueue(ds);
        },
        onDelete: (v) => onDelete(deletedObject(v)),
      }),
    );
  }

  /** Node changes that can move eligibility enqueue the DaemonSets whose answer changed. */
  private watchNodes(inf: SharedInformer<Node>): void {
    const all = (): RO<DaemonSet>[] => this.dsLister.list();
    this.removers.push(
      inf.addEventHandler({
        onAdd: (node) => {
          for (const ds of all()) if (nodeFitter(ds)(node).shouldRun) this.enqueue(ds);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          const same =
            JSON.stringify(old.metadata.labels ?? {}) === JSON.stringify(cur.metadata.labels ?? {}) &&
            JSON.stringify(old.spec?.taints ?? []) === JSON.stringify(cur.spec?.taints ?? []) &&
            (old.spec?.unschedulable ?? false) === (cur.spec?.unschedulable ?? false);
          if (same) return;
          for (const ds of all()) {
            const fit = nodeFitter(ds);
            const a = fit(old);
            const b = fit(cur);
            if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning)
              this.enqueue(ds);
          }
        },
        onDelete: () => {
          for (const ds of all()) this.enqueue(ds);
        },
      }),
    );
  }

  private watchRevisions(inf: SharedInformer<ControllerRevision>): void {
    const touch = (rev: RO<ControllerRevision>): void => {
      const ref = controllerRefOf(rev);
      if (ref) {
        const ds = this.resolveRef(rev.metadata.namespace ?? '', ref);
        if (ds) this.enqueue(ds);
        return;
      }
      for (const ds of this.selecting(rev)) this.enqueue(ds);
    };
    this.removers.push(
      inf.addEventHandler({
        onAdd: touch,
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          if (!sameControllerRef(controllerRefOf(old), controllerRefOf(cur))) touch(old);
          touch(cur);
        },
        onDelete: (v) => touch(deletedObject(v)),
      }),
    );
  }

  /** One sync of one DaemonSet; see the file comment. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const ds = this.dsLister.get(namespace, name);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const selector = safeSelector(ds);
    if (!selector) {
      this.recorder.event(
        ds,
        'Warning',
        'SelectingAll',
        'This daemon set is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    // A DaemonSet on its way out leaves its pods to the garbage collector.
    if (ds.metadata.deletionTimestamp) return;

    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const matches = (o: RO<{ metadata: { labels?: Record<string, string> } }>): boolean =>
      matchesLabels(selector, o.metadata.labels);
    const canAdopt = (): Promise<void> => this.recheckNotDeleting(ds);
    const { claimed: pods } = await claimObjects<Pod>(claimCandidates(this.podStore, ds), {
      owner: ds,
      ownerRef: ref,
      matches,
      canAdopt,
      client: this.pods,
    });
    const { claimed: revisions } = await claimObjects<ControllerRevision>(
      claimCandidates(this.revStore, ds),
      { owner: ds, ownerRef: ref, matches, canAdopt, client: this.revisions },
    );
    const history = await constructHistory(ds, revisions, pods, {
      revisions: this.revisions,
      pods: this.pods,
      bumpCollisionCount: () => this.bumpCollisionCount(ds),
    });
    const hash = history.hash;
    const generation = templateGeneration(ds);
    const nodes = this.nodeLister.list();
    const fit = nodeFitter(ds);
    const podsByNode = groupByNode(pods);
    const now = this.clock.now();
    this.failedPodsBackoff.gc(now);
    const minReadySeconds = ds.spec.minReadySeconds ?? 0;
    const ru = ds.spec.updateStrategy;
    const rollingUpdate = (ru?.type ?? 'RollingUpdate') === 'RollingUpdate';

    let requeueAfterMs: number | undefined;
    let failure: unknown;
    const satisfied = this.expectations.satisfied(key);
    if (satisfied) {
      const desired = nodes.filter((n) => fit(n).shouldRun).length;
      const limits = rollingLimits(ds, desired);
      const deps = {
        pods: this.pods,
        expectations: this.expectations,
        recorder: this.recorder,
        burst: this.opts.burstReplicas ?? defaultBurstReplicas,
      };
      try {
        const plan = planManage(nodes, podsByNode, fit, {
          dsUid: ds.metadata.uid ?? '',
          useSurge: rollingUpdate && limits.maxSurge > 0,
          hash,
          generation,
          minReadySeconds,
          now,
          backoff: this.failedPodsBackoff,
        });
        requeueAfterMs = plan.requeueAfterMs;
        await syncNodes(ds, key, plan.podsToDelete, plan.nodesNeedingPods, hash, ref, deps);
        // Only when manage wrote nothing (or all of it is already observed) does the rollout move.
        if (rollingUpdate && this.expectations.satisfied(key)) {
          const step = planRollingUpdate(rollingNodes(nodes, podsByNode, fit), {
            hash,
            generation,
            minReadySeconds,
            now,
            ...limits,
          });
          const deletes = step.podsToDelete.map((pod) => ({ pod }));
          await syncNodes(ds, key, deletes, step.nodesToCreate, hash, ref, deps);
        }
        const limit = ds.spec.revisionHistoryLimit ?? 10;
        await cleanupHistory(
          history.old,
          pods.filter((p) => !p.metadata.deletionTimestamp),
          limit,
          this.revisions,
        );
      } catch (err) {
        failure = err;
      }
    }

    const status = calculateDaemonSetStatus(ds, nodes, podsByNode, fit, {
      hash,
      generation,
      now,
      observeGeneration: satisfied,
    });
    await this.writeStatus(ds, status);
    if (failure !== undefined) throw failure;
    if (minReadySeconds > 0 && status.numberReady !== status.numberAvailable) {
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, minReadySeconds * 1000);
    }
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  /** Adoption is allowed only if a fresh read shows the same DaemonSet, not being deleted. */
  private async recheckNotDeleting(ds: RO<DaemonSet>): Promise<void> {
    const fresh = await this.daemonSets.get(ds.metadata.namespace, ds.metadata.name ?? '');
    if (fresh.metadata.uid !== ds.metadata.uid)
      throw new Error(`original DaemonSet ${metaNamespaceKey(ds)} is gone: got uid ${fresh.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp)
      throw new Error(`DaemonSet ${metaNamespaceKey(ds)} is being deleted; not adopting`);
  }

  private async bumpCollisionCount(ds: RO<DaemonSet>): Promise<void> {
    const fresh = await this.daemonSets.get(ds.metadata.namespace, ds.metadata.name ?? '');
    const status = (fresh.status ?? { ...emptyStatus }) as DaemonSetStatus;
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    fresh.status = status;
    await this.daemonSets.updateStatus(fresh.metadata.namespace, fresh);
  }

  /** Writes status when it changed; on a conflict reads the latest object and tries once more. */
  private async writeStatus(ds: RO<DaemonSet>, status: DaemonSetStatus): Promise<void> {
    if (sameDaemonSetStatus(ds.status, status)) return;
    const next = structuredClone(ds) as DaemonSet;
    next.status = status;
    try {
      await this.daemonSets.updateStatus(next.metadata.namespace, next);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const fresh = await this.daemonSets.get(next.metadata.namespace, next.metadata.name ?? '');
      // Never write back a collisionCount lower than what is stored.
      status.collisionCount =
        Math.max(status.collisionCount ?? 0, fresh.status?.collisionCount ?? 0) || undefined;
      fresh.status = status;
      await this.daemonSets.updateStatus(fresh.metadata.namespace, fresh);
    }
  }
}

const emptyStatus: DaemonSetStatus = {
  currentNumberScheduled: 0,
  numberMisscheduled: 0,
  desiredNumberScheduled: 0,
  numberReady: 0,
};

/** Pods grouped by the node they are for ('' when they name none). */
export function groupByNode(pods: readonly RO<Pod>[]): Map<string, RO<Pod>[]> {
  const out = new Map<string, RO<Pod>[]>();
  for (const p of pods) {
    const node = targetNodeName(p) ?? '';
    const list = out.get(node);
    if (list) list.push(p);
    else out.set(node, [p]);
  }
  return out;
}

/** The rolling update's view: every node that should run the daemon or has live pods for it. */
function rollingNodes(
  nodes: readonly RO<Node>[],
  podsByNode: ReadonlyMap<string, readonly RO<Pod>[]>,
  fit: (n: RO<Node>) => { shouldRun: boolean },
): RollingNode[] {
  const out: RollingNode[] = [];
  for (const n of nodes) {
    const name = n.metadata.name ?? '';
    // Terminated pods are manage's to replace (with backoff), not the rollout's.
    const pods = (podsByNode.get(name) ?? []).filter(
      (p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded',
    );
    const shouldRun = fit(n).shouldRun;
    if (shouldRun || pods.length > 0) out.push({ name, shouldRun, pods });
  }
  return out;
}

/** The selector of `ds`, or null (match nothing) when it is missing, empty or malformed. */
function safeSelector(ds: RO<DaemonSet>): ReturnType<typeof workloadSelector> {
  try {
    return workloadSelector(ds.spec.selector);
  } catch {
    return null;
  }
}

/** Makes the DaemonSet controller (register it with the controller manager). */
export function daemonSetController(opts: DaemonSetControllerOptions = {}): DaemonSetController {
  return new DaemonSetController(opts);
}
