/**
 * Deployment status and conditions. Counters are sums over the ReplicaSets (updatedReplicas is the
 * new ReplicaSet's pods). Available says whether at least desired − maxUnavailable pods are
 * available. Progressing tracks the rollout against progressDeadlineSeconds: NewReplicaSetCreated /
 * FoundNewReplicaSet / ReplicaSetUpdated while it moves (each move refreshes lastUpdateTime),
 * NewReplicaSetAvailable when complete, ProgressDeadlineExceeded when no move happened for the
 * deadline. `kubectl rollout status` reads exactly these fields.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Deployment, DeploymentStatus, ReplicaSet, WorkloadCondition } from '../replicaset/types.ts';
import { availableReplicas, desiredOf, maxUnavailable, specReplicas } from './rolling.ts';

type RO<T> = DeepReadonly<T>;

/** progressDeadlineSeconds at this value means "no deadline". */
const noDeadline = 2147483647;

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function hasProgressDeadline(d: RO<Deployment>): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== noDeadline;
}

export function getCondition(
  s: RO<DeploymentStatus> | undefined,
  type: string,
): RO<WorkloadCondition> | undefined {
  return s?.conditions?.find((c) => c.type === type);
}

export function newCondition(
  type: string,
  status: WorkloadCondition['status'],
  reason: string,
  message: string,
  now: number,
): WorkloadCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/**
 * Sets `c` on the status. The same status and reason as before leaves the old condition as is; a
 * new reason with the same status keeps the old lastTransitionTime.
 */
export function setCondition(s: DeploymentStatus, c: WorkloadCondition): void {
  const conds = (s.conditions ??= []);
  const i = conds.findIndex((x) => x.type === c.type);
  const old = conds[i];
  if (old && old.status === c.status && old.reason === c.reason) return;
  if (old && old.status === c.status) c.lastTransitionTime = old.lastTransitionTime;
  if (i >= 0) conds[i] = c;
  else conds.push(c);
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  if (!s.conditions) return;
  s.conditions = s.conditions.filter((c) => c.type !== type);
  if (s.conditions.length === 0) delete s.conditions;
}

/** The status implied by the ReplicaSets, with the Available condition updated. */
export function calculateStatus(
  all: readonly RO<ReplicaSet>[],
  newRS: RO<ReplicaSet> | undefined,
  d: RO<Deployment>,
  now: number,
): DeploymentStatus {
  const available = availableReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: all.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(all) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length)
    status.conditions = structuredClone(d.status.conditions) as WorkloadCondition[];
  if (available >= desiredOf(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition(
        'Available',
        'True',
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** Every pod is updated and available and the latest spec was observed. */
export function deploymentComplete(d: RO<Deployment>, s: RO<DeploymentStatus>): boolean {
  const want = desiredOf(d);
  return (
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** The rollout moved since the last recorded status: more updated/ready/available, or fewer old pods. */
export function deploymentProgressing(d: RO<Deployment>, s: RO<DeploymentStatus>): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0)
  );
}

/** Milliseconds until the Progressing condition in `s` runs past the deadline (≤ 0: already past); undefined when not applicable. */
export function msUntilDeadline(d: RO<Deployment>, s: RO<DeploymentStatus>, now: number): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === 'NewReplicaSetAvailable' || c.reason === 'ProgressDeadlineExceeded')
    return undefined;
  if (c.reason === 'DeploymentPaused') return undefined;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now;
}

/** Progress or completion (or the lack of it) folded into the Progressing condition of `s`. */
export function updateProgressing(
  d: RO<Deployment>,
  s: DeploymentStatus,
  newRS: RO<ReplicaSet> | undefined,
  now: number,
): void {
  if (!hasProgressDeadline(d)) {
    removeCondition(s, 'Progressing');
    return;
  }
  const current = getCondition(d.status, 'Progressing');
  const done = s.replicas === s.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  if (done) return;
  const rsName = newRS?.metadata.name;
  if (deploymentComplete(d, s)) {
    const msg = rsName
      ? `ReplicaSet "${rsName}" has successfully progressed.`
      : 'Deployment has successfully progressed.';
    setCondition(s, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', msg, now));
  } else if (deploymentProgressing(d, s)) {
    const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.';
    const c = newCondition('Progressing', 'True', 'ReplicaSetUpdated', msg, now);
    // Progress refreshes lastUpdateTime even when the reason stays the same.
    if (current?.status === 'True' && current.lastTransitionTime)
      c.lastTransitionTime = current.lastTransitionTime;
    removeCondition(s, 'Progressing');
    setCondition(s, c);
  } else if ((msUntilDeadline(d, s, now) ?? 1) < 0) {
    const msg = rsName
      ? `ReplicaSet "${rsName}" has timed out progressing.`
      : `Deployment "${d.metadata.name}" has timed out progressing.`;
    setCondition(s, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', msg, now));
  }
}

/** Mirrors a ReplicaSet's ReplicaFailure (e.g. quota) onto the Deployment, or clears it. */
export function updateReplicaFailure(s: DeploymentStatus, all: readonly RO<ReplicaSet>[], now: number): void {
  const failing = all
    .map((rs) => rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True'))
    .find(Boolean);
  if (failing)
    setCondition(
      s,
      newCondition('ReplicaFailure', 'True', failing.reason ?? 'FailedCreate', failing.message ?? '', now),
    );
  else removeCondition(s, 'ReplicaFailure');
}

/** True when the two statuses say the same thing (the write can be skipped). */
export function sameStatus(a: RO<DeploymentStatus> | undefined, b: DeploymentStatus): boolean {
  const norm = (s: RO<DeploymentStatus> | undefined): string =>
    JSON.stringify([
      s?.observedGeneration ?? 0,
      s?.replicas ?? 0,
      s?.updatedReplicas ?? 0,
      s?.readyReplicas ?? 0,
      s?.availableReplicas ?? 0,
      s?.unavailableReplicas ?? 0,
      s?.collisionCount ?? null,
      s?.conditions ?? [],
    ]);
  return norm(a) === norm(b);
}
