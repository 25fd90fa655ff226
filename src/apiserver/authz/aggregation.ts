/**
 * ClusterRole aggregation: a ClusterRole with an aggregationRule holds the union of the rules of
 * every ClusterRole its selectors match (in selector order, then by role name; duplicates once). It
 * runs inside the API server as a small loop over the clusterroles watch cache: any change schedules
 * a pass, a pass rewrites the aggregated roles whose rules differ through the generic store (so the
 * write is validated, versioned and watched like any other), and passes repeat until nothing changes,
 * which settles chains such as view → edit → admin.
 */
import { isDeepStrictEqual } from 'node:util';
import { StatusError } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import {
  matchesLabels,
  selectorFromLabelSelector,
  type LabelSelectorSpec,
} from '../../api/selectors/labels.ts';
import type { Api } from '../api.ts';
import { systemContext } from '../registry/context.ts';
import { resourcePrefix } from '../registry/keys.ts';
import { rbacGroup } from './bootstrap-policy.ts';
import { ruleToJson, rulesOf, type PolicyRule } from './rules.ts';

function selectorsOf(role: KubeObject): unknown[] | undefined {
  if (!isObject(role.aggregationRule)) return undefined;
  const s = role.aggregationRule.clusterRoleSelectors;
  return Array.isArray(s) ? s : [];
}

/**
 * The rules an aggregated ClusterRole should hold given every ClusterRole, or undefined when
 * `role` has no aggregationRule. Malformed selectors match nothing.
 */
export function aggregatedRules(role: KubeObject, roles: readonly KubeObject[]): PolicyRule[] | undefined {
  const selectors = selectorsOf(role);
  if (!selectors) return undefined;
  const byName = [...roles].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const sel of selectors) {
    let reqs;
    try {
      reqs = selectorFromLabelSelector(isObject(sel) ? (sel as LabelSelectorSpec) : null);
    } catch {
      continue;
    }
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!matchesLabels(reqs, other.metadata.labels)) continue;
      for (const r of rulesOf(other)) {
        const key = JSON.stringify(ruleToJson(r));
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(r);
      }
    }
  }
  return out;
}

export interface AggregatorOptions {
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  /** Passes per reconcile before giving up on settling (a selector cycle could otherwise loop). */
  maxPasses?: number;
}

/** The aggregation loop. `start` runs it to a settled state and then follows the cache. */
export class ClusterRoleAggregator {
  private readonly api: Api;
  private readonly log: (msg: string, extra?: Record<string, unknown>) => void;
  private readonly maxPasses: number;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(api: Api, o: AggregatorOptions = {}) {
    this.api = api;
    this.log = o.log ?? (() => {});
    this.maxPasses = o.maxPasses ?? 10;
  }

  /** Settles the aggregated roles once, then re-runs whenever a ClusterRole changes. */
  async start(): Promise<void> {
    const cache = this.api.resource(rbacGroup, 'clusterroles').cache;
    await cache.start();
    this.unsubscribe = cache.addWatcher({
      deliver: () => this.schedule(),
      terminate: () => this.schedule(),
    });
    this.schedule();
    await this.idle();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Resolves once no pass is running or pending (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (!this.unsubscribe) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.reconcile()
      .then(() => undefined)
      .catch((err: unknown) => this.log('clusterrole aggregation failed', { error: String(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.dirty) {
          this.dirty = false;
          this.schedule();
        }
      });
  }

  /** Runs passes until one changes nothing; returns how many roles were rewritten. */
  async reconcile(): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.maxPasses; i++) {
      const changed = await this.pass();
      total += changed;
      if (changed === 0) return total;
    }
    this.log('clusterrole aggregation did not settle; do aggregated roles select each other?', {
      passes: this.maxPasses,
    });
    return total;
  }

  private async pass(): Promise<number> {
    const rs = this.api.resource(rbacGroup, 'clusterroles');
    const roles = rs.cache.list(resourcePrefix(rbacGroup, 'clusterroles')).map((c) => c.obj);
    let changed = 0;
    for (const role of roles) {
      const want = aggregatedRules(role, roles);
      if (!want) continue;
      const wantJson = want.map(ruleToJson);
      if (isDeepStrictEqual(rulesOf(role).map(ruleToJson), wantJson)) continue;
      const next = JSON.parse(JSON.stringify(role)) as KubeObject;
      next.rules = wantJson;
      try {
        await rs.update('', role.metadata.name!, next, systemContext());
        changed++;
      } catch (err) {
        // A concurrent change wins; its watch event schedules another pass.
        if (err instanceof StatusError && (err.code === 409 || err.code === 404)) continue;
        throw err;
      }
    }
    return changed;
  }
}
