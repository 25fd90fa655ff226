/**
 * One scheduling decision: run the preFilters (any of which may refuse the pod everywhere), filter
 * the nodes through the filter plugins (a node stops at its first failing plugin), score the
 * feasible ones with the score plugins (each normalized to 0..100 and weighted), and pick the best —
 * ties go to the node listed first. As kube-scheduler does in large clusters, filtering stops once
 * enough feasible nodes are found (numFeasibleNodesToFind) and the next cycle starts where this one
 * stopped, so every node gets its turn. When nothing fits, every node was tried, and the Diagnosis
 * records every node's reasons for the FailedScheduling message and for preemption.
 * Plugins whose preFilter/preScore answers `skip` sit the cycle out (see plugins/types.ts): a plain
 * pod on plain nodes runs only the checks that can matter to it.
 */
import type { Diagnosis } from './diagnosis.ts';
import type { NodeInfo, Snapshot } from './node-info.ts';
import { defaultFilters, defaultScores } from './plugins/index.ts';
import {
  cycleState,
  type CycleState,
  type FilterPlugin,
  type FilterStatus,
  type ScorePlugin,
  skip,
} from './plugins/types.ts';
import type { RPod } from './types.ts';

export interface Profile {
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export const defaultProfile: Profile = { filters: defaultFilters, scores: defaultScores };

/**
 * How many feasible nodes a cycle looks for among `all`: every node up to 100; beyond that an
 * adaptive share — 50% falling by one point per 125 nodes, never under 5% nor 100 nodes
 * (kube-scheduler's percentageOfNodesToScore default).
 */
export function numFeasibleNodesToFind(all: number): number {
  const min = 100;
  if (all < min) return all;
  const pct = Math.max(5, 50 - Math.floor(all / 125));
  return Math.max(min, Math.floor((all * pct) / 100));
}

export type ScheduleResult =
  | { node: string; feasible: number; searched: number }
  | { node?: undefined; diagnosis: Diagnosis; state: CycleState };

/** Runs the filters on one node; undefined when it fits. */
export function runFilters(profile: Profile, state: CycleState, node: NodeInfo): FilterStatus | undefined {
  return filterNode(profile.filters, state, node);
}

function filterNode(
  filters: readonly FilterPlugin[],
  state: CycleState,
  node: NodeInfo,
): FilterStatus | undefined {
  for (let i = 0; i < filters.length; i++) {
    const s = filters[i]!.filter(state, node);
    if (s) return s;
  }
  return undefined;
}

/** Weighted, normalized total score per feasible node, in the order of `nodes`. */
export function scoreNodes(profile: Profile, state: CycleState, nodes: NodeInfo[]): number[] {
  const total = new Array<number>(nodes.length).fill(0);
  const s = new Array<number>(nodes.length);
  for (const p of profile.scores) {
    if (p.preScore?.(state, nodes) === skip) continue;
    for (let i = 0; i < nodes.length; i++) s[i] = p.score(state, nodes[i]!);
    p.normalize?.(s);
    for (let i = 0; i < nodes.length; i++) total[i]! += s[i]! * p.weight;
  }
  return total;
}

/**
 * Decides where `pod` goes in `snapshot`, filtering from node index `start` (wrapping around);
 * `searched` says how many nodes were filtered, for the next cycle's start.
 */
export function schedulePod(
  pod: RPod,
  snapshot: Snapshot,
  profile: Profile = defaultProfile,
  start = 0,
): ScheduleResult {
  const state = cycleState(pod, snapshot);
  const filters: FilterPlugin[] = [];
  for (const f of profile.filters) {
    const refused = f.preFilter?.(state);
    if (refused === skip) continue;
    filters.push(f);
    if (refused) {
      // Nothing about any one node can help: every node carries the status, the message names it once.
      const status: FilterStatus = { reasons: refused.reasons, unresolvable: true };
      const nodeToStatus = new Map(snapshot.nodes.map((n) => [n.name, status]));
      const diagnosis = {
        numAllNodes: snapshot.nodes.length,
        nodeToStatus,
        preFilterMsg: refused.reasons.join(', '),
      };
      return { diagnosis, state };
    }
  }
  const feasible: NodeInfo[] = [];
  const nodeToStatus = new Map<string, FilterStatus>();
  const all = snapshot.nodes.length;
  const want = numFeasibleNodesToFind(all);
  let searched = 0;
  let i = all > 0 ? start % all : 0;
  for (; searched < all && feasible.length < want; searched++) {
    const n = snapshot.nodes[i]!;
    if (++i === all) i = 0;
    const s = filterNode(filters, state, n);
    if (s) nodeToStatus.set(n.name, s);
    else feasible.push(n);
  }
  if (feasible.length === 0) return { diagnosis: { numAllNodes: all, nodeToStatus }, state };
  if (feasible.length === 1) return { node: feasible[0]!.name, feasible: 1, searched };
  const totals = scoreNodes(profile, state, feasible);
  let best = 0;
  for (let i = 1; i < feasible.length; i++) if (totals[i]! > totals[best]!) best = i;
  return { node: feasible[best]!.name, feasible: feasible.length, searched };
}
