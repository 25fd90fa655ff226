/**
 * What the workload controllers ask of a pod: is it still counted (active), is it Ready, and has it
 * been Ready for minReadySeconds (available). Without a kubelet the Ready condition is whatever the
 * pod's status says; that is the only signal used, as in Kubernetes.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Pod, PodCondition } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** An active pod still counts toward replicas: not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: RO<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** The pod's Ready condition, if it reports one. */
export function readyCondition(pod: RO<Pod>): RO<PodCondition> | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** True when the Ready condition is True. */
export function isPodReady(pod: RO<Pod>): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Milliseconds since epoch when the pod became Ready (undefined if not Ready or no time recorded). */
export function readySince(pod: RO<Pod>): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Available: Ready, and Ready for at least minReadySeconds by `now`. With minReadySeconds 0 every
 * Ready pod is available at once (even without a transition time).
 */
export function isPodAvailable(pod: RO<Pod>, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = readySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** Sum of container restarts, used to rank pods for deletion. */
export function restartCount(pod: RO<Pod>): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}
