/**
 * NodeAffinity: spec.nodeSelector and the required node affinity must both match the node's
 * labels (terms are ORed, expressions within a term ANDed; In, NotIn, Exists, DoesNotExist, Gt, Lt;
 * matchFields supports metadata.name). The score adds the weights of the preferred terms a node
 * matches, normalized to 0..100.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { NodeInfo } from '../node-info.ts';
import type { NodeSelectorRequirement, NodeSelectorTerm } from '../types.ts';
import { normalizeScores, skip, type FilterPlugin, type ScorePlugin } from './types.ts';

function intOf(s: string | undefined): number | undefined {
  if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
  return Number(s);
}

/** True when one requirement holds for `value` (undefined: the key is absent). */
export function requirementMatches(
  r: DeepReadonly<NodeSelectorRequirement>,
  value: string | undefined,
): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = intOf(value);
      const bound = intOf(values[0]);
      if (have === undefined || bound === undefined) return false;
      return r.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

/** True when every expression and field of the term matches; an empty term matches nothing. */
export function termMatches(term: DeepReadonly<NodeSelectorTerm>, node: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.labels;
  const labelOk = exprs.every((r) =>
    requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined),
  );
  const fieldOk = fields.every((r) =>
    requirementMatches(r, r.key === 'metadata.name' ? node.name : undefined),
  );
  return labelOk && fieldOk;
}

/** True when the pod's nodeSelector and required node affinity both accept the node. */
export function nodeMatchesPod(pod: NodeInfo['pods'][number], node: NodeInfo): boolean {
  const labels = node.labels;
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** True when the pod constrains nodes at all (a nodeSelector entry or required node affinity). */
export function hasNodeConstraints(pod: NodeInfo['pods'][number]): boolean {
  const sel = pod.spec?.nodeSelector;
  if (sel) for (const _ in sel) return true;
  return !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter: (state) => (hasNodeConstraints(state.pod) ? undefined : skip),
  filter(state, node) {
    if (nodeMatchesPod(state.pod, node)) return undefined;
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  preScore: (state) =>
    state.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length
      ? undefined
      : skip,
  score(state, node) {
    let sum = 0;
    for (const p of state.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ??
      []) {
      if (p.weight && termMatches(p.preference, node)) sum += p.weight;
    }
    return sum;
  },
  normalize: (scores) => normalizeScores(scores, false),
};
