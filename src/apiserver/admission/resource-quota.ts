/**
 * ResourceQuota admission: a write that would take a namespace over one of its quotas is refused
 * with 403, worded as Kubernetes does
 * (`exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`), and a write that fits is
 * charged to the quotas' status.used before it is stored, so the next request sees it at once.
 *
 * Which quotas apply: those whose status.hard (mirrored from spec.hard by the quota controller)
 * names a resource the object is charged under and whose scopes select it. Before charging, each
 * applying quota must know its usage (`status unknown for quota`) and pods must state the cpu/memory
 * requests or limits a quota constrains (`failed quota: q: must specify ...`).
 *
 * What is charged: on CREATE the object's usage; on UPDATE (Services, PersistentVolumeClaims —
 * where usage can grow) the growth over the old object. Charges are compare-and-swap writes of the
 * quota (quota-charge.ts); when the object's own write then fails or is not made, `release` gives
 * them back. Decrements (deletes, finished pods) are the quota controller's job.
 *
 * Must run after every mutating plugin (LimitRanger, Priority, default tolerations and storage
 * class): it charges what the object finally asks for, and once it has charged, no later plugin
 * may refuse (the store would not call `release` for that).
 */
import type { KubeObject } from '../../api/object.ts';
import { evaluatorFor, type QuotaEvaluator } from '../../api/quota/evaluators.ts';
import {
  isZeroUsage,
  parseUsage,
  prettyUsage,
  subtractUsage,
  type Usage,
} from '../../api/quota/resource-list.ts';
import { quotaScopes } from '../../api/quota/scopes.ts';
import type { Api } from '../api.ts';
import { admissionForbidden } from './forbidden.ts';
import { QuotaLedger, type Charge } from './quota-charge.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './types.ts';

function statusList(q: KubeObject, which: 'hard' | 'used'): Usage {
  const status =
    typeof q.status === 'object' && q.status !== null ? (q.status as Record<string, unknown>) : {};
  return parseUsage(status[which]);
}

/** The resource names of `quota` that `obj` is charged under (empty: the quota does not apply). */
export function trackedBy(quota: KubeObject, evaluator: QuotaEvaluator, obj: KubeObject): string[] {
  const names = evaluator.matchingResources([...statusList(quota, 'hard').keys()]);
  if (!names.length || !evaluator.matchesScopes(obj, quotaScopes(quota))) return [];
  return names;
}

/** The change in usage a write makes: all of it on create, only growth on update. */
export function usageDelta(evaluator: QuotaEvaluator, obj: KubeObject, old: KubeObject | undefined): Usage {
  const usage = evaluator.usage(obj);
  return old ? subtractUsage(usage, evaluator.usage(old)) : usage;
}

/** The ResourceQuota admission plugin (register it after all the others). */
export function resourceQuotaAdmission(api: Api): AdmissionPlugin {
  const ledger = new QuotaLedger(api);
  // Charges made for a request, keyed by its attributes object, until the write's outcome is known.
  const pending = new WeakMap<AdmissionAttributes, Charge[]>();

  async function quotasIn(namespace: string): Promise<KubeObject[]> {
    const rs = api.resource('', 'resourcequotas');
    await rs.cache.start();
    const list = rs.cache.list(rs.prefix(namespace)).map((c) => c.obj);
    return list.sort((x, y) => ((x.metadata.name ?? '') < (y.metadata.name ?? '') ? -1 : 1));
  }

  async function refundAll(charges: readonly Charge[]): Promise<void> {
    // Best effort: the quota controller recomputes usage anyway, so a failed refund heals later.
    await Promise.all(charges.map((c) => ledger.refund(c).catch(() => {})));
  }

  return {
    name: 'ResourceQuota',
    async admit(a) {
      if (!a.namespace || a.subresource !== '' || !a.obj) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      const evaluator = evaluatorFor(a.kind.group, a.kind.resource);
      if (!evaluator.operations.includes(a.operation)) return;
      const quotas = await quotasIn(a.namespace);
      if (!quotas.length) return;
      const obj = a.obj;
      const applying: KubeObject[] = [];
      for (const q of quotas) {
        const names = trackedBy(q, evaluator, obj);
        if (!names.length) continue;
        const problem = evaluator.constraints?.(names, obj);
        if (problem) throw admissionForbidden(a, `failed quota: ${q.metadata.name}: ${problem}`);
        const used = statusList(q, 'used');
        const unknown = names.filter((n) => !used.has(n)).sort();
        if (unknown.length)
          throw admissionForbidden(
            a,
            `status unknown for quota: ${q.metadata.name}, resources: ${unknown.join(',')}`,
          );
        applying.push(q);
      }
      if (!applying.length) return;
      const delta = usageDelta(evaluator, obj, a.operation === 'UPDATE' ? a.old : undefined);
      if (isZeroUsage(delta)) return;
      const charges: Charge[] = [];
      try {
        for (const q of applying) {
          // Charge only what this quota tracks for this object (its scopes, its names), re-checked
          // against the stored quota inside the ledger.
          const names = new Set(trackedBy(q, evaluator, obj));
          const mine: Usage = new Map([...delta].filter(([k]) => names.has(k)));
          const c = await ledger.charge(
            a.namespace,
            q.metadata.name ?? '',
            mine,
            (quota, e) =>
              admissionForbidden(
                a,
                `exceeded quota: ${quota.metadata.name}, requested: ${prettyUsage(e.requested)}, used: ${prettyUsage(e.used)}, limited: ${prettyUsage(e.hard)}`,
              ),
            a.ctx.dryRun,
          );
          if (c && !a.ctx.dryRun) charges.push(c);
        }
      } catch (err) {
        await refundAll(charges);
        throw err;
      }
      if (charges.length) pending.set(a, charges);
    },
    async release(a, committed) {
      const charges = pending.get(a);
      if (!charges) return;
      pending.delete(a);
      if (!committed) await refundAll(charges);
    },
  };
}
