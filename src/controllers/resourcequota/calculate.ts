/**
 * A quota's status from what exists: status.hard mirrors spec.hard, status.used sums, over the
 * objects of the quota's namespace that its scopes select, what each object uses under each hard
 * name (see src/api/quota/evaluators.ts). Names nothing is charged under are left out of used.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { evaluatorFor, sourceOf } from '../../api/quota/evaluators.ts';
import { addUsage, count, maskUsage, usageToJson, type Usage } from '../../api/quota/resource-list.ts';
import { quotaScopes } from '../../api/quota/scopes.ts';

type RO = DeepReadonly<KubeObject>;

/** A group/resource whose objects feed some of a quota's names. */
export interface QuotaSource {
  group: string;
  resource: string;
  names: string[];
}

export interface QuotaStatus {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/** The spec.hard of a quota as raw strings (what status.hard mirrors). */
export function specHard(quota: RO): Record<string, string> {
  const spec = (quota as { spec?: { hard?: Record<string, unknown> } }).spec;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec?.hard ?? {}))
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

/** The sources a quota's hard names are computed from, one entry per group/resource. */
export function quotaSources(quota: RO): QuotaSource[] {
  const bySource = new Map<string, QuotaSource>();
  for (const name of Object.keys(specHard(quota))) {
    const src = sourceOf(name);
    if (!src) continue;
    const key = `${src.resource}.${src.group}`;
    let s = bySource.get(key);
    if (!s) bySource.set(key, (s = { ...src, names: [] }));
    s.names.push(name);
  }
  return [...bySource.values()];
}

/**
 * The status the quota should have, given the objects of each source in its namespace
 * (`objectsOf` returns [] for a resource the API does not serve).
 */
export function calculateQuotaStatus(quota: RO, objectsOf: (s: QuotaSource) => readonly RO[]): QuotaStatus {
  const hard = specHard(quota);
  const scopes = quotaScopes(quota);
  let used: Usage = new Map();
  for (const src of quotaSources(quota)) {
    const evaluator = evaluatorFor(src.group, src.resource);
    // Every tracked name shows, at zero when nothing uses it.
    let sum: Usage = new Map(src.names.map((n) => [n, count(0)]));
    for (const obj of objectsOf(src)) {
      if (!evaluator.matchesScopes(obj, scopes)) continue;
      sum = addUsage(sum, maskUsage(evaluator.usage(obj), src.names));
    }
    used = addUsage(used, sum);
  }
  return { hard, used: usageToJson(used) };
}
