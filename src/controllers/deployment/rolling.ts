/**
 * The arithmetic of a rolling update, as pure functions over replica counts so it can be tested
 * table-driven: resolving maxSurge/maxUnavailable (percentages: surge rounds up, unavailable rounds
 * down, and both 0 becomes unavailable 1 so a rollout can always move), how far the new ReplicaSet
 * may grow, and which old ReplicaSets shrink by how much (unhealthy replicas first, then the
 * oldest ReplicaSets) without dropping below desired − maxUnavailable available pods.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Deployment, ReplicaSet } from '../replicaset/types.ts';

type RO<T> = DeepReadonly<T>;

/** An int-or-percent against `total`; percentages round up or down as asked. */
export function intOrPercent(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** maxSurge and maxUnavailable as pod counts for `desired` replicas. */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = intOrPercent(maxSurge ?? '25%', desired, true);
  let unavailable = intOrPercent(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export const replicasOf = (
  o: { spec: { replicas?: number } } | RO<{ spec: { replicas?: number } }>,
): number => o.spec.replicas ?? 0;
export const desiredOf = (d: RO<Deployment>): number => d.spec.replicas ?? 1;
export const isRollingUpdate = (d: RO<Deployment>): boolean =>
  (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** Pods allowed above desired during a rolling update (0 for Recreate). */
export function maxSurge(d: RO<Deployment>): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredOf(d)).surge;
}

/** Pods that may be unavailable during a rolling update, never more than desired (0 for Recreate). */
export function maxUnavailable(d: RO<Deployment>): number {
  const desired = desiredOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desired).unavailable, desired);
}

/** Sum of spec.replicas. */
export function specReplicas(rss: readonly RO<ReplicaSet>[]): number {
  return rss.reduce((n, rs) => n + replicasOf(rs), 0);
}

/** Sum of status.availableReplicas. */
export function availableReplicas(rss: readonly RO<ReplicaSet>[]): number {
  return rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
}

/** The size the new ReplicaSet should have next: desired for Recreate; bounded by desired + maxSurge for RollingUpdate. */
export function newReplicaSetReplicas(
  d: RO<Deployment>,
  all: readonly RO<ReplicaSet>[],
  newRS: RO<ReplicaSet>,
): number {
  const desired = desiredOf(d);
  if (!isRollingUpdate(d)) return desired;
  const current = specReplicas(all);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, desired - replicasOf(newRS));
}

function byCreation(a: RO<ReplicaSet>, b: RO<ReplicaSet>): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** One planned scale: ReplicaSet name → its new spec.replicas. */
export type ScalePlan = Map<string, number>;

/**
 * How far old ReplicaSets may shrink now. First unhealthy replicas (spec − available) of the oldest
 * ReplicaSets go, up to what the availability budget allows; then available old pods, oldest
 * ReplicaSet first, while at least desired − maxUnavailable pods stay available overall.
 */
export function planOldScaleDown(
  d: RO<Deployment>,
  oldRSs: readonly RO<ReplicaSet>[],
  newRS: RO<ReplicaSet> | undefined,
): ScalePlan {
  const plan: ScalePlan = new Map();
  if (specReplicas(oldRSs) === 0) return plan;
  const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
  const minAvailable = desiredOf(d) - maxUnavailable(d);
  const newUnavailable = newRS ? replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const budget = specReplicas(all) - minAvailable - newUnavailable;
  if (budget <= 0) return plan;
  const size = (rs: RO<ReplicaSet>): number => plan.get(rs.metadata.name ?? '') ?? replicasOf(rs);
  const sorted = [...oldRSs].sort(byCreation);
  // 1. Unhealthy replicas cost no availability.
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= budget) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (size(rs) === 0 || size(rs) === available) continue;
    const n = Math.min(budget - cleaned, size(rs) - available);
    plan.set(rs.metadata.name ?? '', size(rs) - n);
    cleaned += n;
  }
  // 2. Available replicas, keeping minAvailable.
  const availableNow = availableReplicas(all);
  if (availableNow <= minAvailable) return plan;
  const total = availableNow - minAvailable;
  let scaled = 0;
  for (const rs of sorted) {
    if (scaled >= total) break;
    if (size(rs) === 0) continue;
    const n = Math.min(size(rs), total - scaled);
    plan.set(rs.metadata.name ?? '', size(rs) - n);
    scaled += n;
  }
  return plan;
}
