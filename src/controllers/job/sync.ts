/**
 * syncJob: one level-triggered pass over one unfinished Job and the pods it owns. It counts what
 * finished since the status was written, decides whether the Job has failed or succeeded, then
 * either removes the remaining pods (decided) or manages pods toward the spec (suspend,
 * parallelism, completions, backoff), keeps the Suspended condition and startTime, and finally
 * tracks finished pods into the status (tracking.ts). Safe to repeat at any point.
 */
import type { DeepReadonly } from '../../api/object.ts';
import {
  conditionFailed,
  conditionFailureTarget,
  conditionSuccessCriteriaMet,
  conditionSuspended,
  ensureCondition,
  findCondition,
  newCondition,
  reasons,
  timestamp,
} from './conditions.ts';
import type { JobDeps, SyncState } from './context.ts';
import { IndexSet, validIndexOf } from './indexes.ts';
import { deleteActivePods, isIndexed, isSuspended, manageJob } from './manage.ts';
import {
  deadlineLeft,
  failedIndexesCondition,
  failedIndexesOf,
  failJobMessage,
  failureCondition,
  successPolicyCondition,
} from './outcome.ts';
import { matchPodFailurePolicy } from './pod-failure-policy.ts';
import { hasTrackingFinalizer, isActive, isFailed, isReady, isTerminating } from './pod-state.ts';
import { trackJobStatus } from './tracking.ts';
import type { Job, JobCondition, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** The pass described in the file comment. `satisfied`: no pod creations/deletions are still unobserved. */
export async function syncJob(
  key: string,
  shared: RO<Job>,
  pods: readonly RO<Pod>[],
  satisfied: boolean,
  d: JobDeps,
): Promise<void> {
  const job = structuredClone(shared) as Job;
  const status = (job.status ??= {});
  const now = d.clock.now();
  const uncounted = status.uncountedTerminatedPods ?? {};
  const expectedRemovals = d.finalizerExpectations.expected(key);
  const activePods = pods.filter(isActive);
  const s: SyncState = {
    key,
    job,
    pods: [...pods],
    activePods,
    active: activePods.length,
    ready: activePods.filter(isReady).length,
    terminating: pods.filter(isTerminating).length,
    uncountedSucceeded: new Set(uncounted.succeeded ?? []),
    uncountedFailed: new Set(uncounted.failed ?? []),
    expectedRemovals,
    succeeded: 0,
    failed: 0,
  };
  const tracked = (p: RO<Pod>): boolean =>
    hasTrackingFinalizer(p) && !expectedRemovals.has(p.metadata.uid ?? '');
  const newSucceeded = pods.filter(
    (p) => tracked(p) && p.status?.phase === 'Succeeded' && !s.uncountedSucceeded.has(p.metadata.uid ?? ''),
  );
  const newFailed = pods.filter(
    (p) =>
      tracked(p) &&
      isFailed(p, job) &&
      !s.uncountedFailed.has(p.metadata.uid ?? '') &&
      matchPodFailurePolicy(job, p).countFailed,
  );
  s.succeeded = (status.succeeded ?? 0) + newSucceeded.length + s.uncountedSucceeded.size;
  s.failed = (status.failed ?? 0) + newFailed.length + s.uncountedFailed.size;

  let needsFlush = false;
  if (!status.startTime && !isSuspended(job)) {
    status.startTime = timestamp(now);
    needsFlush = true;
  }

  s.finished = decideFromConditions(job, pods, now);
  if (!s.finished) {
    s.finished = failureCondition(job, pods, s.failed, now);
    const left = deadlineLeft(job, now);
    if (!s.finished && left !== undefined) d.requeueAfter(key, left);
  }
  if (isIndexed(job)) decideIndexed(s, tracked, now);

  let manageError: unknown;
  if (s.finished) {
    try {
      await deleteActivePods(s, d);
    } catch (err) {
      manageError = err;
    }
    // Not finished until every pod is gone from the active set and the cache has caught up.
    if (s.active > 0 || !satisfied) s.finished = undefined;
  } else {
    let managed = false;
    if (satisfied && !job.metadata.deletionTimestamp) {
      managed = true;
      try {
        await manageJob(s, d);
      } catch (err) {
        manageError = err;
      }
    }
    const completions = job.spec.completions;
    const complete = s.active === 0 && (completions == null ? s.succeeded > 0 : s.succeeded >= completions);
    if (complete) {
      s.finished = newCondition(
        conditionSuccessCriteriaMet,
        reasons.completionsReached,
        'Reached expected number of succeeded pods',
        now,
      );
    } else if (managed && updateSuspended(job, d, now)) {
      needsFlush = true;
    }
  }

  if (status.active !== s.active || status.ready !== s.ready || status.terminating !== s.terminating)
    needsFlush = true;
  status.active = s.active;
  status.ready = s.ready;
  status.terminating = s.terminating;
  await trackJobStatus(s, d, needsFlush);
  if (manageError !== undefined) throw manageError;
}

/** An outcome already recorded (SuccessCriteriaMet or FailureTarget) or a FailJob rule now matching. */
function decideFromConditions(job: RO<Job>, pods: readonly RO<Pod>[], now: number): JobCondition | undefined {
  const conds = job.status?.conditions;
  const success = findCondition(conds, conditionSuccessCriteriaMet);
  if (success?.status === 'True') return structuredClone(success) as JobCondition;
  const target = findCondition(conds, conditionFailureTarget);
  if (target?.status === 'True') {
    return newCondition(conditionFailed, target.reason ?? '', target.message ?? '', now);
  }
  const msg = failJobMessage(job, pods);
  return msg ? newCondition(conditionFailureTarget, reasons.podFailurePolicy, msg, now) : undefined;
}

/** Indexed Jobs: succeeded (and failed) indexes, and the decisions that depend on them. */
function decideIndexed(s: SyncState, tracked: (p: RO<Pod>) => boolean, now: number): void {
  const job = s.job;
  const completions = job.spec.completions ?? 0;
  const prev = IndexSet.parse(job.status?.completedIndexes, completions);
  const fresh: number[] = [];
  for (const p of s.pods) {
    const ix = validIndexOf(p, completions);
    if (ix !== undefined && p.status?.phase === 'Succeeded' && tracked(p)) fresh.push(ix);
  }
  s.prevSucceededIndexes = prev;
  s.succeededIndexes = prev.with(fresh);
  s.succeeded = s.succeededIndexes.total();
  if (job.spec.backoffLimitPerIndex != null) {
    s.failedIndexes = failedIndexesOf(job, s.pods, s.succeededIndexes);
    s.finished ??= failedIndexesCondition(job, s.failedIndexes, s.succeededIndexes, now);
  }
  s.finished ??= successPolicyCondition(job, s.succeededIndexes, now);
}

/** Keeps the Suspended condition (and its events, and startTime on resume); true when it changed. */
function updateSuspended(job: Job, d: JobDeps, now: number): boolean {
  const status = (job.status ??= {});
  const conds = (status.conditions ??= []);
  if (isSuspended(job)) {
    if (!ensureCondition(conds, conditionSuspended, 'True', 'JobSuspended', 'Job suspended', now))
      return false;
    d.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    return true;
  }
  if (!ensureCondition(conds, conditionSuspended, 'False', 'JobResumed', 'Job resumed', now)) return false;
  d.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
  // activeDeadlineSeconds counts continuous activity: the clock restarts on resume.
  status.startTime = timestamp(now);
  return true;
}
