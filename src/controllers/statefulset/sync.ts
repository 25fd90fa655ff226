/**
 * One pass of moving a StatefulSet's pods toward its spec, given its claimed pods and revisions.
 * 1. Replicas, in ordinal order: make a missing pod (its claims first), replace a Failed or
 *    Succeeded one, fix lost identity labels, keep the claims' retention references right.
 *    OrderedReady stops at the first pod that is missing, terminating or not yet Running+Ready
 *    (available, with minReadySeconds): pod N+1 is never created before pod N is up. Parallel
 *    goes through them all.
 * 2. Condemned pods (ordinal out of range), highest ordinal first: OrderedReady deletes one and
 *    waits for it to be gone (and only while every replica is healthy); Parallel deletes them all.
 * 3. RollingUpdate: from the highest ordinal down to the partition, delete pods not at the update
 *    revision — at most maxUnavailable (default 1) pods of that range may be down at once, so with
 *    the default one pod is replaced and must be healthy again before the next goes. Step 1 of a
 *    later pass recreates it at the update revision. OnDelete never deletes: pods pick up the
 *    update revision only when the user deletes them.
 * Every write is one the next pass would also make (names are fixed, so a create that raced a
 * stale cache fails AlreadyExists and is simply waited for); deletes carry a uid precondition.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import type { Lister } from '../../client/store.ts';
import { intOrPercent } from '../deployment/rolling.ts';
import { readySince } from '../replicaset/pod-state.ts';
import {
  claimsFor,
  identityLabelFixes,
  inOrdinalRange,
  newStatefulSetPod,
  ordinalOf,
  podName,
  podRevision,
  replicasOf,
  startOrdinal,
} from './identity.ts';
import { claimOwnerRefs } from './retention.ts';
import { applyRevision, type SetRevisions } from './revisions.ts';
import { isFinished, isHealthy, isRunningAndReady, isTerminating } from './status.ts';
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface SyncDeps {
  pods: ResourceClient<Pod>;
  claims: ResourceClient<PersistentVolumeClaim>;
  claimLister: Lister<PersistentVolumeClaim>;
  recorder: EventRecorder;
  now(): number;
  /** Look at the set again after `ms` (a pod's minReadySeconds is running out). */
  requeueAfter(ms: number): void;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one pass (see the file comment); returns the pods as this pass left them (for status). */
export class StatefulSetSync {
  private readonly set: RO<StatefulSet>;
  private readonly revs: SetRevisions;
  private readonly ref: OwnerReference;
  private readonly d: SyncDeps;
  private readonly ns: string;
  private readonly setName: string;
  private readonly monotonic: boolean;
  private readonly minReady: number;
  /** The pods after this pass's writes: created ones added, deleted ones marked terminating. */
  private readonly live = new Map<string, RO<Pod>>();

  constructor(
    set: RO<StatefulSet>,
    pods: readonly RO<Pod>[],
    revs: SetRevisions,
    ref: OwnerReference,
    d: SyncDeps,
  ) {
    this.set = set;
    this.revs = revs;
    this.ref = ref;
    this.d = d;
    this.ns = set.metadata.namespace ?? '';
    this.setName = set.metadata.name ?? '';
    this.monotonic = set.spec.podManagementPolicy !== 'Parallel';
    this.minReady = set.spec.minReadySeconds ?? 0;
    for (const p of pods) this.live.set(p.metadata.name ?? '', p);
  }

  /** The pods as this pass left them. */
  pods(): RO<Pod>[] {
    return [...this.live.values()];
  }

  async run(): Promise<void> {
    const start = startOrdinal(this.set);
    const count = replicasOf(this.set);
    const replicas: (RO<Pod> | undefined)[] = [];
    const condemned: RO<Pod>[] = [];
    for (const p of this.live.values()) {
      const ord = ordinalOf(p);
      if (inOrdinalRange(this.set, ord)) replicas[ord - start] = p;
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    if (!(await this.syncReplicas(replicas, start, count))) return;
    if (!(await this.removeCondemned(condemned))) return;
    if ((this.set.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    await this.rollingUpdate(replicas, count);
  }

  /** Step 1; false when OrderedReady must stop here. */
  private async syncReplicas(
    replicas: (RO<Pod> | undefined)[],
    start: number,
    count: number,
  ): Promise<boolean> {
    for (let i = 0; i < count; i++) {
      const pod = replicas[i];
      const ordinal = start + i;
      if (!pod) {
        const made = await this.createPod(ordinal, i);
        if (made) replicas[i] = made;
        if (this.monotonic) return false;
        continue;
      }
      if (isFinished(pod) && !isTerminating(pod)) {
        const reason = pod.status?.phase === 'Failed' ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod';
        const what = pod.status?.phase === 'Failed' ? 'failed' : 'terminated';
        this.d.recorder.event(
          this.set,
          'Warning',
          reason,
          `StatefulSet ${this.ns}/${this.setName} is recreating ${what} Pod ${pod.metadata.name}`,
        );
        await this.deletePod(pod);
        if (this.monotonic) return false;
        continue;
      }
      if (isTerminating(pod) || !isRunningAndReady(pod)) {
        if (this.monotonic) return false;
        continue;
      }
      if (!isHealthy(pod, this.minReady, this.d.now())) {
        this.requeueForMinReady(pod);
        if (this.monotonic) return false;
        continue;
      }
      await this.keepIdentity(pod, ordinal);
    }
    // Parallel goes on to scale down and update even while some replicas are not up yet.
    return true;
  }

  /** Step 2; false when OrderedReady must stop here. */
  private async removeCondemned(condemned: readonly RO<Pod>[]): Promise<boolean> {
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (this.monotonic) return false;
        continue;
      }
      await this.setClaimRetention(pod, true);
      await this.deletePod(pod);
      if (this.monotonic) return false;
    }
    return true;
  }

  /** Step 3. */
  private async rollingUpdate(replicas: (RO<Pod> | undefined)[], count: number): Promise<void> {
    const ru = this.set.spec.updateStrategy?.rollingUpdate;
    const partition = Math.max(0, ru?.partition ?? 0);
    const maxUnavailable = Math.max(1, intOrPercent(ru?.maxUnavailable ?? 1, count, false));
    const updateName = this.revs.update.metadata.name ?? '';
    const now = this.d.now();
    let unavailable = 0;
    for (let i = partition; i < count; i++) {
      const p = replicas[i];
      if (!p || !isHealthy(p, this.minReady, now)) unavailable++;
    }
    for (let i = count - 1; i >= partition; i--) {
      const pod = replicas[i];
      if (!pod) continue; // counted as unavailable; step 1 recreates it
      const healthy = isHealthy(pod, this.minReady, now);
      if (podRevision(pod) !== updateName && !isTerminating(pod)) {
        // An old pod that is down anyway may go without costing availability.
        if (healthy) {
          if (unavailable >= maxUnavailable) return;
          unavailable++;
        }
        await this.deletePod(pod);
        continue;
      }
      // Updated (or terminating) but not up yet: with OrderedReady nothing below it moves.
      if (!healthy && this.monotonic && unavailable >= maxUnavailable) return;
    }
  }

  /** The pod of `ordinal` at the revision it should have: the current one below the partition. */
  private podFor(ordinal: number, index: number): Pod {
    const strategy = this.set.spec.updateStrategy;
    const partition = strategy?.rollingUpdate?.partition ?? 0;
    const useCurrent = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && index < partition;
    const rev = useCurrent ? this.revs.current : this.revs.update;
    const versioned = applyRevision(this.set, rev);
    return newStatefulSetPod(versioned, ordinal, rev.metadata.name ?? '', this.ref);
  }

  /** Creates the pod's missing claims, then the pod; returns it, or undefined when it must wait. */
  private async createPod(ordinal: number, index: number): Promise<RO<Pod> | undefined> {
    const name = podName(this.set, ordinal);
    await this.createClaims(ordinal, name);
    try {
      const created = await this.d.pods.create(this.ns, this.podFor(ordinal, index));
      this.live.set(name, created);
      this.d.recorder.event(
        this.set,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${name} in StatefulSet ${this.setName} successful`,
      );
      return created;
    } catch (err) {
      if (isAlreadyExists(err)) return undefined; // our cache is behind: the informer will show it
      this.d.recorder.event(
        this.set,
        'Warning',
        'FailedCreate',
        `create Pod ${name} in StatefulSet ${this.setName} failed error: ${errorMessage(err)}`,
      );
      throw err;
    }
  }

  /** Creates the claims of `ordinal` that do not exist yet; a claim being deleted blocks the pod. */
  private async createClaims(ordinal: number, pod: string): Promise<void> {
    for (const claim of claimsFor(this.set, ordinal)) {
      const name = claim.metadata.name ?? '';
      const existing = this.d.claimLister.get(this.ns, name);
      if (existing) {
        if (existing.metadata.deletionTimestamp)
          throw new Error(`pod ${pod} cannot be created: PersistentVolumeClaim ${name} is being deleted`);
        continue;
      }
      // whenDeleted=Delete: owned by the set from the start.
      const refs = claimOwnerRefs(this.set, { metadata: {} }, claim, false);
      if (refs?.length) claim.metadata.ownerReferences = refs;
      try {
        await this.d.claims.create(this.ns, claim);
        this.d.recorder.event(
          this.set,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${name} Pod ${pod} in StatefulSet ${this.setName} success`,
        );
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        this.d.recorder.event(
          this.set,
          'Warning',
          'FailedCreate',
          `create Claim ${name} for Pod ${pod} in StatefulSet ${this.setName} failed error: ${errorMessage(err)}`,
        );
        throw err;
      }
    }
  }

  /** Deletes `pod` (only that incarnation: uid precondition); gone already is fine. */
  private async deletePod(pod: RO<Pod>): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.d.pods.delete(this.ns, name, { preconditions: { uid: pod.metadata.uid } });
      this.d.recorder.event(
        this.set,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${name} in StatefulSet ${this.setName} successful`,
      );
    } catch (err) {
      if (isNotFound(err)) {
        this.live.delete(name);
        return;
      }
      this.d.recorder.event(
        this.set,
        'Warning',
        'FailedDelete',
        `delete Pod ${name} in StatefulSet ${this.setName} failed error: ${errorMessage(err)}`,
      );
      throw err;
    }
    const gone = structuredClone(pod) as Pod;
    gone.metadata.deletionTimestamp = new Date(this.d.now()).toISOString();
    this.live.set(name, gone);
  }

  /** Restores identity labels a user removed and keeps the claims' references per the retention policy. */
  private async keepIdentity(pod: RO<Pod>, ordinal: number): Promise<void> {
    const fixes = identityLabelFixes(this.set, pod);
    if (Object.keys(fixes).length > 0) {
      const name = pod.metadata.name ?? '';
      await this.d.pods.patch(this.ns, name, 'merge', {
        metadata: { labels: fixes, resourceVersion: pod.metadata.resourceVersion },
      });
      this.d.recorder.event(
        this.set,
        'Normal',
        'SuccessfulUpdate',
        `update Pod ${name} in StatefulSet ${this.setName} successful`,
      );
    }
    await this.setClaimRetention(pod, !inOrdinalRange(this.set, ordinal));
  }

  /** Patches the ownerReferences of the pod's claims to what the retention policy asks for. */
  private async setClaimRetention(pod: RO<Pod>, condemned: boolean): Promise<void> {
    const ordinal = ordinalOf(pod);
    for (const want of claimsFor(this.set, ordinal)) {
      const claim = this.d.claimLister.get(this.ns, want.metadata.name ?? '');
      if (!claim || claim.metadata.deletionTimestamp) continue;
      const refs = claimOwnerRefs(this.set, pod, claim, condemned);
      if (!refs) continue;
      try {
        await this.d.claims.patch(this.ns, claim.metadata.name ?? '', 'merge', {
          metadata: {
            ownerReferences: refs.length ? refs : null,
            resourceVersion: claim.metadata.resourceVersion,
          },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** A Ready pod still inside minReadySeconds: look again when it becomes available. */
  private requeueForMinReady(pod: RO<Pod>): void {
    const since = readySince(pod);
    if (!isRunningAndReady(pod) || since === undefined || this.minReady <= 0) return;
    this.d.requeueAfter(Math.max(0, since + this.minReady * 1000 - this.d.now()) + 1);
  }
}
