/**
 * One sync of one Deployment (the body of reconcile): find or create the new ReplicaSet, scale
 * ReplicaSets by the strategy (RollingUpdate, Recreate) or proportionally on a resize or while
 * paused, clean up old revisions, and write status. Every write goes through the API; the
 * in-memory lists are updated from the answers so later steps of the same sync see them.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { isAlreadyExists } from '../../client/status.ts';
import { controllerRefOf, newControllerRef } from '../replicaset/controller-ref.ts';
import type { Deployment, Pod, ReplicaSet } from '../replicaset/types.ts';
import { podTemplateHash } from './hash.ts';
import {
  desiredOf,
  isRollingUpdate,
  maxSurge,
  newReplicaSetReplicas,
  planOldScaleDown,
  replicasOf,
} from './rolling.ts';
import {
  desiredReplicasAnnotation,
  equalIgnoreHash,
  intAnnotation,
  maxReplicasAnnotation,
  maxRevision,
  podTemplateHashLabel,
  revisionAnnotation,
  revisionOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  splitReplicaSets,
} from './revisions.ts';
import {
  calculateStatus,
  deploymentComplete,
  getCondition,
  hasProgressDeadline,
  msUntilDeadline,
  newCondition,
  sameStatus,
  setCondition,
  updateProgressing,
  updateReplicaFailure,
} from './status.ts';

type RO<T> = DeepReadonly<T>;

export interface SyncDeps {
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  recorder: EventRecorder;
  now(): number;
  /** Look at this Deployment again after `ms` (progress deadline, Recreate waiting). */
  requeueAfter(ms: number): void;
}

/** Runs one sync of `d` (a private clone) over its claimed ReplicaSets and pods. */
export class DeploymentSync {
  private d: Deployment;
  private rss: RO<ReplicaSet>[];
  private readonly pods: readonly RO<Pod>[];
  private readonly x: SyncDeps;

  constructor(d: Deployment, rss: readonly RO<ReplicaSet>[], pods: readonly RO<Pod>[], deps: SyncDeps) {
    this.d = d;
    this.rss = [...rss];
    this.pods = pods;
    this.x = deps;
  }

  async run(): Promise<void> {
    const d = this.d;
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly();
    await this.checkPausedConditions();
    if (d.spec.paused) return this.syncScaleOnly();
    if (this.isScalingEvent()) return this.syncScaleOnly();
    return isRollingUpdate(d) ? this.rolloutRolling() : this.rolloutRecreate();
  }

  private async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndRevision(false);
    await this.writeStatus(newRS, oldRSs, false);
  }

  /** Scaling event or paused: resize proportionally, never roll out. */
  private async syncScaleOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndRevision(false);
    await this.scale(newRS, oldRSs);
    const after = this.current(newRS, oldRSs);
    if (this.d.spec.paused) await this.cleanup(after.oldRSs);
    await this.writeStatus(after.newRS, after.oldRSs, false);
  }

  private isScalingEvent(): boolean {
    const { newRS, oldRSs } = splitReplicaSets(this.d, this.rss);
    const active = [newRS, ...oldRSs].filter(
      (rs): rs is RO<ReplicaSet> => rs !== undefined && replicasOf(rs) > 0,
    );
    return active.some((rs) => {
      const desired = intAnnotation(rs, desiredReplicasAnnotation);
      return desired !== undefined && desired !== desiredOf(this.d);
    });
  }

  private async rolloutRolling(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndRevision(true);
    if (!newRS) return;
    const all = [...oldRSs, newRS];
    // 1. Grow the new ReplicaSet as far as maxSurge allows.
    const want =
      replicasOf(newRS) > desiredOf(this.d) ? desiredOf(this.d) : newReplicaSetReplicas(this.d, all, newRS);
    if (want !== replicasOf(newRS)) {
      await this.scaleReplicaSet(newRS, want);
      const cur = this.current(newRS, oldRSs);
      return this.writeStatus(cur.newRS, cur.oldRSs, true);
    }
    // 2. Shrink old ReplicaSets as far as maxUnavailable allows.
    const plan = planOldScaleDown(this.d, oldRSs, newRS);
    let scaled = false;
    for (const rs of oldRSs) {
      const n = plan.get(rs.metadata.name ?? '');
      if (n !== undefined && n !== replicasOf(rs)) scaled = (await this.scaleReplicaSet(rs, n)) || scaled;
    }
    const cur = this.current(newRS, oldRSs);
    if (!scaled && this.d.status && deploymentComplete(this.d, this.d.status)) await this.cleanup(cur.oldRSs);
    await this.writeStatus(cur.newRS, cur.oldRSs, true);
  }

  private async rolloutRecreate(): Promise<void> {
    let { newRS, oldRSs } = await this.replicaSetsAndRevision(false);
    // 1. Old ReplicaSets to zero.
    let scaled = false;
    for (const rs of oldRSs) if (replicasOf(rs) > 0) scaled = (await this.scaleReplicaSet(rs, 0)) || scaled;
    if (scaled) {
      const cur = this.current(newRS, oldRSs);
      return this.writeStatus(cur.newRS, cur.oldRSs, true);
    }
    // 2. Wait until no old pod is left running.
    if (this.oldPodsRunning(oldRSs)) return this.writeStatus(newRS, oldRSs, true);
    // 3. Then the new ReplicaSet, at full size.
    if (!newRS) ({ newRS, oldRSs } = await this.replicaSetsAndRevision(true));
    if (newRS && replicasOf(newRS) !== desiredOf(this.d))
      await this.scaleReplicaSet(newRS, desiredOf(this.d));
    const cur = this.current(newRS, oldRSs);
    if (this.d.status && deploymentComplete(this.d, this.d.status)) await this.cleanup(cur.oldRSs);
    await this.writeStatus(cur.newRS, cur.oldRSs, true);
  }

  private oldPodsRunning(oldRSs: readonly RO<ReplicaSet>[]): boolean {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return this.pods.some((p) => {
      const ref = controllerRefOf(p);
      if (!ref || !oldUids.has(ref.uid)) return false;
      const phase = p.status?.phase;
      return phase !== 'Succeeded' && phase !== 'Failed';
    });
  }

  /** The latest copies of newRS/oldRSs after writes in this sync. */
  private current(
    newRS: RO<ReplicaSet> | undefined,
    oldRSs: readonly RO<ReplicaSet>[],
  ): { newRS?: RO<ReplicaSet>; oldRSs: RO<ReplicaSet>[] } {
    const latest = (rs: RO<ReplicaSet>): RO<ReplicaSet> =>
      this.rss.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
    return { newRS: newRS && latest(newRS), oldRSs: oldRSs.map(latest) };
  }

  private replace(rs: RO<ReplicaSet>): void {
    const i = this.rss.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rss[i] = rs;
    else this.rss.push(rs);
  }

  /**
   * The new ReplicaSet (created when `create` and missing) and the old ones, with the new one's
   * revision and copied annotations brought up to date and the Deployment's revision annotation in step.
   */
  private async replicaSetsAndRevision(
    create: boolean,
  ): Promise<{ newRS?: RO<ReplicaSet>; oldRSs: RO<ReplicaSet>[] }> {
    const split = splitReplicaSets(this.d, this.rss);
    const oldRSs = split.oldRSs;
    let newRS = split.newRS;
    const newRevision = maxRevision(oldRSs) + 1;
    if (newRS) {
      const copy = structuredClone(newRS) as ReplicaSet;
      let changed = setNewReplicaSetAnnotations(this.d, copy, newRevision);
      if ((copy.spec.minReadySeconds ?? 0) !== (this.d.spec.minReadySeconds ?? 0)) {
        copy.spec.minReadySeconds = this.d.spec.minReadySeconds ?? 0;
        changed = true;
      }
      if (changed) {
        newRS = await this.x.replicaSets.update(copy.metadata.namespace, copy);
        this.replace(newRS);
      }
      await this.setDeploymentRevision(revisionOf(newRS));
      if (hasProgressDeadline(this.d) && !getCondition(this.d.status, 'Progressing')) {
        const status = structuredClone(this.d.status ?? {});
        setCondition(
          status,
          newCondition(
            'Progressing',
            'True',
            'FoundNewReplicaSet',
            `Found new replica set "${newRS.metadata.name}"`,
            this.x.now(),
          ),
        );
        await this.putStatus(status);
      }
      return { newRS, oldRSs };
    }
    if (!create) return { oldRSs };
    newRS = await this.createNewReplicaSet(oldRSs, newRevision);
    return { newRS, oldRSs };
  }

  private async createNewReplicaSet(
    oldRSs: readonly RO<ReplicaSet>[],
    revision: number,
  ): Promise<RO<ReplicaSet>> {
    const d = this.d;
    const hash = podTemplateHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template ?? {}) as NonNullable<Deployment['spec']['template']>;
    template.metadata ??= {};
    template.metadata.labels = { ...template.metadata.labels, [podTemplateHashLabel]: hash };
    const selector = structuredClone(d.spec.selector ?? {}) as NonNullable<Deployment['spec']['selector']>;
    selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, revision);
    setReplicasAnnotations(rs, desiredOf(d), desiredOf(d) + maxSurge(d));
    let created: RO<ReplicaSet>;
    try {
      created = await this.x.replicaSets.create(rs.metadata.namespace, rs);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Same name: ours with an equal template is the new ReplicaSet; anything else is a hash collision.
      const existing = await this.x.replicaSets.get(rs.metadata.namespace, rs.metadata.name ?? '');
      if (
        controllerRefOf(existing)?.uid === d.metadata.uid &&
        equalIgnoreHash(existing.spec.template, d.spec.template)
      ) {
        this.replace(existing);
        return existing;
      }
      const status = structuredClone(d.status ?? {});
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      await this.putStatus(status);
      throw new Error(
        `hash collision for ReplicaSet ${rs.metadata.name}; collisionCount is now ${status.collisionCount}`,
        { cause: err },
      );
    }
    this.replace(created);
    if (replicasOf(created) > 0)
      this.x.recorder.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} to ${replicasOf(created)}`,
      );
    await this.setDeploymentRevision(revisionOf(created));
    if (hasProgressDeadline(d)) {
      const status = structuredClone(this.d.status ?? {});
      setCondition(
        status,
        newCondition(
          'Progressing',
          'True',
          'NewReplicaSetCreated',
          `Created new replica set "${created.metadata.name}"`,
          this.x.now(),
        ),
      );
      await this.putStatus(status);
    }
    return created;
  }

  /** Keeps the Deployment's own revision annotation equal to its new ReplicaSet's. */
  private async setDeploymentRevision(revision: number): Promise<void> {
    if (revision === 0 || this.d.metadata.annotations?.[revisionAnnotation] === String(revision)) return;
    const body = {
      metadata: {
        annotations: { [revisionAnnotation]: String(revision) },
        resourceVersion: this.d.metadata.resourceVersion,
      },
    };
    const out = await this.x.deployments.patch(
      this.d.metadata.namespace,
      this.d.metadata.name ?? '',
      'merge',
      body,
    );
    this.d.metadata = out.metadata;
  }

  /**
   * Sets spec.replicas (and the desired/max annotations) of `rs`; records a ScalingReplicaSet event.
   * Returns whether the size changed.
   */
  private async scaleReplicaSet(rs: RO<ReplicaSet>, replicas: number): Promise<boolean> {
    const copy = structuredClone(rs) as ReplicaSet;
    const sizeChanged = replicasOf(rs) !== replicas;
    copy.spec.replicas = replicas;
    const annChanged = setReplicasAnnotations(copy, desiredOf(this.d), desiredOf(this.d) + maxSurge(this.d));
    if (!sizeChanged && !annChanged) return false;
    const out = await this.x.replicaSets.update(copy.metadata.namespace, copy);
    this.replace(out);
    if (sizeChanged) {
      const dir = replicas > replicasOf(rs) ? 'up' : 'down';
      this.x.recorder.event(
        this.d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${dir} replica set ${rs.metadata.name} from ${replicasOf(rs)} to ${replicas}`,
      );
    }
    return sizeChanged;
  }

  /**
   * Resizing: with one active ReplicaSet it simply gets the new size; otherwise (a resize in the
   * middle of a rolling update) the extra or missing replicas are spread over the active
   * ReplicaSets in proportion to their size, the rounding leftover going to the largest.
   */
  private async scale(newRS: RO<ReplicaSet> | undefined, oldRSs: readonly RO<ReplicaSet>[]): Promise<void> {
    const d = this.d;
    const all = [newRS, ...oldRSs].filter((rs): rs is RO<ReplicaSet> => rs !== undefined);
    const active = all.filter((rs) => replicasOf(rs) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...all].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
      if (target) await this.scaleReplicaSet(target, desiredOf(d));
      return;
    }
    const saturated =
      newRS &&
      replicasOf(newRS) === desiredOf(d) &&
      intAnnotation(newRS, desiredReplicasAnnotation) === desiredOf(d) &&
      (newRS.status?.availableReplicas ?? 0) === desiredOf(d);
    if (saturated) {
      for (const rs of oldRSs) if (replicasOf(rs) > 0) await this.scaleReplicaSet(rs, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const allowed = desiredOf(d) > 0 ? desiredOf(d) + maxSurge(d) : 0;
    const current = active.reduce((n, rs) => n + replicasOf(rs), 0);
    const toAdd = allowed - current;
    if (toAdd === 0) return;
    // Largest first when growing, smallest first when shrinking; newer first on ties.
    const order = [...active].sort(
      (a, b) =>
        (toAdd > 0 ? replicasOf(b) - replicasOf(a) : replicasOf(a) - replicasOf(b)) ||
        revisionOf(b) - revisionOf(a),
    );
    const sizes = new Map<RO<ReplicaSet>, number>();
    let added = 0;
    for (const rs of order) {
      let share = 0;
      if (toAdd !== added) {
        const annotated = intAnnotation(rs, maxReplicasAnnotation) ?? d.status?.replicas ?? current;
        const fraction =
          annotated > 0 ? Math.round((replicasOf(rs) * allowed) / annotated) - replicasOf(rs) : 0;
        share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
      }
      sizes.set(rs, replicasOf(rs) + share);
      added += share;
    }
    const first = order[0];
    if (first && added !== toAdd) sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
    for (const [rs, n] of sizes) await this.scaleReplicaSet(rs, n);
  }

  /** Deletes the oldest fully scaled-down old ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(oldRSs: readonly RO<ReplicaSet>[]): Promise<void> {
    const limit = this.d.spec.revisionHistoryLimit;
    if (limit === undefined) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    const byRevision = [...cleanable].sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of byRevision.slice(0, diff)) {
      const busy =
        (rs.status?.replicas ?? 0) !== 0 ||
        replicasOf(rs) !== 0 ||
        (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
      if (busy) continue;
      await this.x.replicaSets.delete(rs.metadata.namespace, rs.metadata.name ?? '');
    }
  }

  /** A Progressing condition for pausing or resuming, when the spec flipped. */
  private async checkPausedConditions(): Promise<void> {
    if (!hasProgressDeadline(this.d)) return;
    const cond = getCondition(this.d.status, 'Progressing');
    const pausedCond = cond?.reason === 'DeploymentPaused';
    const status = structuredClone(this.d.status ?? {});
    if (this.d.spec.paused && !pausedCond) {
      setCondition(
        status,
        newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', this.x.now()),
      );
    } else if (!this.d.spec.paused && pausedCond) {
      setCondition(
        status,
        newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', this.x.now()),
      );
    } else return;
    await this.putStatus(status);
  }

  /** Computes and writes status; with `progress`, also the Progressing condition and deadline re-check. */
  private async writeStatus(
    newRS: RO<ReplicaSet> | undefined,
    oldRSs: readonly RO<ReplicaSet>[],
    progress: boolean,
  ): Promise<void> {
    const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
    const now = this.x.now();
    const status = calculateStatus(all, newRS, this.d, now);
    if (progress) {
      updateProgressing(this.d, status, newRS, now);
      updateReplicaFailure(status, all, now);
      const left = msUntilDeadline(this.d, status, now);
      if (left !== undefined && !deploymentComplete(this.d, status))
        this.x.requeueAfter(Math.max(left, 0) + 1000);
    }
    if (sameStatus(this.d.status, status)) return;
    await this.putStatus(status);
  }

  private async putStatus(status: Deployment['status']): Promise<void> {
    const next: Deployment = { ...this.d, status };
    const out = await this.x.deployments.updateStatus(next.metadata.namespace, next);
    this.d = { ...this.d, metadata: out.metadata, status: out.status as Deployment['status'] };
  }
}
