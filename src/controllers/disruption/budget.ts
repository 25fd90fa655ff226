/**
 * The arithmetic of a PodDisruptionBudget, as pure functions: how many pods are expected, how many
 * must stay healthy, how many are healthy now, and so how many disruptions are allowed. Pods named
 * in status.disruptedPods (evicted, not yet gone) do not count as healthy until their entry is
 * older than the disruption timeout, after which the entry is dropped as stale.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { intOrPercent } from '../deployment/rolling.ts';
import { isPodReady } from '../replicaset/pod-state.ts';
import type { Pod } from '../replicaset/types.ts';

type RO<T> = DeepReadonly<T>;

/** How long an eviction recorded in disruptedPods keeps its pod out of the healthy count. */
export const disruptionTimeoutMs = 2 * 60_000;

export interface BudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

/** expectedPods and desiredHealthy for a budget, given the pods it selects and their controllers' scale. */
export function expectedAndDesired(
  spec: RO<BudgetSpec>,
  podCount: number,
  controllerScale: () => number,
): { expected: number; desired: number } {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expected = controllerScale();
    const maxUnavailable = intOrPercent(spec.maxUnavailable, expected, true);
    return { expected, desired: Math.max(0, expected - maxUnavailable) };
  }
  if (typeof spec.minAvailable === 'number') return { expected: podCount, desired: spec.minAvailable };
  if (typeof spec.minAvailable === 'string') {
    const expected = controllerScale();
    return { expected, desired: intOrPercent(spec.minAvailable, expected, true) };
  }
  return { expected: podCount, desired: 0 };
}

/**
 * The disruptedPods entries still in force at `now`: entries for pods that are gone or already
 * terminating are dropped (their disruption happened), as are stale ones. `nextExpiry` is when the
 * earliest remaining entry goes stale, so the budget can be looked at again then.
 */
export function liveDisruptions(
  disrupted: RO<Record<string, string>> | undefined,
  pods: readonly RO<Pod>[],
  now: number,
): { live: Record<string, string>; nextExpiry?: number } {
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  const live: Record<string, string> = {};
  let nextExpiry: number | undefined;
  for (const [name, at] of Object.entries(disrupted ?? {})) {
    const pod = byName.get(name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const expires = Date.parse(at) + disruptionTimeoutMs;
    if (Number.isNaN(expires) || expires <= now) continue;
    live[name] = at;
    nextExpiry = nextExpiry === undefined ? expires : Math.min(nextExpiry, expires);
  }
  return { live, nextExpiry };
}

/** Ready pods that are neither terminating nor just evicted. */
export function countHealthy(pods: readonly RO<Pod>[], disrupted: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (p.metadata.name && p.metadata.name in disrupted) continue;
    if (isPodReady(p)) n++;
  }
  return n;
}
