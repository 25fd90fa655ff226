/**
 * One-line state of StatefulSets, DaemonSets, Jobs and CronJobs for lists and detail headers: a
 * status word (the words statusColor knows), ready or completion counts. Pure functions of the
 * object (and `now` where time matters), tested without a DOM.
 */
import type { Condition, Deployment, KubeObject } from '../api/types.ts';
import type { CronJob, DaemonSet, Job, StatefulSet } from '../api/workload-types.ts';
import { age, condition, deploymentSummary } from './format.ts';

/** Counts and a state word for a replicated workload. */
export interface ReplicaSummary {
  desired: number;
  ready: number;
  upToDate: number;
  available: number;
  state: string;
}

const isTrue = (cs: Condition[] | undefined, type: string) => condition(cs, type)?.status === 'True';

/** StatefulSet readiness: Available once every desired replica is ready and updated. */
export function statefulSetSummary(s: StatefulSet): ReplicaSummary {
  const desired = s.spec?.replicas ?? 1;
  const st = s.status ?? {};
  const ready = st.readyReplicas ?? 0;
  const upToDate = st.updatedReplicas ?? 0;
  const available = st.availableReplicas ?? ready;
  let state: string;
  if (s.metadata.deletionTimestamp) state = 'Terminating';
  else if (desired === 0 && (st.replicas ?? 0) === 0) state = 'Scaled to zero';
  else if (ready >= desired && upToDate >= desired && (st.replicas ?? 0) === desired) state = 'Available';
  else state = 'Progressing';
  return { desired, ready, upToDate, available, state };
}

/** DaemonSet readiness over the nodes it should run on. */
export function daemonSetSummary(d: DaemonSet): ReplicaSummary {
  const st = d.status ?? {};
  const desired = st.desiredNumberScheduled ?? 0;
  const ready = st.numberReady ?? 0;
  const upToDate = st.updatedNumberScheduled ?? 0;
  const available = st.numberAvailable ?? 0;
  let state: string;
  if (d.metadata.deletionTimestamp) state = 'Terminating';
  else if (ready >= desired && upToDate >= desired && available >= desired) state = 'Available';
  else state = 'Progressing';
  return { desired, ready, upToDate, available, state };
}

/** A Job's state, completions (`succeeded/wanted`) and how long it ran. */
export interface JobSummary {
  state: string;
  completions: string;
  duration: string;
}

/** Job state: Complete / Failed from its conditions, else Suspended, Running or Pending. */
export function jobSummary(j: Job, now: number): JobSummary {
  const st = j.status ?? {};
  const cs = st.conditions;
  let state: string;
  if (j.metadata.deletionTimestamp) state = 'Terminating';
  else if (isTrue(cs, 'Complete')) state = 'Complete';
  else if (isTrue(cs, 'Failed')) state = 'Failed';
  else if (j.spec?.suspend) state = 'Suspended';
  else if ((st.active ?? 0) > 0) state = 'Running';
  else state = 'Pending';
  const wanted = j.spec?.completions ?? 1;
  let duration = '-';
  if (st.startTime) {
    const end = st.completionTime ? Date.parse(st.completionTime) : now;
    duration = age(st.startTime, end);
  }
  return { state, completions: `${st.succeeded ?? 0}/${wanted}`, duration };
}

/** A CronJob's state, active Job count and when it last ran. */
export interface CronJobSummary {
  state: string;
  schedule: string;
  active: number;
  lastSchedule: string;
}

/** CronJob state: Suspended, Active (a Job is running), else Scheduled. */
export function cronJobSummary(c: CronJob, now: number): CronJobSummary {
  const active = c.status?.active?.length ?? 0;
  let state: string;
  if (c.metadata.deletionTimestamp) state = 'Terminating';
  else if (c.spec?.suspend) state = 'Suspended';
  else if (active > 0) state = 'Active';
  else state = 'Scheduled';
  const tz = c.spec?.timeZone ? ` (${c.spec.timeZone})` : '';
  return {
    state,
    schedule: `${c.spec?.schedule ?? ''}${tz}`,
    active,
    lastSchedule: c.status?.lastScheduleTime ? age(c.status.lastScheduleTime, now) : '-',
  };
}

/** The workload kinds with a detail page, by resource name. */
export const workloadResources = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'] as const;
export type WorkloadResource = (typeof workloadResources)[number];

/** A detail header's state word and its count line (`ready/desired`, completions, schedule). */
export function workloadStatus(
  resource: WorkloadResource,
  obj: KubeObject,
  now: number,
): { state: string; counts: string } {
  switch (resource) {
    case 'deployments': {
      const s = deploymentSummary(obj as Deployment);
      return { state: s.state, counts: `${s.ready}/${s.desired}` };
    }
    case 'statefulsets': {
      const s = statefulSetSummary(obj as StatefulSet);
      return { state: s.state, counts: `${s.ready}/${s.desired}` };
    }
    case 'daemonsets': {
      const s = daemonSetSummary(obj as DaemonSet);
      return { state: s.state, counts: `${s.ready}/${s.desired}` };
    }
    case 'jobs': {
      const s = jobSummary(obj as Job, now);
      return { state: s.state, counts: s.completions };
    }
    case 'cronjobs': {
      const s = cronJobSummary(obj as CronJob, now);
      return { state: s.state, counts: s.schedule };
    }
  }
}
