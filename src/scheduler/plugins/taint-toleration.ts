/**
 * TaintToleration: the filter refuses nodes with a NoSchedule or NoExecute taint the pod does not
 * tolerate, naming the first such taint as Kubernetes does ("node(s) had untolerated taint
 * {key: value}"); the score prefers nodes with fewer untolerated PreferNoSchedule taints.
 */
import { toleratedBy } from './tolerations.ts';
import { normalizeScores, skip, type FilterPlugin, type ScorePlugin } from './types.ts';

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter(state, node) {
    const taints = node.hardTaints;
    if (taints.length === 0) return undefined;
    const tolerations = state.pod.spec?.tolerations;
    for (const taint of taints) {
      if (toleratedBy(tolerations, taint)) continue;
      return {
        reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
        unresolvable: true,
      };
    }
    return undefined;
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  // No PreferNoSchedule taint on any of the nodes: every node scores the same.
  preScore: (_state, nodes) => (nodes.some((n) => n.preferTaints.length > 0) ? undefined : skip),
  score(state, node) {
    const taints = node.preferTaints;
    if (taints.length === 0) return 0;
    const tolerations = (state.pod.spec?.tolerations ?? []).filter(
      (t) => !t.effect || t.effect === 'PreferNoSchedule',
    );
    return taints.filter((t) => !toleratedBy(tolerations, t)).length;
  },
  normalize: (scores) => normalizeScores(scores, true),
};
