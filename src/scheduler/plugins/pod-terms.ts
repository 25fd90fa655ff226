/**
 * Helpers for rules that select other pods (pod affinity, topology spread): which pods a term
 * selects — by label selector, within the term's namespaces (the incoming pod's own namespace
 * when it names none; an empty namespaceSelector means every namespace) — and a node's value of a
 * topology key.
 */
import type { DeepReadonly } from '../../api/object.ts';
import {
  matchesLabels,
  selectorFromLabelSelector,
  type LabelRequirement,
  type LabelSelectorSpec,
} from '../../api/selectors/labels.ts';
import type { NodeInfo } from '../node-info.ts';
import type { PodAffinityTerm, RPod } from '../types.ts';

/** A term prepared for matching. */
export interface CompiledTerm {
  topologyKey: string;
  selector: readonly LabelRequirement[] | null;
  /** undefined: every namespace. */
  namespaces: ReadonlySet<string> | undefined;
}

function compileSelector(
  ls: DeepReadonly<LabelSelectorSpec> | undefined,
): readonly LabelRequirement[] | null {
  try {
    return selectorFromLabelSelector(ls as LabelSelectorSpec | undefined);
  } catch {
    return null;
  }
}

/** Compiles a pod affinity term of `owner` (whose namespace is the default). */
export function compileTerm(term: DeepReadonly<PodAffinityTerm>, owner: RPod): CompiledTerm {
  let namespaces: ReadonlySet<string> | undefined = new Set(
    term.namespaces?.length ? term.namespaces : [owner.metadata.namespace ?? ''],
  );
  const nsSel = term.namespaceSelector;
  if (nsSel && !nsSel.matchLabels && !nsSel.matchExpressions?.length) namespaces = undefined;
  return { topologyKey: term.topologyKey, selector: compileSelector(term.labelSelector), namespaces };
}

/** A label selector within one namespace (topology spread selects in the pod's own namespace). */
export function compileSpreadSelector(
  ls: DeepReadonly<LabelSelectorSpec> | undefined,
  namespace: string,
): CompiledTerm {
  return { topologyKey: '', selector: compileSelector(ls), namespaces: new Set([namespace]) };
}

/** True when the term selects `pod`. */
export function termSelects(t: CompiledTerm, pod: RPod): boolean {
  if (t.namespaces && !t.namespaces.has(pod.metadata.namespace ?? '')) return false;
  return matchesLabels(t.selector, pod.metadata.labels);
}

/** The node's value for a topology key, undefined when it lacks the label. */
export function topologyValue(node: NodeInfo, key: string): string | undefined {
  return Object.hasOwn(node.labels, key) ? node.labels[key] : undefined;
}
