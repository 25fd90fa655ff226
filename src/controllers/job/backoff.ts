/**
 * The pod failure backoff: after n consecutive failed pods (failures since the last success) the
 * next pod is created no sooner than 10 s · 2^(n-1) after the latest failure, capped at 6 minutes.
 * The record is derived from the pods themselves (failed pods stay until the Job goes), so it
 * survives a controller restart and needs no memory between syncs. Failures a podFailurePolicy
 * ignores do not delay. With backoffLimitPerIndex the same rule applies per index instead.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { completionIndexOf } from './indexes.ts';
import { matchPodFailurePolicy } from './pod-failure-policy.ts';
import { finishTime } from './pod-state.ts';
import { indexFailureCountAnnotation, type Job, type Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** First retry delay (Kubernetes' DefaultJobPodFailureBackOff). */
export const defaultBackoffMs = 10_000;
/** Longest retry delay. */
export const maxBackoffMs = 6 * 60_000;

export interface BackoffTimes {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoffTimes: BackoffTimes = { baseMs: defaultBackoffMs, maxMs: maxBackoffMs };

/** Consecutive failures and when the latest of them happened (ms). */
export interface BackoffRecord {
  failures: number;
  lastFailureAt: number;
}

/** The delay after `failures` consecutive failures: 0, base, 2·base, 4·base, … up to max. */
export function backoffDelay(failures: number, t: BackoffTimes = defaultBackoffTimes): number {
  if (failures <= 0) return 0;
  return Math.min(t.baseMs * 2 ** Math.min(failures - 1, 30), t.maxMs);
}

/** Milliseconds left before the next pod may be created (0 when it may be created now). */
export function remainingBackoff(
  r: BackoffRecord,
  now: number,
  t: BackoffTimes = defaultBackoffTimes,
): number {
  if (r.failures <= 0) return 0;
  return Math.max(0, r.lastFailureAt + backoffDelay(r.failures, t) - now);
}

function countedFailure(job: RO<Job>, pod: RO<Pod>): boolean {
  return pod.status?.phase === 'Failed' && matchPodFailurePolicy(job, pod).countFailed;
}

/** The Job-wide record: failed pods that finished after the latest successful one. */
export function jobBackoffRecord(job: RO<Job>, pods: readonly RO<Pod>[]): BackoffRecord {
  let lastSuccess = -Infinity;
  for (const p of pods)
    if (p.status?.phase === 'Succeeded') lastSuccess = Math.max(lastSuccess, finishTime(p));
  const r: BackoffRecord = { failures: 0, lastFailureAt: 0 };
  for (const p of pods) {
    if (!countedFailure(job, p)) continue;
    const at = finishTime(p);
    if (at <= lastSuccess) continue;
    r.failures++;
    r.lastFailureAt = Math.max(r.lastFailureAt, at);
  }
  return r;
}

/**
 * Per-index records (backoffLimitPerIndex): an index's failures are the most any of its pods
 * knows of — the failure count a replacement pod inherits in its annotation, plus one if that pod
 * failed itself — so the count survives the deletion of older pods.
 */
export function indexBackoffRecords(job: RO<Job>, pods: readonly RO<Pod>[]): Map<number, BackoffRecord> {
  const out = new Map<number, BackoffRecord>();
  for (const p of pods) {
    const ix = completionIndexOf(p);
    if (ix === undefined) continue;
    const inherited = Number.parseInt(p.metadata.annotations?.[indexFailureCountAnnotation] ?? '0', 10);
    const failed = countedFailure(job, p);
    const failures = (Number.isFinite(inherited) ? inherited : 0) + (failed ? 1 : 0);
    const r = out.get(ix) ?? { failures: 0, lastFailureAt: 0 };
    r.failures = Math.max(r.failures, failures);
    if (failed) r.lastFailureAt = Math.max(r.lastFailureAt, finishTime(p));
    out.set(ix, r);
  }
  return out;
}
