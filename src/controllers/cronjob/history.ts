/**
 * Finished-Job history: keep the newest successfulJobsHistoryLimit succeeded and
 * failedJobsHistoryLimit failed Jobs of a CronJob, delete the rest, oldest first. Age is the Job's
 * status.startTime (a Job that never started counts as newest), then creationTimestamp, then name.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { finishedCondition } from './job-state.ts';
import type { Job } from './types.ts';

type RO<T> = DeepReadonly<T>;

function olderFirst(a: RO<Job>, b: RO<Job>): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (sa !== sb) {
    if (sa === undefined) return 1;
    if (sb === undefined) return -1;
    const d = Date.parse(sa) - Date.parse(sb);
    if (d !== 0) return d;
  }
  const ca = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const cb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ca !== cb) return ca - cb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

function oldest(jobs: RO<Job>[], keep: number | undefined): RO<Job>[] {
  if (keep == null || jobs.length <= keep) return [];
  return [...jobs].sort(olderFirst).slice(0, jobs.length - keep);
}

/** The finished Jobs beyond the history limits (an absent limit keeps everything), oldest first. */
export function jobsToPrune(
  jobs: readonly RO<Job>[],
  successfulLimit: number | undefined,
  failedLimit: number | undefined,
): RO<Job>[] {
  const live = jobs.filter((j) => !j.metadata.deletionTimestamp);
  return [
    ...oldest(
      live.filter((j) => finishedCondition(j) === 'Complete'),
      successfulLimit,
    ),
    ...oldest(
      live.filter((j) => finishedCondition(j) === 'Failed'),
      failedLimit,
    ),
  ];
}
