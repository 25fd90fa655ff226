/**
 * Which pod goes first when the node is short of a resource, ranked as the kubelet ranks them:
 *  1. pods whose usage of the resource exceeds their request before pods within their request;
 *  2. then lower spec.priority first;
 *  3. then the larger usage above the request first.
 * BestEffort pods request nothing, so any usage exceeds it: they go before pods within their requests,
 * and Guaranteed pods (usage within request = limit) after every pod over its request. Among pods
 * within their requests the one nearest its request goes first, Guaranteed or not (as the kubelet). Static pods and pods of
 * system-critical priority (≥ 2000000000) are never candidates.
 */
import { parseQuantity, quantityValue } from '../../api/quantity.ts';
import { isStaticPod } from '../pods/static-pods.ts';
import type { RContainer, RPod } from '../pods/types.ts';

/** spec.priority from which a pod counts as system-critical (system-cluster-critical's value). */
export const criticalPriority = 2_000_000_000;

/** A pod with its usage of the resource being ranked (undefined: no reading). */
export interface Candidate {
  pod: RPod;
  usageBytes: number | undefined;
}

function request(c: RContainer, resource: string): number {
  const q = (c.resources?.requests as Record<string, string> | undefined)?.[resource];
  if (q === undefined) return 0;
  try {
    return quantityValue(parseQuantity(q));
  } catch {
    return 0;
  }
}

/** The pod's request of `resource`: the sum over its containers, or the largest init container's if more. */
export function podRequest(pod: RPod, resource: string): number {
  const app = (pod.spec?.containers ?? []).reduce((n, c) => n + request(c, resource), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => request(c, resource)));
  return Math.max(app, init);
}

/** spec.priority (0 when unset). */
export function podPriority(pod: RPod): number {
  return (pod.spec as { priority?: number } | undefined)?.priority ?? 0;
}

/** Whether the kubelet may evict this pod at all. */
export function evictable(pod: RPod): boolean {
  if (isStaticPod(pod) || podPriority(pod) >= criticalPriority) return false;
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** Candidates in eviction order (first = evicted first); `resource` is "memory" or "ephemeral-storage". */
export function rankForEviction(candidates: readonly Candidate[], resource: string): Candidate[] {
  const keyed = candidates.map((c) => {
    const req = podRequest(c.pod, resource);
    const usage = c.usageBytes ?? 0;
    return { c, exceeds: usage > req, priority: podPriority(c.pod), above: usage - req };
  });
  keyed.sort((a, b) => Number(b.exceeds) - Number(a.exceeds) || a.priority - b.priority || b.above - a.above);
  return keyed.map((k) => k.c);
}
