/**
 * ReplicaSet status from the pods it owns: replicas (active pods), fullyLabeledReplicas (pods
 * carrying every template label), readyReplicas, availableReplicas (Ready for minReadySeconds),
 * observedGeneration, and the ReplicaFailure condition, which is set while creating or deleting
 * pods fails (e.g. a quota rejects creates) and removed once a sync manages replicas cleanly.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isPodAvailable, isPodReady } from './pod-state.ts';
import type { Pod, ReplicaSet, ReplicaSetStatus, WorkloadCondition } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Why replicas could not be managed in the last sync; undefined when they could. */
export interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The status `rs` should have given its claimed active `pods`. */
export function calculateReplicaSetStatus(
  rs: RO<ReplicaSet>,
  pods: readonly RO<Pod>[],
  failure: ManageFailure | undefined,
  now: number,
): ReplicaSetStatus {
  const templateLabels = rs.spec.template?.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  const others = (rs.status?.conditions ?? [])
    .filter((c) => c.type !== 'ReplicaFailure')
    .map((c) => structuredClone(c) as WorkloadCondition);
  const prev = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (failure) {
    const keep =
      prev && prev.status === 'True' && prev.reason === failure.reason && prev.message === failure.message;
    const cond: WorkloadCondition = keep
      ? (structuredClone(prev) as WorkloadCondition)
      : {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: rfc3339(now),
          reason: failure.reason,
          message: failure.message,
        };
    others.push(cond);
  }
  if (others.length) status.conditions = others;
  return status;
}

/** True when the two statuses say the same thing (the write can be skipped). */
export function sameReplicaSetStatus(a: RO<ReplicaSetStatus> | undefined, b: ReplicaSetStatus): boolean {
  if (!a) return false;
  return (
    a.replicas === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === b.fullyLabeledReplicas &&
    (a.readyReplicas ?? 0) === b.readyReplicas &&
    (a.availableReplicas ?? 0) === b.availableReplicas &&
    (a.observedGeneration ?? 0) === b.observedGeneration &&
    JSON.stringify(a.conditions ?? []) === JSON.stringify(b.conditions ?? [])
  );
}
