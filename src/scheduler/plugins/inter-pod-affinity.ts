/**
 * InterPodAffinity (required terms only). A node passes when
 *  - for every affinity term, some pod the term selects runs in the node's topology domain (or no
 *    pod anywhere matches and the incoming pod matches its own term: the first pod of a group);
 *  - for every anti-affinity term, no pod the term selects runs in the node's topology domain;
 *  - no existing pod's required anti-affinity selects the incoming pod within that pod's domain.
 * Domains are "topologyKey=value" pairs; preFilter counts them once per cycle.
 */
import type { NodeInfo } from '../node-info.ts';
import { compileTerm, termSelects, topologyValue, type CompiledTerm } from './pod-terms.ts';
import { skip, type CycleState, type FilterPlugin } from './types.ts';
import type { RPod } from '../types.ts';

interface AffinityState {
  affinity: { term: CompiledTerm; domains: Set<string>; anyMatch: boolean; selfMatch: boolean }[];
  anti: { term: CompiledTerm; domains: Set<string> }[];
  /** Domains in which an existing pod's anti-affinity forbids the incoming pod. */
  existingAnti: Set<string>;
}

const key = 'InterPodAffinity';
const domain = (k: string, v: string): string => `${k}=${v}`;

function prepare(state: CycleState): AffinityState {
  const { pod, snapshot } = state;
  const aff = pod.spec?.affinity;
  const s: AffinityState = {
    affinity: (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => {
      const term = compileTerm(t, pod);
      return { term, domains: new Set<string>(), anyMatch: false, selfMatch: termSelects(term, pod) };
    }),
    anti: (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => ({
      term: compileTerm(t, pod),
      domains: new Set<string>(),
    })),
    existingAnti: new Set(),
  };
  const visit = (other: RPod, node: NodeInfo): void => {
    for (const a of s.affinity) {
      if (!termSelects(a.term, other)) continue;
      a.anyMatch = true;
      const v = topologyValue(node, a.term.topologyKey);
      if (v !== undefined) a.domains.add(domain(a.term.topologyKey, v));
    }
    for (const a of s.anti) {
      const v = topologyValue(node, a.term.topologyKey);
      if (v !== undefined && termSelects(a.term, other)) a.domains.add(domain(a.term.topologyKey, v));
    }
    for (const t of other.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ??
      []) {
      const term = compileTerm(t, other);
      const v = topologyValue(node, term.topologyKey);
      if (v !== undefined && termSelects(term, pod)) s.existingAnti.add(domain(term.topologyKey, v));
    }
  };
  // Only pods that can matter are looked at: all of them when the incoming pod has terms, otherwise
  // those on nodes holding a pod with required anti-affinity.
  const ownTerms = s.affinity.length > 0 || s.anti.length > 0;
  if (!ownTerms && !snapshot.hasAntiAffinityPods()) {
    state.data.set(key, s);
    return s;
  }
  for (const node of snapshot.nodes) {
    if (!ownTerms && node.antiAffinityPods === 0) continue;
    for (const other of node.pods) visit(other, node);
  }
  state.data.set(key, s);
  return s;
}

function stateOf(state: CycleState): AffinityState {
  return (state.data.get(key) as AffinityState | undefined) ?? prepare(state);
}

function inDomain(node: NodeInfo, term: CompiledTerm, domains: Set<string>): boolean {
  const v = topologyValue(node, term.topologyKey);
  return v !== undefined && domains.has(domain(term.topologyKey, v));
}

export const interPodAffinity: FilterPlugin = {
  name: 'InterPodAffinity',
  // Nothing to check: no terms of its own and no pod anywhere with required anti-affinity.
  preFilter(state) {
    const s = prepare(state);
    if (s.affinity.length === 0 && s.anti.length === 0 && s.existingAnti.size === 0) return skip;
  },
  filter(state, node) {
    const s = stateOf(state);
    for (const d of s.existingAnti) {
      const [k, v] = [d.slice(0, d.indexOf('=')), d.slice(d.indexOf('=') + 1)];
      if (topologyValue(node, k) === v)
        return { reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"] };
    }
    for (const a of s.affinity) {
      if (topologyValue(node, a.term.topologyKey) === undefined)
        return { reasons: ["node(s) didn't match pod affinity rules"], unresolvable: true };
      if (inDomain(node, a.term, a.domains)) continue;
      if (!a.anyMatch && a.selfMatch) continue;
      return { reasons: ["node(s) didn't match pod affinity rules"], unresolvable: true };
    }
    for (const a of s.anti) {
      if (inDomain(node, a.term, a.domains))
        return { reasons: ["node(s) didn't match pod anti-affinity rules"] };
    }
    return undefined;
  },
};
