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

const fitKey = 'NodeResourcesFit';

/**
 * The pod's requests parsed once per cycle: the Amounts (for the full check and its reasons), cpu
 * and memory as numbers, whether anything else is asked for, and the scoring requests.
 */
interface PodFit {
  requests: Amounts;
  cpu: number;
  memory: number;
  /** Some resource other than cpu and memory is requested (> 0): the full check runs. */
  others: boolean;
  scoringCpu: number;
  scoringMemory: number;
}

/** The last cycle's PodFit: a pointer compare instead of a map lookup on every node. */
let last: { state: CycleState; fit: PodFit } | undefined;

function fitOf(state: CycleState): PodFit {
  if (last?.state === state) return last.fit;
  let f = state.data.get(fitKey) as PodFit | undefined;
  if (f) {
    last = { state, fit: f };
    return f;
  }
  const requests = podRequests(state.pod);
  const scoring = podScoringRequests(state.pod, requests);
  let others = false;
  for (const [name, want] of requests)
    if (want > 0 && name !== 'cpu' && name !== 'memory' && name !== 'pods') others = true;
  f = {
    requests,
    cpu: requests.get('cpu') ?? 0,
    memory: requests.get('memory') ?? 0,
    others,
    scoringCpu: scoring.get('cpu') ?? 0,
    scoringMemory: scoring.get('memory') ?? 0,
  };
  state.data.set(fitKey, f);
  last = { state, fit: f };
  return f;
}

const noReasons: string[] = [];

/** The reasons `requests` do not fit on `node` (empty when they fit; nothing allocated then). */
export function insufficientResources(requests: Amounts, node: NodeInfo): string[] {
  let reasons = noReasons;
  if (node.podCount + 1 > node.allocatablePods) reasons = ['Too many pods'];
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
  preFilter: (state) => void fitOf(state),
  filter(state, node): FilterStatus | undefined {
    const f = fitOf(state);
    // The common case in plain numbers; anything unusual (a miss, other resources) takes the full
    // check, which also words the reasons.
    if (
      !f.others &&
      node.podCount + 1 <= node.allocatablePods &&
      (f.cpu <= 0 || f.cpu <= node.allocatableCpu - node.requestedCpu) &&
      (f.memory <= 0 || f.memory <= node.allocatableMemory - node.requestedMemory)
    )
      return undefined;
    const reasons = insufficientResources(f.requests, node);
    return reasons.length ? { reasons } : undefined;
  },
};

/** The share of cpu or memory the node would have in use with the pod placed, at most 1. */
function fraction(inUse: number, want: number, cap: number): number {
  if (cap <= 0) return 1;
  return Math.min(1, (inUse + want) / cap);
}

/** More free cpu and memory after placing the pod scores higher. */
export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score(state, node) {
    const f = fitOf(state);
    const cpu = fraction(node.nonZeroCpu, f.scoringCpu, node.allocatableCpu);
    const memory = fraction(node.nonZeroMemory, f.scoringMemory, node.allocatableMemory);
    return Math.floor(((1 - cpu) * maxNodeScore + (1 - memory) * maxNodeScore) / 2);
  },
};

/** cpu and memory fractions close to each other score higher (100 when equal). */
export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(state, node) {
    const f = fitOf(state);
    const cpu = fraction(node.nonZeroCpu, f.scoringCpu, node.allocatableCpu);
    const memory = fraction(node.nonZeroMemory, f.scoringMemory, node.allocatableMemory);
    // With two fractions the standard deviation is half their distance.
    const std = Math.abs(cpu - memory) / 2;
    return Math.floor((1 - std) * maxNodeScore);
  },
};
