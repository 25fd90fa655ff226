/**
 * Reading a Job's outcome from its standard conditions: Complete=True or Failed=True means finished
 * (Kubernetes' IsJobFinished). The CronJob controller depends on nothing else of the Job controller.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Job } from './types.ts';

/** `Complete` or `Failed` when the Job has finished, else undefined. */
export function finishedCondition(job: DeepReadonly<Job>): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? [])
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

/** When a succeeded Job completed (status.completionTime, else its Complete condition), or undefined. */
export function completedAt(job: DeepReadonly<Job>): number | undefined {
  if (finishedCondition(job) !== 'Complete') return undefined;
  const cond = job.status?.conditions?.find((c) => c.type === 'Complete' && c.status === 'True');
  const t = Date.parse(job.status?.completionTime ?? cond?.lastTransitionTime ?? '');
  return Number.isNaN(t) ? undefined : t;
}
