/**
 * PodTopologySpread. For each DoNotSchedule constraint, the pods its selector picks (in the pod's
 * namespace) are counted per topology domain over the nodes that carry the key and that the pod's
 * node selector/affinity accepts; a node fails when placing the pod there would make its domain
 * exceed the least-loaded domain by more than maxSkew (with fewer than minDomains domains the
 * minimum counts as 0). ScheduleAnyway constraints only score: fewer matching pods in the node's
 * domains is better.
 */
import type { NodeInfo } from '../node-info.ts';
import type { TopologySpreadConstraint } from '../types.ts';
import type { DeepReadonly } from '../../api/object.ts';
import { nodeMatchesPod } from './node-affinity.ts';
import { compileSpreadSelector, termSelects, topologyValue, type CompiledTerm } from './pod-terms.ts';
import { normalizeScores, skip, type CycleState, type FilterPlugin, type ScorePlugin } from './types.ts';

interface Counted {
  c: DeepReadonly<TopologySpreadConstraint>;
  sel: CompiledTerm;
  selfMatch: boolean;
  counts: Map<string, number>;
  /** The least-loaded domain's count (0 with fewer than minDomains domains). */
  min: number;
}

const none: Counted[] = [];
const cacheKeys: Record<string, string> = {
  DoNotSchedule: 'PodTopologySpread/DoNotSchedule',
  ScheduleAnyway: 'PodTopologySpread/ScheduleAnyway',
};

/** The pod's constraints of `mode` with their domain counts, computed once per cycle. */
function count(state: CycleState, mode: 'DoNotSchedule' | 'ScheduleAnyway'): Counted[] {
  const { pod, snapshot } = state;
  if (!pod.spec?.topologySpreadConstraints?.length) return none;
  const cacheKey = cacheKeys[mode]!;
  const cached = state.data.get(cacheKey) as Counted[] | undefined;
  if (cached) return cached;
  const out: Counted[] = (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === mode)
    .map((c) => {
      const sel = compileSpreadSelector(c.labelSelector, pod.metadata.namespace ?? '');
      return { c, sel, selfMatch: termSelects(sel, pod), counts: new Map<string, number>(), min: 0 };
    });
  if (out.length) {
    for (const node of snapshot.nodes) {
      if (!nodeMatchesPod(pod, node)) continue;
      for (const k of out) {
        const v = topologyValue(node, k.c.topologyKey);
        if (v === undefined) continue;
        const n = node.pods.filter((p) => !p.metadata.deletionTimestamp && termSelects(k.sel, p)).length;
        k.counts.set(v, (k.counts.get(v) ?? 0) + n);
      }
    }
  }
  for (const k of out) {
    const min = Math.min(...k.counts.values());
    k.min = !Number.isFinite(min) || k.counts.size < (k.c.minDomains ?? 1) ? 0 : min;
  }
  state.data.set(cacheKey, out);
  return out;
}

export const podTopologySpread: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter: (state) => (count(state, 'DoNotSchedule').length ? undefined : skip),
  filter(state, node: NodeInfo) {
    for (const k of count(state, 'DoNotSchedule')) {
      const v = topologyValue(node, k.c.topologyKey);
      if (v === undefined)
        return {
          reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"],
          unresolvable: true,
        };
      const skew = (k.counts.get(v) ?? 0) + (k.selfMatch ? 1 : 0) - k.min;
      if (skew > k.c.maxSkew) return { reasons: ["node(s) didn't match pod topology spread constraints"] };
    }
    return undefined;
  },
};

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore: (state) => (count(state, 'ScheduleAnyway').length ? undefined : skip),
  score(state, node) {
    let sum = 0;
    for (const k of count(state, 'ScheduleAnyway')) {
      const v = topologyValue(node, k.c.topologyKey);
      if (v !== undefined) sum += k.counts.get(v) ?? 0;
    }
    return sum;
  },
  normalize: (scores) => normalizeScores(scores, true),
};
