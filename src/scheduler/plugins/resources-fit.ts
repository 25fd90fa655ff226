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

/** The reasons `requests` do not fit on `node` (empty when they fit). */
export function insufficientResources(requests: Amounts, node: NodeInfo): string[] {
  const reasons: string[] = [];
  const maxPods = node.allocatable.get('pods');
  if (maxPods !== undefined && node.pods.length + 1 > maxPods) reasons.push('Too many pods');
  for (const [name, want] of requests) {
    if (want <= 0 || name === 'pods') continue;
    const free = (node.allocatable.get(name) ?? 0) - (node.requested.get(name) ?? 0);
    if (want > free) reasons.push(`Insufficient ${name}`);
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

const scored = ['cpu', 'memory'];

/** The pod's scoring requests, parsed once per cycle (not once per node and plugin). */
function scoringRequestsOf(state: CycleState): Amounts {
  let r = state.data.get(scoringKey) as Amounts | undefined;
  if (!r) state.data.set(scoringKey, (r = podScoringRequests(state.pod)));
  return r;
}

function fractions(state: CycleState, node: NodeInfo): number[] {
  const want = scoringRequestsOf(state);
  return scored.map((r) => {
    const cap = node.allocatable.get(r) ?? 0;
    if (cap <= 0) return 1;
    return Math.min(1, ((node.nonZeroRequested.get(r) ?? 0) + (want.get(r) ?? 0)) / cap);
  });
}

/** More free cpu and memory after placing the pod scores higher. */
export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score(state, node) {
    const f = fractions(state, node);
    return Math.floor(f.reduce((sum, x) => sum + (1 - x) * maxNodeScore, 0) / f.length);
  },
};

/** cpu and memory fractions close to each other score higher (100 when equal). */
export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(state, node) {
    const f = fractions(state, node);
    const mean = f.reduce((a, b) => a + b, 0) / f.length;
    const std = Math.sqrt(f.reduce((a, x) => a + (x - mean) ** 2, 0) / f.length);
    return Math.floor((1 - std) * maxNodeScore);
  },
};
