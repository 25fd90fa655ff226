/**
 * CronJob actions: suspend/resume, and "trigger now", which creates a Job from the CronJob's
 * jobTemplate the way `kubectl create job --from=cronjob/NAME` does: owned by the CronJob (a
 * controller reference, so its history limits and cascading delete cover it) and annotated
 * `cronjob.kubernetes.io/instantiate: manual` so tools can tell it from a scheduled run.
 */
import type { CronJob, Job } from '../api/workload-types.ts';

/** The annotation marking a Job created by hand from a CronJob. */
export const instantiateAnnotation = 'cronjob.kubernetes.io/instantiate';

/** Longest Job name kept: Job names become the `job-name` label value, at most 63 characters. */
const maxJobName = 63;

/** Merge patch setting spec.suspend. */
export function suspendPatch(suspend: boolean): { spec: { suspend: boolean } } {
  return { spec: { suspend } };
}

/** `<cronjob>-manual-<suffix>`, the CronJob part shortened so the whole stays within 63 characters. */
export function manualJobName(cronJobName: string, suffix: string): string {
  const tail = `-manual-${suffix}`;
  return `${cronJobName.slice(0, maxJobName - tail.length).replace(/-+$/, '')}${tail}`;
}

/** A short random lower-case suffix for generated names. */
export function randomSuffix(length = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** The Job to POST for running `cronJob` now under `name`. */
export function manualJob(cronJob: CronJob, name: string): Job {
  const template = cronJob.spec?.jobTemplate ?? {};
  const labels = template.metadata?.labels;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cronJob.metadata.namespace,
      ...(labels ? { labels: { ...labels } } : {}),
      annotations: { ...template.metadata?.annotations, [instantiateAnnotation]: 'manual' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata.name,
          uid: cronJob.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}
