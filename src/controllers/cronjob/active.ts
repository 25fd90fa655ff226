/**
 * Bringing status.active and lastSuccessfulTime in line with the Jobs a CronJob controls: finished
 * Jobs leave the active list (SawCompletedJob), the newest completion becomes lastSuccessfulTime,
 * and an unfinished Job this controller created but did not record (it crashed, or its status write
 * lost a race) is put back — so Forbid and Replace still see it. Other unfinished Jobs that point at
 * the CronJob (e.g. `kubectl create job --from=cronjob/...`) are reported, not adopted, as in
 * Kubernetes. Pure: the caller records the events and confirms `unseen` references with the API.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { EventType } from '../../client/events.ts';
import { jobReference, scheduledTimeOf } from './job-template.ts';
import { completedAt, finishedCondition } from './job-state.ts';
import { rfc3339 } from './times.ts';
import type { CronJobStatus, Job, JobReference } from './types.ts';

export interface CronJobEvent {
  type: EventType;
  reason: string;
  message: string;
}

export interface ActiveSync {
  events: CronJobEvent[];
  /** Active references whose Job is not among `jobs` (maybe gone, maybe not cached yet). */
  unseen: JobReference[];
}

const later = (a: string | undefined, b: number): string =>
  a !== undefined && Date.parse(a) >= b ? a : rfc3339(b);

/** Updates `status` (a private copy) from the CronJob's `jobs`; see the file comment. */
export function syncActive(
  status: CronJobStatus,
  jobs: readonly DeepReadonly<Job>[],
  cronJobName: string,
): ActiveSync {
  const events: CronJobEvent[] = [];
  let active = status.active ?? [];
  for (const job of jobs) {
    const name = job.metadata.name ?? '';
    const recorded = active.some((r) => r.uid === job.metadata.uid);
    const finished = finishedCondition(job);
    if (!recorded && !finished && !job.metadata.deletionTimestamp) {
      const scheduled = scheduledTimeOf(job, cronJobName);
      if (scheduled !== undefined) {
        active = [...active, jobReference(job)];
        status.lastScheduleTime = later(status.lastScheduleTime, scheduled);
      } else {
        events.push({
          type: 'Warning',
          reason: 'UnexpectedJob',
          message: `Saw a job that the controller did not create or forgot: ${name}`,
        });
      }
    } else if (recorded && finished) {
      active = active.filter((r) => r.uid !== job.metadata.uid);
      events.push({
        type: 'Normal',
        reason: 'SawCompletedJob',
        message: `Saw completed job: ${name}, condition: ${finished}`,
      });
    }
    const done = completedAt(job);
    if (done !== undefined) status.lastSuccessfulTime = later(status.lastSuccessfulTime, done);
  }
  const uids = new Set(jobs.map((j) => j.metadata.uid));
  const unseen = active.filter((r) => !uids.has(r.uid));
  if (active.length > 0) status.active = active;
  else delete status.active;
  return { events, unseen };
}
