/**
 * manageJob: one step of moving a running Job's active pods toward what it wants — none while
 * suspended; otherwise parallelism, but never more than the completions still missing. Extra pods
 * (and, for Indexed Jobs, pods with a duplicate or out-of-range index) are deleted after their
 * tracking finalizer is removed, so they are not counted as failures. Missing pods are created in
 * slow-start batches once the failure backoff allows, lowest pending indexes first. Deleting takes
 * precedence: a sync either deletes or creates, never both.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { metaNamespaceKey } from '../../client/store.ts';
import { isNotFound } from '../../client/status.ts';
import { newControllerRef } from '../replicaset/controller-ref.ts';
import { podsInDeletionOrder } from '../replicaset/deletion-order.ts';
import { slowStartBatch } from '../replicaset/slow-start.ts';
import { indexBackoffRecords, jobBackoffRecord, remainingBackoff } from './backoff.ts';
import { maxPodChangesPerSync, type JobDeps, type SyncState } from './context.ts';
import { firstPendingIndexes, validIndexOf } from './indexes.ts';
import { finalizerRemovalPatch, isReady, onlyReplaceFailedPods } from './pod-state.ts';
import { podForJob } from './pod-template.ts';
import type { Job, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isSuspended(job: RO<Job>): boolean {
  return job.spec.suspend === true;
}

export function isIndexed(job: RO<Job>): boolean {
  return job.spec.completionMode === 'Indexed';
}

/** How many pods should be active now. */
export function wantActive(job: RO<Job>, active: number, succeeded: number): number {
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  if (completions == null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(completions - succeeded, parallelism));
}

/**
 * The active pods to delete: for an Indexed Job first those whose index is missing, out of range
 * or held by another pod too, then at least `atLeast` more in the usual deletion order.
 */
export function podsForRemoval(job: RO<Job>, active: readonly RO<Pod>[], atLeast: number): RO<Pod>[] {
  const victims: RO<Pod>[] = [];
  let rest = [...active];
  if (isIndexed(job)) {
    const completions = job.spec.completions ?? 0;
    const byIndex = new Map<number, RO<Pod>[]>();
    rest = [];
    for (const p of active) {
      const ix = validIndexOf(p, completions);
      if (ix === undefined) victims.push(p);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
    }
    for (const group of byIndex.values()) {
      // Keep the pod that is furthest along (deletion order puts it last).
      const ordered = podsInDeletionOrder(group);
      victims.push(...ordered.slice(0, -1));
      rest.push(ordered.at(-1)!);
    }
  }
  const more = Math.max(0, atLeast - victims.length);
  if (more > 0) victims.push(...podsInDeletionOrder(rest).slice(0, more));
  return victims;
}

/** Removes the tracking finalizer (so the pod is not counted) and deletes each pod. */
async function deleteJobPods(s: SyncState, d: JobDeps, victims: readonly RO<Pod>[]): Promise<void> {
  const job = s.job;
  d.expectations.expectDeletions(s.key, victims.map(metaNamespaceKey));
  const errors: unknown[] = [];
  await Promise.all(
    victims.map(async (p) => {
      const ns = p.metadata.namespace ?? '';
      const name = p.metadata.name ?? '';
      try {
        const patch = finalizerRemovalPatch(p);
        if (patch) await d.pods.patch(ns, name, 'json', patch);
        await d.pods.delete(ns, name);
        s.active--;
        s.terminating++;
        if (isReady(p)) s.ready--;
        d.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (err) {
        d.expectations.deletionObserved(s.key, metaNamespaceKey(p));
        if (isNotFound(err)) {
          s.active--;
          if (isReady(p)) s.ready--;
          return;
        }
        d.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
        errors.push(err);
      }
    }),
  );
  if (errors.length) throw errors[0];
}

/** Deletes active pods keeping their finalizers (the Job failed: they are counted as failed). */
export async function deleteActivePods(s: SyncState, d: JobDeps): Promise<number> {
  let deleted = 0;
  const errors: unknown[] = [];
  await Promise.all(
    s.activePods.map(async (p) => {
      try {
        await d.pods.delete(p.metadata.namespace ?? '', p.metadata.name ?? '');
      } catch (err) {
        if (!isNotFound(err)) {
          errors.push(err);
          return;
        }
      }
      deleted++;
      if (isReady(p)) s.ready--;
    }),
  );
  s.active -= deleted;
  s.terminating += deleted;
  if (errors.length) throw errors[0];
  return deleted;
}

/** Indexes an Indexed Job may start now, honouring per-index backoff; asks for a requeue otherwise. */
function indexesToStart(s: SyncState, d: JobDeps, count: number): number[] {
  const job = s.job;
  const completions = job.spec.completions ?? 0;
  const held = new Set<number>();
  for (const p of s.activePods) {
    const ix = validIndexOf(p, completions);
    if (ix !== undefined) held.add(ix);
  }
  const taken = (i: number): boolean =>
    held.has(i) || !!s.succeededIndexes?.has(i) || !!s.failedIndexes?.has(i);
  if (job.spec.backoffLimitPerIndex == null) return firstPendingIndexes(count, completions, taken);
  const records = indexBackoffRecords(job, s.pods);
  const now = d.clock.now();
  let wait = Infinity;
  const out: number[] = [];
  for (const ix of firstPendingIndexes(completions, completions, taken)) {
    if (out.length >= count) break;
    const r = records.get(ix);
    const left = r ? remainingBackoff(r, now, d.backoff) : 0;
    if (left > 0) wait = Math.min(wait, left);
    else out.push(ix);
  }
  if (wait < Infinity) d.requeueAfter(s.key, wait);
  return out;
}

/** One step toward the wanted pods; see the file comment. Updates s.active/ready/terminating. */
export async function manageJob(s: SyncState, d: JobDeps): Promise<void> {
  const job = s.job;
  if (isSuspended(job)) {
    if (s.activePods.length) await deleteJobPods(s, d, s.activePods.slice(0, maxPodChangesPerSync));
    return;
  }
  const want = wantActive(job, s.active, s.succeeded);
  const victims = podsForRemoval(job, s.activePods, s.active - want).slice(0, maxPodChangesPerSync);
  if (victims.length) {
    await deleteJobPods(s, d, victims);
    return;
  }
  const blocked = onlyReplaceFailedPods(job) ? s.terminating : 0;
  let diff = Math.min(want - blocked - s.active, maxPodChangesPerSync);
  if (diff <= 0) return;
  if (job.spec.backoffLimitPerIndex == null) {
    const left = remainingBackoff(jobBackoffRecord(job, s.pods), d.clock.now(), d.backoff);
    if (left > 0) {
      d.requeueAfter(s.key, left);
      return;
    }
  }
  let indexes: number[] = [];
  if (isIndexed(job)) {
    indexes = indexesToStart(s, d, diff);
    diff = indexes.length;
    if (diff === 0) return;
  }
  const perIndex = job.spec.backoffLimitPerIndex != null ? indexBackoffRecords(job, s.pods) : undefined;
  const ref = newControllerRef(job, 'batch/v1', 'Job');
  const ns = job.metadata.namespace ?? '';
  d.expectations.expectCreations(s.key, diff);
  let started = 0;
  const res = await slowStartBatch(diff, 1, async (i) => {
    started++;
    const index = isIndexed(job) ? indexes[i] : undefined;
    const pod = podForJob(job, ref, {
      index,
      indexFailures: index !== undefined && perIndex ? (perIndex.get(index)?.failures ?? 0) : undefined,
    });
    try {
      const created = await d.pods.create(ns, pod);
      s.active++;
      d.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      d.expectations.creationObserved(s.key); // the informer will never see this pod
      d.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  });
  for (let skipped = diff - started; skipped > 0; skipped--) d.expectations.creationObserved(s.key);
  if (res.error !== undefined) throw res.error;
}
