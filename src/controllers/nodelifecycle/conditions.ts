/**
 * What the node lifecycle controller writes into a silent Node's status: the conditions a kubelet
 * owns (Ready and the three pressures) become Unknown, so nobody mistakes an old report for a
 * current one. Pure functions over condition lists, for the controller and its tests.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { timestamp, type NodeCondition } from './types.ts';

/** The conditions a silent kubelet can no longer vouch for, in the order kubelets write them. */
export const kubeletConditions = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'] as const;

export const reasonNodeStatusUnknown = 'NodeStatusUnknown';
export const messageNodeStatusUnknown = 'Kubelet stopped posting node status.';
export const reasonNodeStatusNeverUpdated = 'NodeStatusNeverUpdated';
export const messageNodeStatusNeverUpdated = 'Kubelet never posted node status.';

/** The condition of `type`, if the list has one. */
export function findCondition(
  conditions: readonly DeepReadonly<NodeCondition>[] | undefined,
  type: string,
): DeepReadonly<NodeCondition> | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The Ready status the list states: 'True', 'False', 'Unknown', or undefined when there is none. */
export function readyStatus(
  conditions: readonly DeepReadonly<NodeCondition>[] | undefined,
): string | undefined {
  return findCondition(conditions, 'Ready')?.status;
}

/**
 * The conditions with every kubelet-owned one set to Unknown: existing ones keep their heartbeat
 * time (it says when the kubelet last spoke) and get a new transition time; missing ones are added
 * saying the kubelet never posted, with `createdAt` as their heartbeat. `changed` is false when
 * they were all Unknown already.
 */
export function markConditionsUnknown(
  conditions: readonly DeepReadonly<NodeCondition>[] | undefined,
  now: number,
  createdAt: string | undefined,
): { conditions: NodeCondition[]; changed: boolean } {
  const out = (conditions ?? []).map((c) => ({ ...c }) as NodeCondition);
  const at = timestamp(now);
  let changed = false;
  for (const type of kubeletConditions) {
    const cur = out.find((c) => c.type === type);
    if (!cur) {
      out.push({
        type,
        status: 'Unknown',
        reason: reasonNodeStatusNeverUpdated,
        message: messageNodeStatusNeverUpdated,
        lastHeartbeatTime: createdAt ?? at,
        lastTransitionTime: at,
      });
      changed = true;
    } else if (cur.status !== 'Unknown') {
      cur.status = 'Unknown';
      cur.reason = reasonNodeStatusUnknown;
      cur.message = messageNodeStatusUnknown;
      cur.lastTransitionTime = at;
      changed = true;
    }
  }
  return { conditions: out, changed };
}
