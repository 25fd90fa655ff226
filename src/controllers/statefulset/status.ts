/**
 * StatefulSet status from its pods: replicas (pods that exist), readyReplicas (Running and Ready,
 * not terminating), availableReplicas (ready for minReadySeconds), currentReplicas / updatedReplicas
 * (live pods at the current / update revision), the two revision names, collisionCount and
 * observedGeneration. A RollingUpdate whose every pod is updated and ready is complete: the update
 * revision becomes the current one.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isPodAvailable, isPodReady } from '../replicaset/pod-state.ts';
import { podRevision } from './identity.ts';
import type { SetRevisions } from './revisions.ts';
import type { Pod, StatefulSet, StatefulSetStatus } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** Being deleted. */
export function isTerminating(pod: RO<Pod>): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

/** phase Running with a True Ready condition. */
export function isRunningAndReady(pod: RO<Pod>): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Running, Ready for minReadySeconds, and not being deleted: the pod counts as up. */
export function isHealthy(pod: RO<Pod>, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === 'Running' && !isTerminating(pod) && isPodAvailable(pod, minReadySeconds, now);
}

/** Succeeded or Failed: its containers are done and the pod must be replaced. */
export function isFinished(pod: RO<Pod>): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

/** The status `set` should report for its claimed `pods` and `revs`. */
export function computeStatus(
  set: RO<StatefulSet>,
  pods: readonly RO<Pod>[],
  revs: SetRevisions,
  now: number,
): StatefulSetStatus {
  const minReady = set.spec.minReadySeconds ?? 0;
  const currentName = revs.current.metadata.name ?? '';
  const updateName = revs.update.metadata.name ?? '';
  const s: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: currentName,
    updateRevision: updateName,
    collisionCount: revs.collisionCount,
  };
  for (const p of pods) {
    s.replicas++;
    if (isTerminating(p)) continue;
    if (isRunningAndReady(p)) {
      s.readyReplicas!++;
      if (isPodAvailable(p, minReady, now)) s.availableReplicas!++;
    }
    const rev = podRevision(p);
    if (rev === currentName) s.currentReplicas!++;
    if (rev === updateName) s.updatedReplicas!++;
  }
  const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && s.updatedReplicas === s.replicas && s.readyReplicas === s.replicas) {
    s.currentRevision = updateName;
    s.currentReplicas = s.updatedReplicas;
  }
  if (set.status?.conditions?.length)
    s.conditions = structuredClone(set.status.conditions) as StatefulSetStatus['conditions'];
  return s;
}

/** True when the two statuses say the same thing (the write can be skipped). */
export function sameStatus(a: RO<StatefulSetStatus> | undefined, b: StatefulSetStatus): boolean {
  if (!a) return false;
  const keys = [
    'observedGeneration',
    'replicas',
    'readyReplicas',
    'currentReplicas',
    'updatedReplicas',
    'availableReplicas',
    'currentRevision',
    'updateRevision',
    'collisionCount',
  ] as const;
  return keys.every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}
