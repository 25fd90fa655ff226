/**
 * ResourceQuota scopes: which pods a scoped quota tracks. `spec.scopes` names are requirements with
 * the Exists operator; `spec.scopeSelector.matchExpressions` adds requirements with an operator.
 * A quota tracks an object only when every requirement matches it; objects other than pods never
 * match a scoped quota (scopes are about pods' lifecycle, QoS and priority).
 */
import type { DeepReadonly, KubeObject } from '../object.ts';
import { podQOSClass } from '../kinds/core/pod-qos.ts';
import { field, items, str, type Obj } from '../kinds/core/util.ts';

/** One scope requirement of a quota. */
export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values: string[];
}

/** The scope requirements of a quota: spec.scopes (as Exists) then spec.scopeSelector. */
export function quotaScopes(quota: DeepReadonly<KubeObject>): ScopeRequirement[] {
  const spec = field(quota, 'spec');
  const out: ScopeRequirement[] = [];
  if (Array.isArray(spec.scopes))
    for (const s of spec.scopes)
      if (typeof s === 'string') out.push({ scopeName: s, operator: 'Exists', values: [] });
  for (const r of items(field(spec, 'scopeSelector').matchExpressions)) {
    out.push({
      scopeName: str(r.scopeName),
      operator: str(r.operator),
      values: Array.isArray(r.values) ? r.values.filter((v): v is string => typeof v === 'string') : [],
    });
  }
  return out;
}

/** A pod with an active deadline runs for a bounded time (the Terminating scope). */
function isTerminating(spec: Obj): boolean {
  return typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0;
}

/** Pod affinity terms that reach into other namespaces (namespaces or namespaceSelector set). */
function usesCrossNamespaceAffinity(spec: Obj): boolean {
  const affinity = field(spec, 'affinity');
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = field(affinity, kind);
    const terms = [
      ...items(a.requiredDuringSchedulingIgnoredDuringExecution),
      ...items(a.preferredDuringSchedulingIgnoredDuringExecution).map((w) => field(w, 'podAffinityTerm')),
    ];
    for (const t of terms) {
      if (Array.isArray(t.namespaces) && t.namespaces.length > 0) return true;
      if (t.namespaceSelector !== undefined && t.namespaceSelector !== null) return true;
    }
  }
  return false;
}

/** Whether a pod satisfies one scope requirement. */
export function podMatchesScope(pod: DeepReadonly<KubeObject>, r: ScopeRequirement): boolean {
  const spec = field(pod, 'spec');
  switch (r.scopeName) {
    case 'Terminating':
      return isTerminating(spec);
    case 'NotTerminating':
      return !isTerminating(spec);
    case 'BestEffort':
      return podQOSClass(spec) === 'BestEffort';
    case 'NotBestEffort':
      return podQOSClass(spec) !== 'BestEffort';
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespaceAffinity(spec);
    case 'PriorityClass': {
      // The class name is always "present" (possibly empty), as Kubernetes' label-set matching has it.
      const name = str(spec.priorityClassName);
      switch (r.operator) {
        case 'In':
          return r.values.includes(name);
        case 'NotIn':
          return !r.values.includes(name);
        case 'Exists':
          return true;
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

/** Whether a pod is tracked by a quota with these requirements (all must match; none matches all). */
export function podMatchesScopes(
  pod: DeepReadonly<KubeObject>,
  scopes: readonly ScopeRequirement[],
): boolean {
  return scopes.every((r) => podMatchesScope(pod, r));
}
