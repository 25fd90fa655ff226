/**
 * The taints a Node's conditions call for, as Kubernetes' node lifecycle controller keeps them:
 *  - NoSchedule (TaintNodesByCondition): Ready False → not-ready, Ready Unknown → unreachable,
 *    MemoryPressure / DiskPressure / PIDPressure / NetworkUnavailable True → the matching pressure
 *    taint, spec.unschedulable → unschedulable. The scheduler then keeps new pods away.
 *  - NoExecute (taint-based eviction): Ready False → not-ready, Ready Unknown → unreachable, unless
 *    eviction is paused (every node down: more likely the control plane is cut off than all nodes
 *    dead). The taint eviction controller removes pods that do not tolerate them.
 * The controller owns exactly these key/effect pairs: it adds the missing ones (NoExecute ones with
 * timeAdded, which tolerationSeconds count from), removes the ones no longer called for, and leaves
 * every other taint — and the timeAdded of taints it keeps — untouched.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { findCondition } from './conditions.ts';
import {
  taintDiskPressure,
  taintMemoryPressure,
  taintNetworkUnavailable,
  taintNotReady,
  taintPIDPressure,
  taintUnreachable,
  taintUnschedulable,
  timestamp,
  type Node,
  type Taint,
} from './types.ts';

const pressureTaints: [condition: string, key: string][] = [
  ['MemoryPressure', taintMemoryPressure],
  ['DiskPressure', taintDiskPressure],
  ['PIDPressure', taintPIDPressure],
  ['NetworkUnavailable', taintNetworkUnavailable],
];

/** `key:effect` of every taint this controller manages. */
const managed = new Set([
  `${taintNotReady}:NoSchedule`,
  `${taintUnreachable}:NoSchedule`,
  `${taintNotReady}:NoExecute`,
  `${taintUnreachable}:NoExecute`,
  `${taintUnschedulable}:NoSchedule`,
  ...pressureTaints.map(([, key]) => `${key}:NoSchedule`),
]);

const id = (t: { key: string; effect: string }): string => `${t.key}:${t.effect}`;

/** True when the controller owns taints of this key and effect. */
export function isManagedTaint(t: DeepReadonly<Taint>): boolean {
  return managed.has(id(t));
}

/** The managed taints (key and effect) `node` should carry now. */
export function wantedTaints(node: DeepReadonly<Node>, evictionPaused: boolean): Taint[] {
  const conditions = node.status?.conditions;
  const out: Taint[] = [];
  const ready = findCondition(conditions, 'Ready')?.status;
  const readyKey = ready === 'False' ? taintNotReady : ready === 'Unknown' ? taintUnreachable : undefined;
  if (readyKey) out.push({ key: readyKey, effect: 'NoSchedule' });
  for (const [type, key] of pressureTaints)
    if (findCondition(conditions, type)?.status === 'True') out.push({ key, effect: 'NoSchedule' });
  if (node.spec?.unschedulable === true) out.push({ key: taintUnschedulable, effect: 'NoSchedule' });
  if (readyKey && !evictionPaused) out.push({ key: readyKey, effect: 'NoExecute' });
  return out;
}

/**
 * The node's taint list with the managed ones brought in line with `wanted`, or undefined when it
 * is already right. Taints kept keep their value and timeAdded; new NoExecute ones get `now`.
 */
export function reconcileTaints(
  current: readonly DeepReadonly<Taint>[] | undefined,
  wanted: readonly Taint[],
  now: number,
): Taint[] | undefined {
  const want = new Set(wanted.map(id));
  const have = new Set((current ?? []).map(id));
  const kept = (current ?? []).filter((t) => !isManagedTaint(t) || want.has(id(t)));
  const added = wanted
    .filter((t) => !have.has(id(t)))
    .map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: timestamp(now) } : { ...t }));
  if (added.length === 0 && kept.length === (current ?? []).length) return undefined;
  return [...kept.map((t) => ({ ...t }) as Taint), ...added];
}
