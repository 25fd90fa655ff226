/**
 * The Job a CronJob creates for one scheduled time: named `<cronjob>-<minutes since the epoch>` (so
 * a second attempt at the same run collides instead of duplicating), the job template's labels and
 * annotations plus the scheduled time (in the CronJob's zone) under
 * `batch.kubernetes.io/cronjob-scheduled-timestamp`, and a controller reference to the CronJob.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { newControllerRef } from '../replicaset/controller-ref.ts';
import { jobNameFor } from './times.ts';
import type { CronJob, Job, JobReference } from './types.ts';
import { formatInZone, type Zone } from './zone.ts';

/** Records which scheduled time a Job was created for. */
export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** The Job for the run of `cj` scheduled at `scheduledMs`. */
export function jobFromTemplate(cj: DeepReadonly<CronJob>, scheduledMs: number, zone: Zone): Job {
  const template = structuredClone(cj.spec.jobTemplate) as CronJob['spec']['jobTemplate'];
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata.name ?? '', scheduledMs),
      namespace: cj.metadata.namespace,
      labels: { ...meta.labels },
      annotations: { ...meta.annotations, [scheduledTimestampAnnotation]: formatInZone(scheduledMs, zone) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: template.spec ?? {},
  };
}

/** The status.active entry for `job`. */
export function jobReference(job: DeepReadonly<Job>): JobReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}

/**
 * The scheduled time of a Job this controller created for CronJob `cronJobName` (its name has the
 * `<cronjob>-<minutes>` form and it carries the annotation), or undefined for any other Job.
 */
export function scheduledTimeOf(job: DeepReadonly<Job>, cronJobName: string): number | undefined {
  const stamp = job.metadata.annotations?.[scheduledTimestampAnnotation];
  const name = job.metadata.name ?? '';
  if (stamp === undefined || !name.startsWith(`${cronJobName}-`)) return undefined;
  if (!/^\d+$/.test(name.slice(cronJobName.length + 1))) return undefined;
  const t = Date.parse(stamp);
  return Number.isNaN(t) ? undefined : t;
}
