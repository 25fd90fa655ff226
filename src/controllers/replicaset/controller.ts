/**
 * The ReplicaSet controller: keeps spec.replicas active pods matching each ReplicaSet's selector.
 * Pod and ReplicaSet handlers only enqueue `namespace/name` keys of ReplicaSets (and feed the
 * expectations); `reconcile(key)` claims pods (adopt/release), creates or deletes the difference
 * unless earlier writes are still unobserved, and writes status. Safe to repeat at any time.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import {
  matchesLabels,
  selectorFromLabelSelector,
  type LabelRequirement,
} from '../../api/selectors/labels.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isConflict, isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister, type Store } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import type { Clock } from '../../client/clock.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { claimObjects } from './claim.ts';
import { claimCandidates, controllerIndexers } from './controller-index.ts';
import { controllerRefOf, newControllerRef, refersToKind, sameControllerRef } from './controller-ref.ts';
import { Expectations } from './expectations.ts';
import { defaultBurstReplicas, manageReplicas } from './manage.ts';
import { isPodActive, isPodReady } from './pod-state.ts';
import { calculateReplicaSetStatus, sameReplicaSetStatus, type ManageFailure } from './status.ts';
import type { Pod, ReplicaSet } from './types.ts';
import { runWorkers } from '../workers.ts';

type RO<T> = DeepReadonly<T>;

export interface ReplicaSetControllerOptions {
  /** Concurrent reconciles (default 5). */
  workers?: number;
  /** Most pods created/deleted per sync of one ReplicaSet (default 500). */
  burstReplicas?: number;
}

/**
 * How long a ReplicaSet waits after a status-only change of one of its pods (see watchPods): 250 ms,
 * or 1 ms per replica up to 1 s — a sync costs in proportion to the set's pods, so a big set gathers
 * more changes per sync.
 */
export const statusCoalesceMs = 250;
const maxStatusCoalesceMs = 1000;

function statusCoalesceFor(rs: RO<ReplicaSet>): number {
  return Math.min(maxStatusCoalesceMs, Math.max(statusCoalesceMs, rs.spec.replicas ?? 1));
}

/** A label selector as requirements; an absent or empty selector selects nothing here. */
export function workloadSelector(sel: RO<ReplicaSet['spec']['selector']>): LabelRequirement[] | null {
  const reqs = selectorFromLabelSelector(sel as ReplicaSet['spec']['selector']);
  return reqs && reqs.length > 0 ? reqs : null;
}

/** The ReplicaSet controller; `replicaSetController()` makes one. */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  readonly expectations: Expectations;
  private readonly opts: ReplicaSetControllerOptions;
  private queue!: WorkQueue<string>;
  private rsLister!: Lister<ReplicaSet>;
  private podStore!: Store<Pod>;
  private pods!: ResourceClient<Pod>;
  private replicaSets!: ResourceClient<ReplicaSet>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: ReplicaSetControllerOptions = {}) {
    this.opts = opts;
    // The context's clock arrives with init(); expectations only read it after that.
    this.expectations = new Expectations({
      now: () => this.clock.now(),
      after: (ms, fn) => this.clock.after(ms, fn),
    });
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('replicaset-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.pods = ctx.client.resource<Pod>('', 'v1', 'pods');
    this.replicaSets = ctx.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');
    const rsInformer = ctx.informers.forResource<ReplicaSet>('apps', 'v1', 'replicasets');
    const podInformer = ctx.informers.forResource<Pod>('', 'v1', 'pods', { indexers: controllerIndexers });
    this.rsLister = rsInformer.lister;
    this.podStore = podInformer.store;
    this.watchReplicaSets(rsInformer);
    this.watchPods(podInformer);
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

  enqueue(rs: RO<ReplicaSet>): void {
    this.queue.add(metaNamespaceKey(rs));
  }

  private watchReplicaSets(inf: SharedInformer<ReplicaSet>): void {
    this.removers.push(
      inf.addEventHandler({
        onAdd: (rs) => this.enqueue(rs),
        onUpdate: (_old, rs) => this.enqueue(rs),
        onDelete: (v) => {
          const rs = deletedObject(v);
          this.expectations.delete(metaNamespaceKey(rs));
          this.enqueue(rs);
        },
      }),
    );
  }

  /** The ReplicaSet `ref` points at, if it exists with that uid. */
  private resolveRef(ns: string, ref: RO<OwnerReference> | undefined): RO<ReplicaSet> | undefined {
    if (!ref || !refersToKind(ref, 'apps', 'ReplicaSet')) return undefined;
    const rs = this.rsLister.get(ns, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets whose selector matches an orphan pod's labels (candidates to adopt it). */
  private replicaSetsSelecting(pod: RO<Pod>): RO<ReplicaSet>[] {
    return this.rsLister
      .namespace(pod.metadata.namespace ?? '')
      .list()
      .filter((rs) => matchesLabels(safeSelector(rs), pod.metadata.labels));
  }

  private watchPods(inf: SharedInformer<Pod>): void {
    const onDelete = (pod: RO<Pod>): void => {
      const rs = this.resolveRef(pod.metadata.namespace ?? '', controllerRefOf(pod));
      if (!rs) return;
      this.expectations.deletionObserved(metaNamespaceKey(rs), metaNamespaceKey(pod));
      this.enqueue(rs);
    };
    this.removers.push(
      inf.addEventHandler({
        onAdd: (pod) => {
          // A pod already being deleted (seen after a restart) counts as a deletion.
          if (pod.metadata.deletionTimestamp) return onDelete(pod);
          const ref = controllerRefOf(pod);
          if (ref) {
            const rs = this.resolveRef(pod.metadata.namespace ?? '', ref);
            if (!rs) return;
            this.expectations.creationObserved(metaNamespaceKey(rs));
            return this.enqueue(rs);
          }
          for (const rs of this.replicaSetsSelecting(pod)) this.enqueue(rs);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // resync: nothing changed
          const labelsChanged =
            JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
          if (cur.metadata.deletionTimestamp) {
            onDelete(cur);
            if (labelsChanged) onDelete(old);
            return;
          }
          const curRef = controllerRefOf(cur);
          const oldRef = controllerRefOf(old);
          const refChanged = !sameControllerRef(curRef, oldRef);
          if (refChanged && oldRef) {
            const oldRs = this.resolveRef(old.metadata.namespace ?? '', oldRef);
            if (oldRs) this.enqueue(oldRs);
          }
          if (curRef) {
            const rs = this.resolveRef(cur.metadata.namespace ?? '', curRef);
            if (!rs) return;
            // A change that only moves status counts (readiness, restarts) waits for the others of
            // the next moments: one sync reads all the set's pods, so a thousand pods turning Ready
            // one by one would cost a million pod reads. Anything that changes what the set must
            // create or delete is looked at now.
            // Becoming Ready starts the minReadySeconds clock: look now, and again when it runs out
            // (one delayed entry per key: this one must not be merged into the short wait).
            const minReady = rs.spec.minReadySeconds ?? 0;
            if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) {
              this.enqueue(rs);
              this.queue.addAfter(metaNamespaceKey(rs), minReady * 1000 + 1);
            } else if (!labelsChanged && !refChanged && isPodActive(old) === isPodActive(cur)) {
              this.queue.addAfter(metaNamespaceKey(rs), statusCoalesceFor(rs));
            } else {
              this.enqueue(rs);
            }
            return;
          }
          if (labelsChanged || refChanged) for (const rs of this.replicaSetsSelecting(cur)) this.enqueue(rs);
        },
        onDelete: (v) => onDelete(deletedObject(v)),
      }),
    );
  }

  /** Brings one ReplicaSet's pods and status in line with its spec; see the file comment. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.rsLister.get(namespace, name);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = safeSelector(rs);
    const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    const active = claimCandidates(this.podStore, rs).filter(isPodActive);
    const { claimed } = await claimObjects<Pod>(active, {
      owner: rs,
      ownerRef: ref,
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      canAdopt: () => this.recheckNotDeleting(rs),
      client: this.pods,
    });
    let failure: ManageFailure | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      failure = await manageReplicas(rs, key, claimed, ref, {
        pods: this.pods,
        expectations: this.expectations,
        recorder: this.recorder,
        burstReplicas: this.opts.burstReplicas ?? defaultBurstReplicas,
      });
    }
    const now = this.clock.now();
    const status = calculateReplicaSetStatus(rs, claimed, failure, now);
    await this.writeStatus(rs, status);
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (
      !failure &&
      minReady > 0 &&
      status.readyReplicas === status.replicas &&
      status.availableReplicas !== status.replicas
    ) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (failure) throw new Error(`${key}: ${failure.reason}: ${failure.message}`);
  }

  /** Adoption is allowed only if a fresh read shows the same ReplicaSet, not being deleted. */
  private async recheckNotDeleting(rs: RO<ReplicaSet>): Promise<void> {
    const fresh = await this.replicaSets.get(rs.metadata.namespace, rs.metadata.name ?? '');
    if (fresh.metadata.uid !== rs.metadata.uid)
      throw new Error(`original ReplicaSet ${metaNamespaceKey(rs)} is gone: got uid ${fresh.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp)
      throw new Error(`ReplicaSet ${metaNamespaceKey(rs)} is being deleted; not adopting`);
  }

  /** Writes status when it changed; on a conflict reads the latest object and tries once more. */
  private async writeStatus(rs: RO<ReplicaSet>, status: ReplicaSet['status'] & object): Promise<void> {
    if (sameReplicaSetStatus(rs.status, status)) return;
    const next = structuredClone(rs) as ReplicaSet;
    next.status = status;
    try {
      await this.replicaSets.updateStatus(next.metadata.namespace, next);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const fresh = await this.replicaSets.get(next.metadata.namespace, next.metadata.name ?? '');
      fresh.status = status;
      await this.replicaSets.updateStatus(fresh.metadata.namespace, fresh);
    }
  }
}

/** The selector of `rs`, or null (match nothing) when it is missing, empty or malformed. */
function safeSelector(rs: RO<ReplicaSet>): LabelRequirement[] | null {
  try {
    return workloadSelector(rs.spec.selector);
  } catch {
    return null;
  }
}

/** Makes the ReplicaSet controller (register it with the controller manager). */
export function replicaSetController(opts: ReplicaSetControllerOptions = {}): ReplicaSetController {
  return new ReplicaSetController(opts);
}
