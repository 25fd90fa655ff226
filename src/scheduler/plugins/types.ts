/**
 * The scheduling framework's plugin shapes. A cycle runs every plugin's optional `preFilter` once
 * (to precompute what filters need, kept in `CycleState`, or to refuse the pod on every node at
 * once), then `filter` per node, then `score` per feasible node. A filter answers undefined for
 * "fits" or a FilterStatus naming the reasons in Kubernetes' wording; `unresolvable` marks reasons
 * preemption cannot fix (a node whose taints or labels do not fit stays unfit however many pods are
 * removed from it).
 * A plugin with nothing to do for a pod (no affinity, no spread constraints, no host ports, no
 * claims...) answers `skip` from preFilter/preScore — kube-scheduler's Skip status — and its
 * filter/score is then left out of that cycle. That is only allowed when the filter would pass
 * every node (or the score would give every node the same value, which cannot change the pick);
 * the filter itself must still answer correctly when called anyway (preemption runs them all).
 */
import type { NodeInfo, Snapshot } from '../node-info.ts';
import type { RPod } from '../types.ts';

export interface FilterStatus {
  reasons: string[];
  /** UnschedulableAndUnresolvable: removing pods from the node would not help. */
  unresolvable?: boolean;
}

/** Per-cycle state: the pod, the snapshot, and data plugins precompute in preFilter. */
export interface CycleState {
  pod: RPod;
  snapshot: Snapshot;
  data: Map<string, unknown>;
}

/** Creates the state of one cycle. */
export function cycleState(pod: RPod, snapshot: Snapshot): CycleState {
  return { pod, snapshot, data: new Map() };
}

/** preFilter/preScore's answer for "nothing to do for this pod": the filter/score is not run. */
export const skip = Symbol('Skip');
export type Skip = typeof skip;

export interface FilterPlugin {
  name: string;
  /**
   * May refuse the pod outright (on every node, e.g. an unbound immediate claim) by returning a
   * status, or return `skip` when the filter would pass every node for this pod.
   */
  preFilter?(state: CycleState): FilterStatus | Skip | void;
  filter(state: CycleState, node: NodeInfo): FilterStatus | undefined;
}

export interface ScorePlugin {
  name: string;
  weight: number;
  /** `skip` when every node of `nodes` would get the same score (so the plugin cannot change the pick). */
  preScore?(state: CycleState, nodes: NodeInfo[]): Skip | void;
  /**
   * Raw score of one node; `normalize` (if any) maps the raw scores of all nodes (in the order of
   * the feasible nodes) to 0..100 in place.
   */
  score(state: CycleState, node: NodeInfo): number;
  normalize?(scores: number[]): void;
}

export const maxNodeScore = 100;

/**
 * Rescales scores to 0..100 by the largest one; `reverse` makes the largest raw score worst
 * (plugins that count things to avoid, like PreferNoSchedule taints).
 */
export function normalizeScores(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const v of scores) if (v > max) max = v;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? maxNodeScore : 0;
    else {
      const s = Math.floor((scores[i]! * maxNodeScore) / max);
      scores[i] = reverse ? maxNodeScore - s : s;
    }
  }
}
