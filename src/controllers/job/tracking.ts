/**
 * Counting finished pods exactly once, with the job-tracking finalizer:
 *   1. a finished pod that still has the finalizer is listed by uid in
 *      status.uncountedTerminatedPods (Indexed successes go straight into completedIndexes), and
 *      that status is written;
 *   2. only then is the finalizer removed from the pod;
 *   3. uids whose pod no longer has the finalizer move from the uncounted lists into the
 *      succeeded/failed counters, and the status is written again.
 * A crash between the steps repeats at most the step it interrupted: a uid already listed is not
 * listed again, and a listed pod without finalizer is counted once when it leaves the list.
 * Pods whose finalizer removal the cache has not shown yet are skipped (finalizer expectations).
 * The terminal condition is added once nothing is uncounted and no pod is still terminating.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isNotFound } from '../../client/status.ts';
import {
  conditionComplete,
  conditionFailed,
  conditionFailureTarget,
  conditionSuccessCriteriaMet,
  ensureCondition,
  findCondition,
  timestamp,
} from './conditions.ts';
import { maxUncountedPods, type JobDeps, type SyncState } from './context.ts';
import { completionIndexOf, validIndexOf } from './indexes.ts';
import { isIndexed } from './manage.ts';
import { matchPodFailurePolicy } from './pod-failure-policy.ts';
import { finalizerRemovalPatch, hasTrackingFinalizer, isFailed } from './pod-state.ts';
import type { Job, JobCondition, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/**
 * Moves uids whose pod no longer carries the finalizer from the uncounted lists to the counters.
 * Returns whether the status changed.
 */
export function countUncounted(job: Job, withFinalizer: ReadonlySet<string>): boolean {
  const status = (job.status ??= {});
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  for (const field of ['succeeded', 'failed'] as const) {
    const before = u[field] ?? [];
    const keep = before.filter((uid) => withFinalizer.has(uid));
    if (keep.length === before.length) continue;
    changed = true;
    status[field] = (status[field] ?? 0) + before.length - keep.length;
    u[field] = keep;
  }
  return changed;
}

/** Whether the finalizer of `pod` may go now; see Kubernetes' canRemoveFinalizer. */
function canRemoveFinalizer(s: SyncState, pod: RO<Pod>, consideredFailed: boolean): boolean {
  return (
    !!s.job.metadata.deletionTimestamp ||
    s.finished !== undefined ||
    pod.status?.phase === 'Succeeded' ||
    consideredFailed
  );
}

function byIndex(a: RO<Pod>, b: RO<Pod>): number {
  return (completionIndexOf(a) ?? Infinity) - (completionIndexOf(b) ?? Infinity);
}

/** Writes the Job's status; a conflict fails the sync, which is retried against a fresher cache. */
async function writeStatus(d: JobDeps, job: Job): Promise<Job> {
  // Empty uid lists are left out, as Kubernetes writes them.
  const u = job.status?.uncountedTerminatedPods;
  const out = { ...job, status: { ...job.status, uncountedTerminatedPods: { ...u } } };
  for (const f of ['succeeded', 'failed'] as const)
    if (!out.status.uncountedTerminatedPods[f]?.length) delete out.status.uncountedTerminatedPods[f];
  return d.jobs.updateStatus(job.metadata.namespace, out);
}

/** Removes the finalizers; returns the uids now without it and the first error (if any). */
async function removeFinalizers(
  d: JobDeps,
  key: string,
  pods: readonly RO<Pod>[],
): Promise<{ removed: Set<string>; error?: unknown }> {
  const removed = new Set<string>();
  d.finalizerExpectations.expectRemovals(
    key,
    pods.map((p) => p.metadata.uid ?? ''),
  );
  let error: unknown;
  await Promise.all(
    pods.map(async (p) => {
      const uid = p.metadata.uid ?? '';
      const patch = finalizerRemovalPatch(p);
      try {
        if (patch) await d.pods.patch(p.metadata.namespace, p.metadata.name ?? '', 'json', patch);
        removed.add(uid);
      } catch (err) {
        d.finalizerExpectations.observed(uid); // no pod update will show this removal
        if (isNotFound(err)) removed.add(uid);
        else error ??= err;
      }
    }),
  );
  return { removed, error };
}

/** Runs the steps of the file comment; `needsFlush` says the status already changed this sync. */
export async function trackJobStatus(s: SyncState, d: JobDeps, needsFlush: boolean): Promise<void> {
  const job = s.job;
  const status = (job.status ??= {});
  const uncounted = (status.uncountedTerminatedPods ??= {});
  const indexed = isIndexed(job);
  const completions = job.spec.completions ?? 0;
  const pods = indexed ? [...s.pods].sort(byIndex) : s.pods;
  const withFinalizer = new Set<string>();
  for (const p of pods)
    if (hasTrackingFinalizer(p) && !s.expectedRemovals.has(p.metadata.uid ?? ''))
      withFinalizer.add(p.metadata.uid ?? '');
  if (countUncounted(job, withFinalizer)) needsFlush = true;

  const toRemove: RO<Pod>[] = [];
  const newSucceededIndexes: number[] = [];
  const newSucceeded = [...(uncounted.succeeded ?? [])];
  const newFailed = [...(uncounted.failed ?? [])];
  let capped = false;
  for (const pod of pods) {
    const uid = pod.metadata.uid ?? '';
    if (!withFinalizer.has(uid)) continue;
    const consideredFailed = isFailed(pod, job);
    if (!canRemoveFinalizer(s, pod, consideredFailed)) continue;
    toRemove.push(pod);
    if (pod.status?.phase === 'Succeeded' && !s.uncountedFailed.has(uid)) {
      if (indexed) {
        const ix = validIndexOf(pod, completions);
        if (ix !== undefined && !s.prevSucceededIndexes?.has(ix)) newSucceededIndexes.push(ix);
      } else if (!s.uncountedSucceeded.has(uid)) newSucceeded.push(uid);
    } else if (consideredFailed || (s.finished && s.finished.type !== conditionSuccessCriteriaMet)) {
      // Once the Job has failed, every pod that did not succeed counts as failed.
      const validIndex = !indexed || validIndexOf(pod, completions) !== undefined;
      if (!s.uncountedFailed.has(uid) && validIndex && matchPodFailurePolicy(job, pod).countFailed)
        newFailed.push(uid);
    }
    if (newSucceededIndexes.length + newSucceeded.length + newFailed.length >= maxUncountedPods) {
      capped = true; // the rest waits for the next sync, which this status write triggers
      break;
    }
  }
  if (newSucceeded.length !== (uncounted.succeeded ?? []).length) needsFlush = true;
  if (newFailed.length !== (uncounted.failed ?? []).length) needsFlush = true;
  uncounted.succeeded = newSucceeded;
  uncounted.failed = newFailed;
  if (indexed) {
    const succeededIndexes = (s.succeededIndexes ?? s.prevSucceededIndexes)!.with(newSucceededIndexes);
    const text = succeededIndexes.toString();
    if (text !== (status.completedIndexes ?? '')) needsFlush = true;
    status.completedIndexes = text;
    status.succeeded = succeededIndexes.total();
    const failedText = s.failedIndexes?.toString();
    if (failedText !== status.failedIndexes) {
      needsFlush = true;
      if (failedText === undefined) delete status.failedIndexes;
      else status.failedIndexes = failedText;
    }
  }

  // Record the interim condition before any pod can go, and aim for the terminal one.
  let terminal: JobCondition | undefined = s.finished;
  const conds = (status.conditions ??= []);
  if (terminal?.type === conditionFailureTarget) {
    if (!findCondition(conds, conditionFailureTarget)) conds.push(terminal);
    needsFlush = true;
    terminal = { ...terminal, type: conditionFailed };
  } else if (terminal?.type === conditionSuccessCriteriaMet) {
    if (!findCondition(conds, conditionSuccessCriteriaMet)) {
      conds.push(terminal);
      needsFlush = true;
    }
    terminal = { ...terminal, type: conditionComplete };
  }

  let current = job;
  if (needsFlush) {
    current = await writeStatus(d, job);
    needsFlush = false;
  }
  let removeError: unknown;
  if (toRemove.length) {
    const r = await removeFinalizers(d, s.key, toRemove);
    for (const uid of r.removed) withFinalizer.delete(uid);
    removeError = r.error;
  }
  const next = structuredClone(current) as Job;
  next.status = { ...(next.status ?? {}) };
  if (countUncounted(next, withFinalizer)) needsFlush = true;
  if (removeError !== undefined) {
    if (needsFlush) await writeStatus(d, next);
    throw removeError;
  }
  const done = !capped && enactFinished(s, next, terminal, d.clock.now());
  if (done) needsFlush = true;
  if (needsFlush) {
    await writeStatus(d, next);
    if (done && terminal) recordFinished(d, next, terminal);
  }
}

/** Adds the terminal condition when nothing is left uncounted or terminating. */
function enactFinished(s: SyncState, job: Job, terminal: JobCondition | undefined, now: number): boolean {
  if (!terminal) return false;
  const u = job.status?.uncountedTerminatedPods;
  if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
  if (s.terminating > 0) return false;
  const status = (job.status ??= {});
  const conds = (status.conditions ??= []);
  ensureCondition(conds, terminal.type, 'True', terminal.reason ?? '', terminal.message ?? '', now);
  if (terminal.type === conditionComplete) status.completionTime = timestamp(now);
  return true;
}

function recordFinished(d: JobDeps, job: Job, terminal: JobCondition): void {
  if (terminal.type === conditionComplete) {
    const completions = job.spec.completions;
    if (completions != null && (job.status?.succeeded ?? 0) > completions)
      d.recorder.event(
        job,
        'Warning',
        'TooManySucceededPods',
        'Too many succeeded pods running after completion count reached',
      );
    d.recorder.event(job, 'Normal', 'Completed', 'Job completed');
  } else {
    d.recorder.event(job, 'Warning', terminal.reason ?? 'Failed', terminal.message ?? '');
  }
}
