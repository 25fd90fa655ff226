/**
 * The `kubectl get pods` row: READY counts, the STATUS kubectl users know (Init:0/1, CrashLoopBackOff,
 * Completed, Terminating, …) and RESTARTS with the time of the last restart, worked out from the pod's
 * status the same way Kubernetes' server-side printer does.
 */
import type { KubeObject } from '../../object.ts';
import { humanDuration } from '../../table/duration.ts';
import type { Column } from '../types.ts';
import { ageColumn, col, field, items, specOf, statusOf, str, type Obj } from './util.ts';

/** What the pod row shows, computed once for all columns. */
export interface PodSummary {
  ready: string;
  status: string;
  restarts: number;
  /** Epoch ms of the most recent restart that counts, if known. */
  lastRestart?: number;
}

const time = (v: unknown): number | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : t;
};
const later = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);
const lastFinished = (cs: Obj): number | undefined =>
  time(field(field(cs, 'lastState'), 'terminated').finishedAt);
const conditionTrue = (status: Obj, type: string): boolean =>
  items(status.conditions).some((c) => c.type === type && c.status === 'True');

/** Works out READY, STATUS and RESTARTS for a pod. */
export function summarizePod(pod: KubeObject): PodSummary {
  const spec = specOf(pod);
  const status = statusOf(pod);
  const initSpecs = new Map(items(spec.initContainers).map((c) => [str(c.name), c]));
  const sidecar = (name: string): boolean => initSpecs.get(name)?.restartPolicy === 'Always';
  let total =
    items(spec.containers).length +
    [...initSpecs.values()].filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let reason = str(status.reason) || str(status.phase);
  if (items(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  let restarts = 0;
  let lastRestart: number | undefined;
  let sidecarRestarts = 0;
  let sidecarLastRestart: number | undefined;
  let initializing = false;
  const initStatuses = items(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const name = str(cs.name);
    const count = Number(cs.restartCount ?? 0);
    restarts += count;
    lastRestart = later(lastRestart, lastFinished(cs));
    if (sidecar(name)) {
      sidecarRestarts += count;
      sidecarLastRestart = later(sidecarLastRestart, lastFinished(cs));
    }
    const state = field(cs, 'state');
    const terminated = isTerminated(state) ? field(state, 'terminated') : undefined;
    const waiting = field(state, 'waiting');
    if (terminated && Number(terminated.exitCode ?? 0) === 0) continue;
    if (sidecar(name) && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason)) reason = `Init:${str(terminated.reason)}`;
      else if (Number(terminated.signal ?? 0) !== 0) reason = `Init:Signal:${Number(terminated.signal)}`;
      else reason = `Init:ExitCode:${Number(terminated.exitCode ?? 0)}`;
    } else if (str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = items(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += Number(cs.restartCount ?? 0);
      lastRestart = later(lastRestart, lastFinished(cs));
      const state = field(cs, 'state');
      const waiting = field(state, 'waiting');
      const terminated = field(state, 'terminated');
      if (str(waiting.reason)) reason = str(waiting.reason);
      else if (isTerminated(state) && str(terminated.reason)) reason = str(terminated.reason);
      else if (isTerminated(state))
        reason =
          Number(terminated.signal ?? 0) !== 0
            ? `Signal:${Number(terminated.signal)}`
            : `ExitCode:${Number(terminated.exitCode ?? 0)}`;
      else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning)
      reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const phase = str(status.phase);
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed')
    reason = 'Terminating';
  total = Math.max(total, 0);
  return { ready: `${ready}/${total}`, status: reason, restarts, lastRestart };
}

function isTerminated(state: Obj): boolean {
  return state.terminated !== undefined && state.terminated !== null;
}

/** RESTARTS as kubectl shows it: "3" or "3 (5m ago)". */
export function formatRestarts(s: PodSummary, now: number): string {
  if (s.restarts !== 0 && s.lastRestart !== undefined)
    return `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)`;
  return String(s.restarts);
}

function readinessGates(pod: KubeObject): string {
  const gates = items(specOf(pod).readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = items(statusOf(pod).conditions);
  const ok = gates.filter(
    (g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True',
  ).length;
  return `${ok}/${gates.length}`;
}

/** Pod columns after NAME: READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES. */
export const podColumns: Column[] = [
  col('Ready', 'Ready containers out of all containers.', (o) => summarizePod(o).ready),
  col('Status', 'Aggregated status of the pod.', (o) => summarizePod(o).status),
  col('Restarts', 'Container restarts, with the time of the last one.', (o, now) =>
    formatRestarts(summarizePod(o), now),
  ),
  ageColumn,
  col(
    'IP',
    'IP address of the pod.',
    (o) => str(items(statusOf(o).podIPs)[0]?.ip) || str(statusOf(o).podIP) || '<none>',
    1,
  ),
  col('Node', 'Node the pod is bound to.', (o) => str(specOf(o).nodeName) || '<none>', 1),
  col(
    'Nominated Node',
    'Node nominated for the pod by preemption.',
    (o) => str(statusOf(o).nominatedNodeName) || '<none>',
    1,
  ),
  col('Readiness Gates', 'Readiness gates that are satisfied.', readinessGates, 1),
];
