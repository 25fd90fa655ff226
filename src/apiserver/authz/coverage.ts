/**
 * Rule coverage: does a set of rules someone holds include every permission of another set? This is
 * what escalation prevention asks before letting a user write a role or a binding. A requested rule
 * is split into single permissions (one verb × group × resource × name, or one verb × URL) and each
 * must be allowed by one held rule. Wildcards in the requested rule are taken literally: `*` is only
 * covered by `*`.
 */
import type { PolicyRule } from './rules.ts';

const all = '*';

/** One verb on one group/resource/name, or one verb on one URL. */
export interface Permission {
  verb: string;
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
}

/** The single permissions a rule grants. */
export function permissionsOf(rule: PolicyRule): Permission[] {
  const out: Permission[] = [];
  if (rule.nonResourceURLs.length > 0) {
    for (const url of rule.nonResourceURLs) for (const verb of rule.verbs) out.push({ verb, url });
    return out;
  }
  const names = rule.resourceNames.length ? rule.resourceNames : [''];
  for (const group of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) for (const name of names) out.push({ verb, group, resource, name });
    }
  }
  return out;
}

function resourceCovers(held: string, wanted: string): boolean {
  if (held === all || held === wanted) return true;
  // "*/status" covers "pods/status" (and "*/status" itself, by equality above).
  return held.startsWith('*/') && wanted.includes('/') && wanted.slice(wanted.indexOf('/')) === held.slice(1);
}

function urlCovers(held: string, wanted: string): boolean {
  if (held === all || held === wanted) return true;
  return held.endsWith('*') && wanted.startsWith(held.slice(0, -1));
}

/** Whether one held rule grants one permission. */
export function ruleCovers(held: PolicyRule, p: Permission): boolean {
  if (!held.verbs.some((v) => v === all || v === p.verb)) return false;
  if (p.url !== undefined) return held.nonResourceURLs.some((u) => urlCovers(u, p.url!));
  if (held.nonResourceURLs.length > 0 && held.resources.length === 0) return false;
  if (!held.apiGroups.some((g) => g === all || g === p.group)) return false;
  if (!held.resources.some((r) => resourceCovers(r, p.resource ?? ''))) return false;
  if (held.resourceNames.length === 0) return true;
  return !!p.name && held.resourceNames.includes(p.name);
}

/** The permissions in `wanted` that no rule in `held` grants (empty: fully covered). */
export function uncovered(held: readonly PolicyRule[], wanted: readonly PolicyRule[]): Permission[] {
  const missing: Permission[] = [];
  const seen = new Set<string>();
  for (const rule of wanted) {
    for (const p of permissionsOf(rule)) {
      const key = JSON.stringify(p);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!held.some((h) => ruleCovers(h, p))) missing.push(p);
    }
  }
  return missing;
}

/** A permission the way the forbidden message lists it. */
export function formatPermission(p: Permission): string {
  if (p.url !== undefined)
    return `{NonResourceURLs:[${JSON.stringify(p.url)}], Verbs:[${JSON.stringify(p.verb)}]}`;
  const name = p.name ? `, ResourceNames:[${JSON.stringify(p.name)}]` : '';
  return `{APIGroups:[${JSON.stringify(p.group)}], Resources:[${JSON.stringify(p.resource)}]${name}, Verbs:[${JSON.stringify(p.verb)}]}`;
}
