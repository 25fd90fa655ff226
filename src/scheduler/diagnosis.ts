/**
 * The FailedScheduling message, worded as kube-scheduler words it so people and tools that grep
 * for it find what they expect:
 *   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}.
 *   preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2
 *   Preemption is not helpful for scheduling.
 * Each reason is counted over the nodes that gave it ("N reason"), and the entries are sorted as
 * strings. A preFilter refusal names its reason once, uncounted:
 *   0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.
 */
import type { FilterStatus } from './plugins/types.ts';

/** Why a pod fits no node: the status of every node that refused it. */
export interface Diagnosis {
  numAllNodes: number;
  nodeToStatus: Map<string, FilterStatus>;
  /** Set when a preFilter refused the pod: the message replaces the per-node histogram. */
  preFilterMsg?: string;
}

/** "N reason, M reason" over a map of reason → count, sorted as strings. */
export function reasonHistogram(counts: Map<string, number>): string {
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(', ');
}

/** The filter part: "0/N nodes are available: ...". */
export function fitErrorMessage(d: Diagnosis): string {
  const counts = new Map<string, number>();
  for (const s of d.nodeToStatus.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (d.numAllNodes === 0) return 'no nodes available to schedule pods';
  if (d.preFilterMsg) return `0/${d.numAllNodes} nodes are available: ${d.preFilterMsg}.`;
  return `0/${d.numAllNodes} nodes are available: ${reasonHistogram(counts)}.`;
}

/** The whole message: the fit error, then the preemption outcome when there is one. */
export function failedSchedulingMessage(d: Diagnosis, preemption?: string): string {
  const fit = fitErrorMessage(d);
  return preemption ? `${fit} preemption: ${preemption}` : fit;
}

export const noVictimsReason = 'No preemption victims found for incoming pod';
export const preemptionNotHelpfulReason = 'Preemption is not helpful for scheduling';

/** The preemption part when no node could be freed up: "0/N nodes are available: ...". */
export function preemptionFailureMessage(d: Diagnosis, noVictims: number, notHelpful: number): string {
  const counts = new Map<string, number>();
  if (noVictims) counts.set(noVictimsReason, noVictims);
  if (notHelpful) counts.set(preemptionNotHelpfulReason, notHelpful);
  return `0/${d.numAllNodes} nodes are available: ${reasonHistogram(counts)}.`;
}
