/**
 * How the Job controller classifies its pods: active, terminating, failed (which depends on the
 * Job's podReplacementPolicy), carrying the tracking finalizer, and when a pod finished.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { jobTrackingFinalizer, type Job, type Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Not finished and not being deleted: counts in status.active. */
export function isActive(pod: RO<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Being deleted but not finished: counts in status.terminating. */
export function isTerminating(pod: RO<Pod>): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: RO<Pod>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function hasTrackingFinalizer(pod: RO<Pod>): boolean {
  return pod.metadata.finalizers?.includes(jobTrackingFinalizer) ?? false;
}

/**
 * Replacement pods are created only once the old ones reached phase Failed (not while they are
 * still terminating): podReplacementPolicy Failed, the default whenever podFailurePolicy is set.
 */
export function onlyReplaceFailedPods(job: RO<Job>): boolean {
  if (job.spec.podReplacementPolicy) return job.spec.podReplacementPolicy === 'Failed';
  return job.spec.podFailurePolicy != null;
}

/**
 * Failed for the Job's accounting: phase Failed, or (unless only Failed pods are replaced) deleted
 * before it succeeded — so a pod removed by someone else still counts as a failed attempt.
 */
export function isFailed(pod: RO<Pod>, job: RO<Job>): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

function parseTime(t: string | undefined | null): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When a finished pod finished (ms): its last container's terminated time, else the Ready=False
 * transition, else its deletion time, else its creation time.
 */
export function finishTime(pod: RO<Pod>): number {
  let latest: number | undefined;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const t = parseTime(s.state?.terminated?.finishedAt);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  return (
    parseTime(ready?.lastTransitionTime) ??
    parseTime(pod.metadata.deletionTimestamp) ??
    parseTime(pod.metadata.creationTimestamp) ??
    0
  );
}

/** Sum of restarts of a running pod's containers (restartPolicy OnFailure retries in place). */
export function restarts(pod: RO<Pod>): number {
  const phase = pod.status?.phase;
  if (phase !== 'Running' && phase !== 'Pending') return 0;
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce(
    (n, s) => n + (s.restartCount ?? 0),
    0,
  );
}

/**
 * A JSON patch taking the tracking finalizer off `pod`, or undefined when it has none. It tests the
 * uid and the finalizer's position first, so it can neither touch a replacement pod of the same
 * name nor drop a finalizer someone else added meanwhile (the patch then fails and the sync retries).
 */
export function finalizerRemovalPatch(pod: RO<Pod>): unknown[] | undefined {
  const i = pod.metadata.finalizers?.indexOf(jobTrackingFinalizer) ?? -1;
  if (i < 0) return undefined;
  const only = pod.metadata.finalizers?.length === 1;
  return [
    { op: 'test', path: '/metadata/uid', value: pod.metadata.uid ?? '' },
    { op: 'test', path: `/metadata/finalizers/${i}`, value: jobTrackingFinalizer },
    // The last finalizer takes the list with it, as Kubernetes omits an empty one.
    { op: 'remove', path: only ? '/metadata/finalizers' : `/metadata/finalizers/${i}` },
  ];
}
