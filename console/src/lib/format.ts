/**
 * How the console shows object state in tables: ages, pod status and readiness, deployment
 * readiness, images. Pure functions of the object (and `now`), so they are tested without a DOM.
 */
import type {
  Condition,
  ContainerStatus,
  Deployment,
  KubeObject,
  Namespace,
  NodeObject,
  Pod,
} from '../api/types.ts';

/** Compact age of `timestamp` at `now`: 45s, 12m, 5h, 3d. An absent or future time shows as 0s / '-'. */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '-';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** The condition of `type`, if present. */
export function condition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * A pod's one-word state, the way a user wants it: Terminating while deleting, else the most telling
 * container reason (CrashLoopBackOff, ContainerCreating, Error, ...), else the phase.
 */
export function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  if (pod.status?.reason) return pod.status.reason;
  const init = firstReason(pod.status?.initContainerStatuses, true);
  if (init) return `Init:${init}`;
  const main = firstReason(pod.status?.containerStatuses, false);
  if (main) return main;
  return pod.status?.phase ?? 'Pending';
}

function firstReason(statuses: ContainerStatus[] | undefined, init: boolean): string | undefined {
  for (const s of statuses ?? []) {
    const waiting = s.state?.waiting?.reason;
    if (waiting && waiting !== '') return waiting;
    const term = s.state?.terminated;
    // A finished init container that succeeded is normal; a main container's exit is worth showing.
    if (term && !(init && term.exitCode === 0)) return term.reason ?? `ExitCode:${term.exitCode ?? '?'}`;
  }
  return undefined;
}

/** `ready/total` containers of a pod. */
export function podReady(pod: Pod): string {
  const total = pod.spec?.containers?.length ?? 0;
  const ready = (pod.status?.containerStatuses ?? []).filter((s) => s.ready).length;
  return `${ready}/${total}`;
}

/** Restarts of all main containers together. */
export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
}

/** Colour family for a status word (antd Tag colours). */
export function statusColor(status: string): 'success' | 'processing' | 'warning' | 'error' | 'default' {
  if (
    [
      'Running',
      'Succeeded',
      'Active',
      'Available',
      'Ready',
      'Completed',
      'Complete',
      'Scheduled',
      'Bound',
    ].includes(status)
  )
    return 'success';
  if (['Pending', 'ContainerCreating', 'Progressing', 'PodInitializing'].includes(status))
    return 'processing';
  if (
    ['Terminating', 'Scaled to zero', 'Paused', 'Suspended', 'Unknown', 'Released'].includes(status) ||
    status.startsWith('Init:')
  )
    return 'warning';
  if (/Err|BackOff|Failed|Error|OOMKilled|Evicted|ExitCode|Unavailable|^Lost$/.test(status)) return 'error';
  return 'default';
}

/** Deployment readiness and a one-word state. */
export interface DeploymentSummary {
  desired: number;
  ready: number;
  upToDate: number;
  available: number;
  state: string;
}

/** Summarizes a Deployment's status for the list. */
export function deploymentSummary(d: Deployment): DeploymentSummary {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const upToDate = s.updatedReplicas ?? 0;
  let state: string;
  if (d.metadata.deletionTimestamp) state = 'Terminating';
  else if (d.spec?.paused) state = 'Paused';
  else if (condition(s.conditions, 'Progressing')?.reason === 'ProgressDeadlineExceeded') state = 'Failed';
  else if (desired === 0 && (s.replicas ?? 0) === 0) state = 'Scaled to zero';
  else if (available >= desired && upToDate >= desired && (s.replicas ?? 0) === desired) state = 'Available';
  else state = 'Progressing';
  return { desired, ready, upToDate, available, state };
}

/** The images of a pod template's containers (or a pod's). */
export function images(obj: KubeObject): string[] {
  const spec = (obj as Pod).spec?.containers ? (obj as Pod).spec : (obj as Deployment).spec?.template?.spec;
  return (spec?.containers ?? []).map((c) => c.image ?? '').filter((i) => i !== '');
}

/** True when the node reports Ready=True. */
export function nodeIsReady(node: NodeObject): boolean {
  return condition(node.status?.conditions, 'Ready')?.status === 'True';
}

/** A namespace's phase: Terminating once deleted, else Active. */
export function namespacePhase(ns: Namespace): string {
  if (ns.status?.phase) return ns.status.phase;
  return ns.metadata.deletionTimestamp ? 'Terminating' : 'Active';
}
