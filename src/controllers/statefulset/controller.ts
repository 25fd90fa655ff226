/**
 * The StatefulSet controller: runs each StatefulSet's pods under stable names with stable storage,
 * in order (see sync.ts), and rolls template changes out through ControllerRevisions (see
 * revisions.ts). StatefulSet, pod and ControllerRevision handlers only enqueue StatefulSet keys;
 * `reconcile(key)` claims pods and revisions (adopt/release), finds the current and update
 * revisions, runs one StatefulSetSync, writes status and prunes old revisions. Safe to repeat.
 */
import type { DeepReadonly, KubeObject, OwnerReference } from '../../api/object.ts';
import { matchesLabels, type LabelRequirement } from '../../api/selectors/labels.ts';
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
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers } from '../workers.ts';
import { isMemberOf } from './identity.ts';
import { ensureRevisions, truncateHistory } from './revisions.ts';
import { computeStatus, sameStatus } from './status.ts';
import { StatefulSetSync } from './sync.ts';
import type {
  ControllerRevision,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
  StatefulSetStatus,
} from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface StatefulSetControllerOptions {
  /** Concurrent reconciles (default 5). */
  workers?: number;
}

/** The StatefulSet controller; `statefulSetController()` makes one. */
export class StatefulSetController implements Controller {
  readonly name = 'statefulset';
  private readonly opts: StatefulSetControllerOptions;
  private queue!: WorkQueue<string>;
  private setLister!: Lister<StatefulSet>;
  private podStore!: Store<Pod>;
  private revStore!: Store<ControllerRevision>;
  private claimLister!: Lister<PersistentVolumeClaim>;
  private sets!: ResourceClient<StatefulSet>;
  private pods!: ResourceClient<Pod>;
  private revisions!: ResourceClient<ControllerRevision>;
  private claims!: ResourceClient<PersistentVolumeClaim>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: StatefulSetControllerOptions = {}) {
    this.opts = opts;
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('statefulset-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.sets = ctx.client.resource<StatefulSet>('apps', 'v1', 'statefulsets');
    this.pods = ctx.client.resource<Pod>('', 'v1', 'pods');
    this.revisions = ctx.client.resource<ControllerRevision>('apps', 'v1', 'controllerrevisions');
    this.claims = ctx.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    const setInf = ctx.informers.forResource<StatefulSet>('apps', 'v1', 'statefulsets');
    const podInf = ctx.informers.forResource<Pod>('', 'v1', 'pods', { indexers: controllerIndexers });
    const revInf = ctx.informers.forResource<ControllerRevision>('apps', 'v1', 'controllerrevisions', {
      indexers: controllerIndexers,
    });
    const claimInf = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
    this.setLister = setInf.lister;
    this.podStore = podInf.store;
    this.revStore = revInf.store;
    this.claimLister = claimInf.lister;
    this.removers.push(
      setInf.addEventHandler({
        onAdd: (s) => this.enqueue(s),
        onUpdate: (_o, s) => this.enqueue(s),
        onDelete: (v) => this.enqueue(deletedObject(v)),
      }),
    );
    this.watchOwned(podInf, (old, cur, owner) => this.podBecameReady(old, cur, owner));
    this.watchOwned(revInf);
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

  private enqueue(s: RO<StatefulSet>): void {
    this.queue.add(metaNamespaceKey(s));
  }

  /** The StatefulSet `ref` points at, if it exists with that uid. */
  private resolveRef(ns: string, ref: RO<OwnerReference> | undefined): RO<StatefulSet> | undefined {
    if (!ref || !refersToKind(ref, 'apps', 'StatefulSet')) return undefined;
    const s = this.setLister.get(ns, ref.name);
    return s && s.metadata.uid === ref.uid ? s : undefined;
  }

  /** StatefulSets whose selector matches an orphan's labels (candidates to adopt it). */
  private setsSelecting(obj: RO<KubeObject>): RO<StatefulSet>[] {
    return this.setLister
      .namespace(obj.metadata.namespace ?? '')
      .list()
      .filter((s) => matchesLabels(safeSelector(s), obj.metadata.labels));
  }

  /** Pods and revisions: a change wakes the owning set, or, for orphans, the sets that could adopt them. */
  private watchOwned<T extends KubeObject>(
    inf: SharedInformer<T>,
    onOwnedUpdate?: (old: RO<T>, cur: RO<T>, owner: RO<StatefulSet>) => void,
  ): void {
    const touch = (o: RO<T>): RO<StatefulSet> | undefined => {
      const owner = this.resolveRef(o.metadata.namespace ?? '', controllerRefOf(o));
      if (owner) this.enqueue(owner);
      return owner;
    };
    this.removers.push(
      inf.addEventHandler({
        onAdd: (o) => {
          if (controllerRefOf(o)) return void touch(o);
          if (!o.metadata.deletionTimestamp) for (const s of this.setsSelecting(o)) this.enqueue(s);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // resync
          const refChanged = !sameControllerRef(controllerRefOf(old), controllerRefOf(cur));
          if (refChanged) touch(old);
          if (controllerRefOf(cur)) {
            const owner = touch(cur);
            if (owner) onOwnedUpdate?.(old, cur, owner);
            return;
          }
          const labelsChanged =
            JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
          if (labelsChanged || refChanged) for (const s of this.setsSelecting(cur)) this.enqueue(s);
        },
        onDelete: (v) => void touch(deletedObject(v)),
      }),
    );
  }

  /** Becoming Ready starts the minReadySeconds clock: look again when it runs out. */
  private podBecameReady(old: RO<Pod>, cur: RO<Pod>, set: RO<StatefulSet>): void {
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && !isPodReady(old) && isPodReady(cur))
      this.queue.addAfter(metaNamespaceKey(set), minReady * 1000 + 1);
  }

  /** One sync of one StatefulSet; see the file comment. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const set = this.setLister.get(namespace, name);
    if (!set) return;
    const selector = safeSelector(set);
    if (!selector) {
      this.recorder.event(set, 'Warning', 'InvalidSelector', 'StatefulSet has an empty or invalid selector');
      return;
    }
    const ref = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const canAdopt = (): Promise<void> => this.recheckNotDeleting(set);
    const { claimed: revs } = await claimObjects<ControllerRevision>(claimCandidates(this.revStore, set), {
      owner: set,
      ownerRef: ref,
      matches: (r) => matchesLabels(selector, r.metadata.labels),
      canAdopt,
      client: this.revisions,
    });
    const { claimed: pods } = await claimObjects<Pod>(claimCandidates(this.podStore, set), {
      owner: set,
      ownerRef: ref,
      matches: (p) => isMemberOf(set, p) && matchesLabels(selector, p.metadata.labels),
      canAdopt,
      client: this.pods,
    });
    // A set on its way out is left to the garbage collector.
    if (set.metadata.deletionTimestamp) return;

    const setRevs = await ensureRevisions(set, revs, this.revisions);
    const sync = new StatefulSetSync(set, pods, setRevs, ref, {
      pods: this.pods,
      claims: this.claims,
      claimLister: this.claimLister,
      recorder: this.recorder,
      now: () => this.clock.now(),
      requeueAfter: (ms) => this.queue.addAfter(key, ms),
    });
    let failure: unknown;
    try {
      await sync.run();
    } catch (err) {
      failure = err;
    }
    const status = computeStatus(set, sync.pods(), setRevs, this.clock.now());
    await this.writeStatus(set, status);
    await truncateHistory(set, revs, sync.pods(), setRevs, this.revisions);
    if (failure) throw failure;
  }

  /** Adoption is allowed only if a fresh read shows the same StatefulSet, not being deleted. */
  private async recheckNotDeleting(set: RO<StatefulSet>): Promise<void> {
    const fresh = await this.sets.get(set.metadata.namespace, set.metadata.name ?? '');
    if (fresh.metadata.uid !== set.metadata.uid)
      throw new Error(`original StatefulSet ${metaNamespaceKey(set)} is gone: got uid ${fresh.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp)
      throw new Error(`StatefulSet ${metaNamespaceKey(set)} is being deleted; not adopting`);
  }

  /** Writes status when it changed; on a conflict reads the latest object and tries once more. */
  private async writeStatus(set: RO<StatefulSet>, status: StatefulSetStatus): Promise<void> {
    if (sameStatus(set.status, status)) return;
    const next = structuredClone(set) as StatefulSet;
    next.status = status;
    try {
      await this.sets.updateStatus(next.metadata.namespace, next);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const fresh = await this.sets.get(next.metadata.namespace, next.metadata.name ?? '');
      fresh.status = status;
      await this.sets.updateStatus(fresh.metadata.namespace, fresh);
    }
  }
}

/** The selector of `set`, or null (match nothing) when it is missing, empty or malformed. */
function safeSelector(set: RO<StatefulSet>): LabelRequirement[] | null {
  try {
    return workloadSelector(set.spec.selector);
  } catch {
    return null;
  }
}

/** Makes the StatefulSet controller (register it with the controller manager). */
export function statefulSetController(opts: StatefulSetControllerOptions = {}): StatefulSetController {
  return new StatefulSetController(opts);
}
