/**
 * When must a pod leave a node with NoExecute taints? Each NoExecute taint must be tolerated by one
 * of the pod's tolerations, or the pod goes at once. A tolerated taint lets the pod stay for the
 * longest tolerationSeconds among the tolerations matching it (no tolerationSeconds: for ever;
 * zero or negative: not at all), counted from when the taint was added. The pod's deadline is the
 * earliest over its node's NoExecute taints.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { tolerates } from '../../scheduler/plugins/tolerations.ts';
import type { Taint, Toleration } from '../nodelifecycle/types.ts';

export type EvictionDecision =
  /** The node has no NoExecute taint this pod cares about. */
  | { kind: 'none' }
  /** Every NoExecute taint is tolerated for ever. */
  | { kind: 'never' }
  /** Evict at `at` (ms); `untolerated` names the taint when the pod does not tolerate it at all. */
  | { kind: 'evict'; at: number; untolerated?: DeepReadonly<Taint> };

/** The node's NoExecute taints. */
export function noExecuteTaints(taints: readonly DeepReadonly<Taint>[] | undefined): DeepReadonly<Taint>[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * The eviction decision for a pod with `tolerations` on a node with `taints`. `since(taint)` is
 * when the taint was added (its timeAdded, or when it was first seen); `now` is used for
 * untolerated taints.
 */
export function evictionDeadline(
  taints: readonly DeepReadonly<Taint>[] | undefined,
  tolerations: readonly DeepReadonly<Toleration>[] | undefined,
  since: (t: DeepReadonly<Taint>) => number,
  now: number,
): EvictionDecision {
  const noExecute = noExecuteTaints(taints);
  if (noExecute.length === 0) return { kind: 'none' };
  let at = Infinity;
  for (const taint of noExecute) {
    const matching = (tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) return { kind: 'evict', at: now, untolerated: taint };
    let seconds = -Infinity;
    for (const t of matching) {
      const s = t.tolerationSeconds === undefined ? Infinity : Math.max(0, t.tolerationSeconds);
      seconds = Math.max(seconds, s);
    }
    if (seconds !== Infinity) at = Math.min(at, since(taint) + seconds * 1000);
  }
  return at === Infinity ? { kind: 'never' } : { kind: 'evict', at };
}
