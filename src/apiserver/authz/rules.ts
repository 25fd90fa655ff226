/**
 * RBAC policy rules and how a request matches them, with Kubernetes' semantics: `*` matches any
 * verb, group or resource; a rule resource is either `resource`, `resource/subresource` or
 * `*\/subresource` (that subresource of any resource); an empty resourceNames list means every name;
 * a non-resource URL matches exactly, or as a prefix when it ends in `*`.
 */
import { isObject, type KubeObject } from '../../api/object.ts';
import type { Attributes } from './authorizer.ts';

/** One rule of a Role or ClusterRole, normalized (missing lists are empty). */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const all = '*';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A rule from stored JSON; tolerant of missing or malformed lists (they match nothing). */
export function toPolicyRule(v: unknown): PolicyRule {
  const r = isObject(v) ? v : {};
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

/** The rules of a Role or ClusterRole object. */
export function rulesOf(obj: KubeObject): PolicyRule[] {
  return Array.isArray(obj.rules) ? obj.rules.map(toPolicyRule) : [];
}

/** A rule as the API writes it: empty optional lists left out. */
export function ruleToJson(r: PolicyRule): Record<string, string[]> {
  const out: Record<string, string[]> = { verbs: r.verbs };
  if (r.apiGroups.length || r.nonResourceURLs.length === 0) out.apiGroups = r.apiGroups;
  if (r.resources.length || r.nonResourceURLs.length === 0) out.resources = r.resources;
  if (r.resourceNames.length) out.resourceNames = r.resourceNames;
  if (r.nonResourceURLs.length) out.nonResourceURLs = r.nonResourceURLs;
  return out;
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === all || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === all || g === group);
}

/** `resource` with `subresource` matches `resource/subresource`, `*\/subresource` and `*`. */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return rule.resources.some(
    (r) =>
      r === all || r === combined || (subresource !== '' && r.startsWith('*/') && r.slice(2) === subresource),
  );
}

/** An empty list allows every name; otherwise the request must name one of them. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  return name !== '' && rule.resourceNames.includes(name);
}

/** Exact, `*`, or a prefix when the rule URL ends in `*` (`/apis/*` matches `/apis/apps/v1`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some(
    (u) => u === all || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/** Whether one rule allows the request. Resource rules never allow non-resource requests, and back. */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!a.isResourceRequest) return nonResourceURLMatches(rule, a.path ?? '');
  return (
    apiGroupMatches(rule, a.group ?? '') &&
    resourceMatches(rule, a.resource ?? '', a.subresource ?? '') &&
    resourceNameMatches(rule, a.name ?? '')
  );
}

/** Whether any of the rules allows the request. */
export function rulesAllow(a: Attributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleAllows(a, r));
}
