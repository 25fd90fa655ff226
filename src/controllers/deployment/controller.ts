/**
 * The Deployment controller: rolls each Deployment's pod template out through ReplicaSets named
 * `<deployment>-<pod-template-hash>`. Deployment, ReplicaSet and pod handlers only enqueue
 * Deployment keys; `reconcile(key)` claims the ReplicaSets (adopt/release), then runs one
 * DeploymentSync (see sync.ts). Safe to repeat at any time.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import { matchesLabels } from '../../api/selectors/labels.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { metaNamespaceKey, splitKey, type Lister, type Store } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { claimObjects } from '../replicaset/claim.ts';
import { claimCandidates, controllerIndex, controllerIndexers } from '../replicaset/controller-index.ts';
import { workloadSelector } from '../replicaset/controller.ts';
import {
  controllerRefOf,
  newControllerRef,
  refersToKind,
  sameControllerRef,
} from '../replicaset/controller-ref.ts';
import type { Deployment, Pod, ReplicaSet } from '../replicaset/types.ts';
import { runWorkers } from '../workers.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { DeploymentSync } from './sync.ts';

type RO<T> = DeepReadonly<T>;

export interface DeploymentControllerOptions {
  /** Concurrent reconciles (default 5). */
  workers?: number;
}

/** The Deployment controller; `deploymentController()` makes one. */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private readonly opts: DeploymentControllerOptions;
  private queue!: WorkQueue<string>;
  private dLister!: Lister<Deployment>;
  private rsLister!: Lister<ReplicaSet>;
  private rsStore!: Store<ReplicaSet>;
  private podStore!: Store<Pod>;
  private deployments!: ResourceClient<Deployment>;
  private replicaSets!: ResourceClient<ReplicaSet>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  constructor(opts: DeploymentControllerOptions = {}) {
    this.opts = opts;
  }

  /** Registers informer handlers and makes the queue, without starting workers (tests call reconcile directly). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('deployment-controller');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.deployments = ctx.client.resource<Deployment>('apps', 'v1', 'deployments');
    this.replicaSets = ctx.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');
    const dInf = ctx.informers.forResource<Deployment>('apps', 'v1', 'deployments');
    const rsInf = ctx.informers.forResource<ReplicaSet>('apps', 'v1', 'replicasets', {
      indexers: controllerIndexers,
    });
    const podInf = ctx.informers.forResource<Pod>('', 'v1', 'pods', { indexers: controllerIndexers });
    this.dLister = dInf.lister;
    this.rsLister = rsInf.lister;
    this.rsStore = rsInf.store;
    this.podStore = podInf.store;
    this.removers.push(
      dInf.addEventHandler({
        onAdd: (d) => this.enqueue(d),
        onUpdate: (_o, d) => this.enqueue(d),
        onDelete: (v) => this.enqueue(deletedObject(v)),
      }),
    );
    this.watchReplicaSets(rsInf);
    this.watchPods(podInf);
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

  private enqueue(d: RO<Deployment>): void {
    this.queue.add(metaNamespaceKey(d));
  }

  private resolveRef(ns: string, ref: RO<OwnerReference> | undefined): RO<Deployment> | undefined {
    if (!ref || !refersToKind(ref, 'apps', 'Deployment')) return undefined;
    const d = this.dLister.get(ns, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private deploymentsSelecting(rs: RO<ReplicaSet>): RO<Deployment>[] {
    return this.dLister
      .namespace(rs.metadata.namespace ?? '')
      .list()
      .filter((d) => matchesLabels(safeSelector(d), rs.metadata.labels));
  }

  private watchReplicaSets(inf: SharedInformer<ReplicaSet>): void {
    const touch = (rs: RO<ReplicaSet>): void => {
      const owner = this.resolveRef(rs.metadata.namespace ?? '', controllerRefOf(rs));
      if (owner) this.enqueue(owner);
    };
    this.removers.push(
      inf.addEventHandler({
        onAdd: (rs) => {
          if (controllerRefOf(rs)) return touch(rs);
          for (const d of this.deploymentsSelecting(rs)) this.enqueue(d);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          const refChanged = !sameControllerRef(controllerRefOf(old), controllerRefOf(cur));
          if (refChanged) touch(old);
          if (controllerRefOf(cur)) return touch(cur);
          const labelsChanged =
            JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
          if (labelsChanged || refChanged) for (const d of this.deploymentsSelecting(cur)) this.enqueue(d);
        },
        onDelete: (v) => touch(deletedObject(v)),
      }),
    );
  }

  /** Recreate waits for old pods to go: their deletion wakes the Deployment. */
  private watchPods(inf: SharedInformer<Pod>): void {
    this.removers.push(
      inf.addEventHandler({
        onDelete: (v) => {
          const pod = deletedObject(v);
          const ns = pod.metadata.namespace ?? '';
          const ref = controllerRefOf(pod);
          if (!ref || !refersToKind(ref, 'apps', 'ReplicaSet')) return;
          const rs = this.rsLister.get(ns, ref.name);
          if (!rs || rs.metadata.uid !== ref.uid) return;
          const d = this.resolveRef(ns, controllerRefOf(rs));
          if (d && d.spec.strategy?.type === 'Recreate') this.enqueue(d);
        },
      }),
    );
  }

  /** One sync of one Deployment; see the file comment. */
  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.dLister.get(namespace, name);
    if (!cached) return;
    const d = structuredClone(cached) as Deployment;
    const selector = safeSelector(d);
    if (!selector) {
      this.recorder.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.deployments.updateStatus(namespace, {
          ...d,
          status: { ...d.status, observedGeneration: d.metadata.generation },
        });
      }
      return;
    }
    const { claimed } = await claimObjects<ReplicaSet>(claimCandidates(this.rsStore, d), {
      owner: d,
      ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      matches: (rs) => matchesLabels(selector, rs.metadata.labels),
      canAdopt: async () => {
        const fresh = await this.deployments.get(namespace, name);
        if (fresh.metadata.uid !== d.metadata.uid)
          throw new Error(`original Deployment ${key} is gone: got uid ${fresh.metadata.uid}`);
        if (fresh.metadata.deletionTimestamp)
          throw new Error(`Deployment ${key} is being deleted; not adopting`);
      },
      client: this.replicaSets,
    });
    // The pods that matter are those of its ReplicaSets (Recreate waits for the old ones to go).
    const pods = claimed
      .flatMap((rs) => this.podStore.byIndex(controllerIndex, rs.metadata.uid ?? ''))
      .filter((p) => matchesLabels(selector, p.metadata.labels));
    await new DeploymentSync(d, claimed, pods, {
      deployments: this.deployments,
      replicaSets: this.replicaSets,
      recorder: this.recorder,
      now: () => this.clock.now(),
      requeueAfter: (ms) => this.queue.addAfter(key, ms),
    }).run();
  }
}

function safeSelector(d: RO<Deployment>): ReturnType<typeof workloadSelector> {
  try {
    return workloadSelector(d.spec.selector);
  } catch {
    return null;
  }
}

/** Makes the Deployment controller (register it with the controller manager). */
export function deploymentController(opts: DeploymentControllerOptions = {}): DeploymentController {
  return new DeploymentController(opts);
}
