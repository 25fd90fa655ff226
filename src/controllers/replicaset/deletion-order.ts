/**
 * Which pods a ReplicaSet deletes first when it scales down: the ones whose loss hurts least.
 * In order of precedence, a pod goes first when it is
 *  1. not scheduled (no spec.nodeName),
 *  2. earlier in its lifecycle: Pending before Unknown before Running,
 *  3. not Ready,
 *  4. of lower `controller.kubernetes.io/pod-deletion-cost`,
 *  5. on a node crowded with more of the same pods (spreads what remains),
 *  6. Ready for a shorter time,
 *  7. restarted more often,
 *  8. newer (created later).
 * Ties keep the input order (Array.prototype.sort is stable).
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isPodReady, readySince, restartCount } from './pod-state.ts';
import type { Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: RO<Pod>): number {
  const v = Number.parseInt(pod.metadata.annotations?.[podDeletionCostAnnotation] ?? '', 10);
  return Number.isFinite(v) ? v : 0;
}

function created(pod: RO<Pod>): number {
  const t = Date.parse(pod.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/**
 * `pods` sorted so the best candidates for deletion come first. `related` (default: `pods`) are the
 * pods counted when ranking how crowded each node is.
 */
export function podsInDeletionOrder(pods: readonly RO<Pod>[], related: readonly RO<Pod>[] = pods): RO<Pod>[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const crowd = (p: RO<Pod>): number => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  const cmp = (a: RO<Pod>, b: RO<Pod>): number => {
    const sa = a.spec?.nodeName ? 1 : 0;
    const sb = b.spec?.nodeName ? 1 : 0;
    if (sa !== sb) return sa - sb;
    const pa = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
    const pb = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a) ? 1 : 0;
    const rb = isPodReady(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (crowd(a) !== crowd(b)) return crowd(b) - crowd(a);
    if (ra === 1) {
      const ta = readySince(a) ?? 0;
      const tb = readySince(b) ?? 0;
      if (ta !== tb) return tb - ta; // ready more recently goes first
    }
    if (restartCount(a) !== restartCount(b)) return restartCount(b) - restartCount(a);
    return created(b) - created(a);
  };
  return [...pods].sort(cmp);
}
