/**
 * The default plugin set, in the order kube-scheduler runs them (cheap, node-local checks first).
 */
import { nodeName, nodePorts, nodeUnschedulable } from './node-basics.ts';
import { nodeAffinity, nodeAffinityScore } from './node-affinity.ts';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from './resources-fit.ts';
import { taintToleration, taintTolerationScore } from './taint-toleration.ts';
import { interPodAffinity } from './inter-pod-affinity.ts';
import { podTopologySpread, podTopologySpreadScore } from './topology-spread.ts';
import type { FilterPlugin, ScorePlugin } from './types.ts';

export const defaultFilters: readonly FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
  podTopologySpread,
  interPodAffinity,
];

export const defaultScores: readonly ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  podTopologySpreadScore,
  leastAllocated,
  balancedAllocation,
];
