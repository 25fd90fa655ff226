/**
 * Pods on a node that is not Ready are not ready either, whatever their last report said: their
 * Ready condition is set to False (so Services stop sending them traffic and workloads count them
 * unavailable) and each gets a NodeNotReady event — the kubelet, if it comes back, reports afresh.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import type { EventRecorder } from '../../client/events.ts';
import { isConflict, isNotFound } from '../../client/status.ts';
import { timestamp, type Pod } from './types.ts';

/** True when the pod's Ready condition says True. */
export function podReady(p: DeepReadonly<Pod>): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Sets Ready=False on each pod of the list that still says True; returns how many were written.
 * A pod that changed or went away meanwhile is skipped (the next pass sees its new state).
 */
export async function markPodsNotReady(
  pods: readonly DeepReadonly<Pod>[],
  o: { pods: ResourceClient<Pod>; recorder: EventRecorder; now: number },
): Promise<number> {
  let written = 0;
  for (const pod of pods) {
    if (!podReady(pod)) continue;
    const next = structuredClone(pod) as Pod;
    for (const c of next.status?.conditions ?? []) {
      if (c.type !== 'Ready') continue;
      c.status = 'False';
      c.lastTransitionTime = timestamp(o.now);
    }
    try {
      await o.pods.updateStatus(pod.metadata.namespace, next);
      written++;
      o.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
  return written;
}
