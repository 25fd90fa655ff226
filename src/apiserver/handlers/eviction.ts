/**
 * POST pods/NAME/eviction: a delete that PodDisruptionBudgets may refuse. A pod covered by one
 * budget is evicted only while the budget allows a disruption: the budget's
 * status.disruptionsAllowed is decremented and the pod recorded in status.disruptedPods (so the
 * disruption controller does not count it healthy again before it is gone), both in one
 * compare-and-swap on the budget, before the pod is deleted. Otherwise the answer is 429 with a
 * `DisruptionBudget` cause — what `kubectl drain` retries on. Pods that cannot count towards a
 * budget (not running yet, finished, already terminating) are deleted without looking at budgets.
 */
import { badRequest, StatusError, tooManyRequests } from '../../api/errors.ts';
import { isObject, type KubeObject } from '../../api/object.ts';
import { matchesLabels, selectorFromLabelSelector } from '../../api/selectors/labels.ts';
import { writeJson } from '../http/respond.ts';
import { deleteObject, type DeleteOptions } from '../registry/delete.ts';
import type { RequestContext } from '../registry/context.ts';
import type { ResourceStore } from '../registry/resource-store.ts';
import { list } from '../registry/list.ts';
import { decodeBody, readBody } from '../http/body.ts';
import { requestContext, type SubresourceHandler } from './resource.ts';

/** Kubernetes' cap on evictions the disruption controller has not yet confirmed. */
export const maxDisruptedPods = 2000;

interface BudgetStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
}

const violates = "Cannot evict pod as it would violate the pod's disruption budget.";

function budgetRefusal(cause: string): StatusError {
  const e = tooManyRequests(violates);
  e.status.details = { causes: [{ reason: 'DisruptionBudget', message: cause }] };
  return e;
}

function isReady(pod: KubeObject): boolean {
  const conds = (pod.status as { conditions?: unknown[] } | undefined)?.conditions ?? [];
  return conds.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True');
}

/** True for pods whose eviction never needs a budget's consent. */
function ignoresBudgets(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return (
    !!pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending'
  );
}

/** The budgets in the pod's namespace whose selector matches it. */
async function budgetsFor(pdbs: ResourceStore, pod: KubeObject): Promise<KubeObject[]> {
  const { items } = await list(pdbs, pod.metadata.namespace ?? '', {});
  return items.filter((b) => {
    const sel = (b.spec as { selector?: unknown } | undefined)?.selector;
    if (!isObject(sel)) return false;
    try {
      return matchesLabels(selectorFromLabelSelector(sel), pod.metadata.labels);
    } catch {
      return false;
    }
  });
}

/**
 * Takes one disruption from `budget` for `pod`, or throws the refusal. Re-evaluated on every lost
 * compare-and-swap, so two concurrent evictions cannot both spend the last allowed disruption.
 */
async function takeDisruption(
  pdbs: ResourceStore,
  budget: KubeObject,
  pod: KubeObject,
  ctx: RequestContext,
  now: Date,
): Promise<void> {
  const ns = budget.metadata.namespace ?? '';
  const name = budget.metadata.name!;
  await pdbs.guaranteedUpdate(ns, name, ctx, 'status', false, async (cur) => {
    if (!cur) throw budgetRefusal(`The disruption budget ${name} no longer exists.`);
    const status = { ...((cur.status ?? {}) as BudgetStatus) };
    if ((status.observedGeneration ?? 0) < (cur.metadata.generation ?? 0))
      throw budgetRefusal(`The disruption budget ${name} is still being processed by the server.`);
    const allowed = status.disruptionsAllowed ?? 0;
    if (allowed < 0) throw new StatusError(403, 'Forbidden', 'pdb disruptions allowed is negative');
    const disrupted = { ...(status.disruptedPods ?? {}) };
    if (Object.keys(disrupted).length > maxDisruptedPods)
      throw new StatusError(
        403,
        'Forbidden',
        'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
      );
    if (allowed === 0)
      throw budgetRefusal(
        `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
      );
    status.disruptionsAllowed = allowed - 1;
    // The controller counts a pod listed here as gone until it is, or until the entry is stale.
    disrupted[pod.metadata.name!] = now.toISOString().replace(/\.\d+Z$/, 'Z');
    status.disruptedPods = disrupted;
    return { ...cur, status: status as Record<string, unknown> };
  });
}

/** The eviction subresource of pods. */
export const podEviction: SubresourceHandler = async (req, res, info, kind, c, q) => {
  if (info.verb !== 'create')
    throw new StatusError(405, 'MethodNotAllowed', `${info.verb} is not supported on pods/eviction`);
  const body = decodeBody(await readBody(req), req.headers['content-type']);
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  const meta = isObject(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== info.name)
    throw badRequest('name in URL does not match name in Eviction object');
  const opts = (isObject(body.deleteOptions) ? body.deleteOptions : {}) as DeleteOptions;
  const ctx = requestContext(c.user, q, req.headers['user-agent']);
  if (Array.isArray(opts.dryRun) && opts.dryRun.includes('All')) ctx.dryRun = true;
  const pods = c.api.storeFor(kind);
  const pod = (await pods.read(info.namespace, info.name)).obj;
  if (!ignoresBudgets(pod)) {
    const pdbs = c.api.resource('policy', 'poddisruptionbudgets');
    const budgets = await budgetsFor(pdbs, pod);
    if (budgets.length > 1)
      throw new StatusError(
        500,
        'InternalError',
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      );
    const budget = budgets[0];
    if (budget) {
      const st = (budget.status ?? {}) as BudgetStatus;
      const policy = (budget.spec as { unhealthyPodEvictionPolicy?: string } | undefined)
        ?.unhealthyPodEvictionPolicy;
      const healthyEnough =
        (st.desiredHealthy ?? 0) > 0 && (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0);
      // An unready pod does not count as healthy: taking it away costs the budget nothing.
      const freeToGo = !isReady(pod) && (policy === 'AlwaysAllow' || healthyEnough);
      if (!freeToGo) await takeDisruption(pdbs, budget, pod, ctx, new Date());
    }
  }
  const uid = pod.metadata.uid;
  await deleteObject(
    pods,
    info.namespace,
    info.name,
    { ...opts, preconditions: { ...opts.preconditions, uid: opts.preconditions?.uid ?? uid } },
    ctx,
  );
  writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
};
