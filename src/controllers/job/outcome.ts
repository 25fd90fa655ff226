/**
 * Deciding that a Job has failed or succeeded before all its pods are done: a podFailurePolicy
 * FailJob rule, backoffLimit (failed pods, or restarts with restartPolicy OnFailure),
 * activeDeadlineSeconds, per-index limits (backoffLimitPerIndex, maxFailedIndexes) and
 * successPolicy. Each returns the interim condition to record (FailureTarget or SuccessCriteriaMet).
 */
import type { DeepReadonly } from '../../api/object.ts';
import { indexBackoffRecords } from './backoff.ts';
import { conditionFailureTarget, conditionSuccessCriteriaMet, newCondition, reasons } from './conditions.ts';
import { IndexSet, validIndexOf } from './indexes.ts';
import { matchPodFailurePolicy } from './pod-failure-policy.ts';
import { isFailed, restarts } from './pod-state.ts';
import type { Job, JobCondition, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** The FailJob message of the first failed pod a FailJob rule matches. */
export function failJobMessage(job: RO<Job>, pods: readonly RO<Pod>[]): string | undefined {
  if (!job.spec.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isFailed(p, job)) continue;
    const msg = matchPodFailurePolicy(job, p).failJobMessage;
    if (msg) return msg;
  }
  return undefined;
}

/** restartPolicy OnFailure retries in place: restarts of running pods count against backoffLimit. */
export function pastBackoffLimitOnFailure(job: RO<Job>, pods: readonly RO<Pod>[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  const limit = job.spec.backoffLimit ?? 6;
  const total = pods.reduce((n, p) => n + restarts(p), 0);
  return limit === 0 ? total > 0 : total >= limit;
}

/** Milliseconds until activeDeadlineSeconds runs out (≤ 0: it has), or undefined when it does not apply. */
export function deadlineLeft(job: RO<Job>, now: number): number | undefined {
  const ads = job.spec.activeDeadlineSeconds;
  const start = Date.parse(job.status?.startTime ?? '');
  if (ads == null || Number.isNaN(start) || job.spec.suspend === true) return undefined;
  return start + ads * 1000 - now;
}

/** The job-wide failure decision, if any; `failed` is the failure count including this sync's. */
export function failureCondition(
  job: RO<Job>,
  pods: readonly RO<Pod>[],
  failed: number,
  now: number,
): JobCondition | undefined {
  if (failed > (job.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods))
    return newCondition(
      conditionFailureTarget,
      reasons.backoffLimitExceeded,
      'Job has reached the specified backoff limit',
      now,
    );
  const left = deadlineLeft(job, now);
  if (left !== undefined && left <= 0)
    return newCondition(
      conditionFailureTarget,
      reasons.deadlineExceeded,
      'Job was active longer than specified deadline',
      now,
    );
  return undefined;
}

/**
 * Indexes that ran out of retries (backoffLimitPerIndex): those already recorded, plus every index
 * whose failures exceed the limit or whose pod failed under a FailIndex rule — unless it succeeded.
 */
export function failedIndexesOf(job: RO<Job>, pods: readonly RO<Pod>[], succeeded: IndexSet): IndexSet {
  const completions = job.spec.completions ?? 0;
  const limit = job.spec.backoffLimitPerIndex ?? 0;
  const out = new Set(IndexSet.parse(job.status?.failedIndexes, completions).values());
  for (const [ix, r] of indexBackoffRecords(job, pods))
    if (ix < completions && r.failures > limit) out.add(ix);
  for (const p of pods) {
    const ix = validIndexOf(p, completions);
    if (
      ix !== undefined &&
      p.status?.phase === 'Failed' &&
      matchPodFailurePolicy(job, p).action === 'FailIndex'
    )
      out.add(ix);
  }
  return IndexSet.of([...out].filter((i) => !succeeded.has(i)));
}

/** The failure decision from failed indexes (backoffLimitPerIndex), if any. */
export function failedIndexesCondition(
  job: RO<Job>,
  failedIx: IndexSet,
  succeededIx: IndexSet,
  now: number,
): JobCondition | undefined {
  const failed = failedIx.total();
  const max = job.spec.maxFailedIndexes;
  if (max != null && failed > max)
    return newCondition(
      conditionFailureTarget,
      reasons.maxFailedIndexesExceeded,
      'Job has exceeded the specified maximal number of failed indexes',
      now,
    );
  if (failed > 0 && failed + succeededIx.total() >= (job.spec.completions ?? 0))
    return newCondition(conditionFailureTarget, reasons.failedIndexes, 'Job has failed indexes', now);
  return undefined;
}

/** successPolicy: the first rule the succeeded indexes satisfy, as SuccessCriteriaMet. */
export function successPolicyCondition(
  job: RO<Job>,
  succeededIx: IndexSet,
  now: number,
): JobCondition | undefined {
  const completions = job.spec.completions ?? 0;
  for (const [i, rule] of (job.spec.successPolicy?.rules ?? []).entries()) {
    let met: boolean;
    if (rule.succeededIndexes !== undefined) {
      const wanted = [...IndexSet.parse(rule.succeededIndexes, completions).values()];
      const have = wanted.filter((ix) => succeededIx.has(ix)).length;
      met = rule.succeededCount !== undefined ? have >= rule.succeededCount : have === wanted.length;
    } else {
      met = rule.succeededCount !== undefined && succeededIx.total() >= rule.succeededCount;
    }
    if (met)
      return newCondition(
        conditionSuccessCriteriaMet,
        reasons.successPolicy,
        `Matched rules at index ${i}`,
        now,
      );
  }
  return undefined;
}
