/**
 * Job conditions. A Job ends with Complete or Failed (status True); before that the controller
 * records the decision as SuccessCriteriaMet or FailureTarget and keeps it while the remaining
 * pods terminate, as Kubernetes 1.31+ does, so a watcher sees the outcome early and the terminal
 * condition only once no pod of the Job is still running.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Job, JobCondition } from './types.ts';

type RO<T> = DeepReadonly<T>;

export const conditionComplete = 'Complete';
export const conditionFailed = 'Failed';
export const conditionFailureTarget = 'FailureTarget';
export const conditionSuccessCriteriaMet = 'SuccessCriteriaMet';
export const conditionSuspended = 'Suspended';

/** Reasons of the Failed/FailureTarget and SuccessCriteriaMet/Complete conditions. */
export const reasons = {
  backoffLimitExceeded: 'BackoffLimitExceeded',
  deadlineExceeded: 'DeadlineExceeded',
  podFailurePolicy: 'PodFailurePolicy',
  maxFailedIndexesExceeded: 'MaxFailedIndexesExceeded',
  failedIndexes: 'FailedIndexes',
  completionsReached: 'CompletionsReached',
  successPolicy: 'SuccessPolicy',
} as const;

/** RFC 3339 with whole seconds, as Kubernetes writes times. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function findCondition(
  conds: readonly RO<JobCondition>[] | undefined,
  type: string,
): RO<JobCondition> | undefined {
  return conds?.find((c) => c.type === type);
}

function isTrue(job: RO<Job>, type: string): boolean {
  return findCondition(job.status?.conditions, type)?.status === 'True';
}

/** Complete or Failed is True: the Job is done and the controller leaves it alone. */
export function isJobFinished(job: RO<Job>): boolean {
  return isTrue(job, conditionComplete) || isTrue(job, conditionFailed);
}

/** When a finished Job finished (ms): its terminal condition's transition time. */
export function finishedAt(job: RO<Job>): number | undefined {
  for (const type of [conditionComplete, conditionFailed]) {
    const c = findCondition(job.status?.conditions, type);
    if (c?.status !== 'True') continue;
    const t = Date.parse(c.lastTransitionTime ?? job.status?.completionTime ?? '');
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export function newCondition(type: string, reason: string, message: string, now: number): JobCondition {
  const at = timestamp(now);
  return { type, status: 'True', lastProbeTime: at, lastTransitionTime: at, reason, message };
}

/**
 * Sets condition `type` to `status` in `conds` (in place). A missing condition is only added when
 * the status is True. Returns whether anything changed; the transition time moves only when the
 * status does.
 */
export function ensureCondition(
  conds: JobCondition[],
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: number,
): boolean {
  const at = timestamp(now);
  const c = conds.find((x) => x.type === type);
  if (!c) {
    if (status !== 'True') return false;
    conds.push({ type, status, lastProbeTime: at, lastTransitionTime: at, reason, message });
    return true;
  }
  if (c.status === status && c.reason === reason && c.message === message) return false;
  if (c.status !== status) c.lastTransitionTime = at;
  c.status = status;
  c.reason = reason;
  c.message = message;
  c.lastProbeTime = at;
  return true;
}
