/**
 * The disruption controller: keeps each PodDisruptionBudget's status true to the pods it selects —
 * expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, the DisruptionAllowed condition —
 * which is what the eviction subresource consults. It also retires disruptedPods entries once the
 * evicted pod is gone or the entry is stale. For maxUnavailable and percentage minAvailable the
 * expected count comes from the pods' controllers (Deployment via its ReplicaSets, ReplicaSet,
 * StatefulSet, ReplicationController); when a pod has none of those the budget fails safe (no
 * disruptions allowed) with a CalculateExpectedPodCountFailed event.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { matchesLabels, selectorFromLabelSelector } from '../../api/selectors/labels.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { deletedObject, type SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { controllerRefOf, refersToKind } from '../replicaset/controller-ref.ts';
import type { Pod } from '../replicaset/types.ts';
import type { Controller, ControllerContext } from '../types.ts';
import { runWorkers, type ReconcileResult } from '../workers.ts';
import { countHealthy, expectedAndDesired, liveDisruptions, type BudgetSpec } from './budget.ts';

type RO<T> = DeepReadonly<T>;

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: BudgetSpec & { selector?: Parameters<typeof selectorFromLabelSelector>[0] };
  status?: BudgetStatus;
}

interface Scaled extends KubeObject {
  spec?: { replicas?: number };
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The disruption controller (`disruption` in kube-controller-manager). */
export class DisruptionController implements Controller {
  readonly name = 'disruption';
  private queue!: WorkQueue<string>;
  private pdbLister!: Lister<PodDisruptionBudget>;
  private podLister!: Lister<Pod>;
  private scaled!: Record<'rs' | 'deploy' | 'sts' | 'rc', Lister<Scaled>>;
  private pdbs!: ResourceClient<PodDisruptionBudget>;
  private recorder!: EventRecorder;
  private log!: ClientLogger;
  private clock!: Clock;
  private workers: Promise<void> | undefined;
  private stopping = false;
  private readonly removers: (() => void)[] = [];

  /** Registers handlers and makes the queue without starting workers (tests call reconcile). */
  init(ctx: ControllerContext): void {
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.recorder = ctx.recorder('controllermanager');
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.pdbs = ctx.client.resource<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');
    const pdbInf = ctx.informers.forResource<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');
    const podInf = ctx.informers.forResource<Pod>('', 'v1', 'pods');
    this.pdbLister = pdbInf.lister;
    this.podLister = podInf.lister;
    const inf = (g: string, r: string): SharedInformer<Scaled> =>
      ctx.informers.forResource<Scaled>(g, 'v1', r);
    const owners = {
      rs: inf('apps', 'replicasets'),
      deploy: inf('apps', 'deployments'),
      sts: inf('apps', 'statefulsets'),
      rc: inf('', 'replicationcontrollers'),
    };
    this.scaled = {
      rs: owners.rs.lister,
      deploy: owners.deploy.lister,
      sts: owners.sts.lister,
      rc: owners.rc.lister,
    };
    const enqueue = (o: RO<KubeObject>): void => this.queue.add(metaNamespaceKey(o));
    this.removers.push(
      pdbInf.addEventHandler({
        onAdd: enqueue,
        onUpdate: (_o, n) => enqueue(n),
        onDelete: (v) => enqueue(deletedObject(v)),
      }),
      podInf.addEventHandler({
        onAdd: (p) => this.enqueueBudgetsOf(p),
        onUpdate: (o, n) => {
          this.enqueueBudgetsOf(n);
          if (o.metadata.labels !== n.metadata.labels) this.enqueueBudgetsOf(o);
        },
        onDelete: (v) => this.enqueueBudgetsOf(deletedObject(v)),
      }),
    );
    // A controller's scale changes the expected count of every budget over its pods.
    for (const i of Object.values(owners)) {
      const all = (o: RO<KubeObject>): void => {
        for (const b of this.pdbLister.namespace(o.metadata.namespace ?? '').list()) enqueue(b);
      };
      this.removers.push(
        i.addEventHandler({
          onAdd: all,
          onUpdate: (o, n) => {
            if (o.spec?.replicas !== n.spec?.replicas) all(n);
          },
          onDelete: (v) => all(deletedObject(v)),
        }),
      );
    }
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.init(ctx);
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.workers = runWorkers({
      queue: this.queue,
      workers: 2,
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

  private enqueueBudgetsOf(pod: RO<Pod>): void {
    for (const b of this.pdbLister.namespace(pod.metadata.namespace ?? '').list())
      if (matchesLabels(selectorOf(b), pod.metadata.labels)) this.queue.add(metaNamespaceKey(b));
  }

  /** The replicas of the controller behind `pod`, with its uid (one controller counts once). */
  private scaleOf(pod: RO<Pod>): { uid: string; replicas: number } | undefined {
    const ref = controllerRefOf(pod);
    const ns = pod.metadata.namespace ?? '';
    if (!ref) return undefined;
    const found = (l: Lister<Scaled>, name: string, uid: string): RO<Scaled> | undefined => {
      const o = l.get(ns, name);
      return o && o.metadata.uid === uid ? o : undefined;
    };
    if (refersToKind(ref, 'apps', 'ReplicaSet')) {
      const rs = found(this.scaled.rs, ref.name, ref.uid);
      if (!rs) return undefined;
      const dref = controllerRefOf(rs);
      if (dref && refersToKind(dref, 'apps', 'Deployment')) {
        const d = found(this.scaled.deploy, dref.name, dref.uid);
        return d ? { uid: d.metadata.uid!, replicas: d.spec?.replicas ?? 1 } : undefined;
      }
      return { uid: rs.metadata.uid!, replicas: rs.spec?.replicas ?? 1 };
    }
    const lister = refersToKind(ref, 'apps', 'StatefulSet')
      ? this.scaled.sts
      : refersToKind(ref, '', 'ReplicationController')
        ? this.scaled.rc
        : undefined;
    const o = lister && found(lister, ref.name, ref.uid);
    return o ? { uid: o.metadata.uid!, replicas: o.spec?.replicas ?? 1 } : undefined;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const pdb = this.pdbLister.get(namespace, name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const sel = selectorOf(pdb);
    const pods = this.podLister
      .namespace(namespace)
      .list()
      .filter((p) => matchesLabels(sel, p.metadata.labels));
    const now = this.clock.now();
    let failure: string | undefined;
    const { expected, desired } = expectedAndDesired(pdb.spec ?? {}, pods.length, () => {
      const seen = new Map<string, number>();
      for (const p of pods) {
        const s = this.scaleOf(p);
        if (!s) {
          failure ??= `found no controllers for pod "${p.metadata.name}"`;
          continue;
        }
        seen.set(s.uid, s.replicas);
      }
      let total = 0;
      for (const n of seen.values()) total += n;
      return total;
    });
    const { live, nextExpiry } = liveDisruptions(pdb.status?.disruptedPods, pods, now);
    const healthy = countHealthy(pods, live);
    const allowed = failure ? 0 : Math.max(0, healthy - desired);
    if (failure)
      this.recorder.event(
        pdb,
        'Warning',
        'CalculateExpectedPodCountFailed',
        `Failed to calculate the number of expected pods: ${failure}`,
      );
    const generation = pdb.metadata.generation;
    const cond: Condition = failure
      ? {
          type: 'DisruptionAllowed',
          status: 'False',
          reason: 'SyncFailed',
          message: failure,
          lastTransitionTime: '',
        }
      : allowed > 0
        ? {
            type: 'DisruptionAllowed',
            status: 'True',
            reason: 'SufficientPods',
            message: '',
            lastTransitionTime: '',
          }
        : {
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'InsufficientPods',
            message: '',
            lastTransitionTime: '',
          };
    const old = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    cond.lastTransitionTime = old && old.status === cond.status ? old.lastTransitionTime : rfc3339(now);
    if (generation !== undefined) cond.observedGeneration = generation;
    const status: BudgetStatus = {
      ...(Object.keys(live).length ? { disruptedPods: live } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [cond],
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
    if (JSON.stringify(status) !== JSON.stringify(normalised(pdb.status))) {
      const next = JSON.parse(JSON.stringify(pdb)) as PodDisruptionBudget;
      next.status = status;
      await this.pdbs.updateStatus(namespace, next);
    }
    if (nextExpiry !== undefined) return { requeueAfterMs: Math.max(0, nextExpiry - now) };
  }
}

/** The budget's status in the member order reconcile writes, for change detection. */
function normalised(s: RO<BudgetStatus> | undefined): BudgetStatus | undefined {
  if (!s) return undefined;
  return {
    ...(s.disruptedPods && Object.keys(s.disruptedPods).length
      ? { disruptedPods: { ...s.disruptedPods } }
      : {}),
    disruptionsAllowed: s.disruptionsAllowed,
    currentHealthy: s.currentHealthy,
    desiredHealthy: s.desiredHealthy,
    expectedPods: s.expectedPods,
    conditions: s.conditions?.map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message ?? '',
      lastTransitionTime: c.lastTransitionTime,
      ...(c.observedGeneration !== undefined ? { observedGeneration: c.observedGeneration } : {}),
    })),
    ...(s.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
  };
}

function selectorOf(pdb: RO<PodDisruptionBudget>): ReturnType<typeof selectorFromLabelSelector> {
  try {
    return selectorFromLabelSelector(pdb.spec?.selector as Parameters<typeof selectorFromLabelSelector>[0]);
  } catch {
    return null;
  }
}
