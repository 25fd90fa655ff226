/**
 * NodeResourcesFit (filter) and the two resource scores: LeastAllocated (prefer nodes with more
 * room left for cpu and memory) and BalancedAllocation (prefer nodes whose cpu and memory use stay
 * in proportion). The filter checks the pod count against allocatable `pods` and every resource the
 * pod requests — cpu, memory, ephemeral-storage and extended resources — against allocatable minus
 * what the node's pods already request, saying "Insufficient <name>" / "Too many pods".
 */
import type { NodeInfo } from '../node-info.ts';
import { podRequests, podScoringRequests, type Amounts } from '../resources.ts';
import {
  maxNodeScore,
  type CycleState,
  type FilterPlugin,
  type FilterStatus,
  type ScorePlugin,
} from './types.ts';

const requestsKey = 'NodeResourcesFit/requests';
const scoringKey = 'NodeResourcesFit/scoringRequests';

function requestsOf(state: CycleState): Amounts {
  let r = state.data.get(requestsKey) as Amounts | undefined;
  if (!r) state.data.set(requestsKey, (r = podRequests(state.pod)));
  return r;
}

const noReasons: string[] = [];

/** The reasons `requests` do not fit on `node` (empty when they fit; nothing allocated then). */
export function insufficientResources(requests: Amounts, node: NodeInfo): string[] {
  let reasons = noReasons;
  const maxPods = node.allocatable.get('pods');
  if (maxPods !== undefined && node.podCount + 1 > maxPods) reasons = ['Too many pods'];
  for (const [name, want] of requests) {
    if (want <= 0 || name === 'pods') continue;
    const free = (node.allocatable.get(name) ?? 0) - (node.requested.get(name) ?? 0);
    if (want > free) {
      if (reasons === noReasons) reasons = [];
      reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons;
}

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  preFilter: (state) => void requestsOf(state),
  filter(state, node): FilterStatus | undefined {
    const reasons = insufficientResources(requestsOf(state), node);
    return reasons.length ? { reasons } : undefined;
  },
};

/** The pod's scoring requests, parsed once per cycle (not once per node and plugin). */
function scoringRequestsOf(state: CycleState): Amounts {
  let r = state.data.get(scoringKey) as Amounts | undefined;
  if (!r) state.data.set(scoringKey, (r = podScoringRequests(state.pod)));
  return r;
}

/** The share of `r` (cpu or memory) the node would have in use with the pod placed, at most 1. */
function fraction(want: Amounts, node: NodeInfo, r: 'cpu' | 'memory'): number {
  const cap = node.allocatable.get(r) ?? 0;
  if (cap <= 0) return 1;
  return Math.min(1, ((node.nonZeroRequested.get(r) ?? 0) + (want.get(r) ?? 0)) / cap);
}

/** More free cpu and memory after placing the pod scores higher. */
export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score(state, node) {
    const want = scoringRequestsOf(state);
    const cpu = fraction(want, node, 'cpu');
    const memory = fraction(want, node, 'memory');
    return Math.floor(((1 - cpu) * maxNodeScore + (1 - memory) * maxNodeScore) / 2);
  },
};

/** cpu and memory fractions close to each other score higher (100 when equal). */
export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(state, node) {
    const want = scoringRequestsOf(state);
    // With two fractions the standard deviation is half their distance.
    const std = Math.abs(fraction(want, node, 'cpu') - fraction(want, node, 'memory')) / 2;
    return Math.floor((1 - std) * maxNodeScore);
  },
};
