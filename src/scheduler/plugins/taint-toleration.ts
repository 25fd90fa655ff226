/**
 * TaintToleration: the filter refuses nodes with a NoSchedule or NoExecute taint the pod does not
 * tolerate, naming the first such taint as Kubernetes does ("node(s) had untolerated taint
 * {key: value}"); the score prefers nodes with fewer untolerated PreferNoSchedule taints.
 */
import { toleratedBy } from './tolerations.ts';
import { normalizeScores, type FilterPlugin, type ScorePlugin } from './types.ts';

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter(state, node) {
    const tolerations = state.pod.spec?.tolerations;
    for (const taint of node.node.spec?.taints ?? []) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
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
  score(state, node) {
    const taints = node.node.spec?.taints;
    if (!taints?.length) return 0;
    const tolerations = (state.pod.spec?.tolerations ?? []).filter(
      (t) => !t.effect || t.effect === 'PreferNoSchedule',
    );
    return taints.filter((t) => t.effect === 'PreferNoSchedule' && !toleratedBy(tolerations, t)).length;
  },
  normalize: (scores) => normalizeScores(scores, true),
};
