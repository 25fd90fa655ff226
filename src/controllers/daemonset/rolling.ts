/**
 * The RollingUpdate step, as a pure function of the nodes' pods. Nodes are taken in name order so a
 * rollout moves through the cluster predictably.
 *
 * Without surge (maxUnavailable): old pods that are not available are deleted at once (the node is
 * down anyway); available old pods are deleted while the number of unavailable nodes — no pod, a
 * pod not yet available, or a replacement under way — stays within maxUnavailable. `manage` then
 * creates the updated pod once the old one is gone.
 *
 * With surge (maxSurge): an updated pod is created beside the old one on up to maxSurge nodes at a
 * time (at once where the old pod is unavailable); once the updated pod is available the old one is
 * deleted. The node is never without a running daemon.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { intOrPercent } from '../deployment/rolling.ts';
import { isPodAvailable } from '../replicaset/pod-state.ts';
import { isPodUpdated } from './pod-template.ts';
import type { DaemonSet, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** One node's state for the rolling update. */
export interface RollingNode {
  name: string;
  /** A daemon pod should be created here (see eligibility.ts). */
  shouldRun: boolean;
  /** The DaemonSet's pods for this node, terminating ones included. */
  pods: readonly RO<Pod>[];
}

export interface RollingOptions {
  hash: string;
  generation: number;
  minReadySeconds: number;
  now: number;
  maxSurge: number;
  maxUnavailable: number;
}

export interface RollingPlan {
  podsToDelete: RO<Pod>[];
  nodesToCreate: string[];
}

/** maxSurge and maxUnavailable as node counts (percentages of desired nodes, rounded up); both 0 → unavailable 1. */
export function rollingLimits(
  ds: RO<DaemonSet>,
  desired: number,
): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = intOrPercent(ru?.maxSurge ?? 0, desired, true);
  let maxUnavailable = intOrPercent(ru?.maxUnavailable ?? 1, desired, true);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/**
 * The one updated and one old pod on a node, ignoring terminating pods; ok=false when there are
 * several of either (manage trims duplicates first).
 */
export function findUpdatedPodsOnNode(
  pods: readonly RO<Pod>[],
  hash: string,
  generation: number,
): { newPod?: RO<Pod>; oldPod?: RO<Pod>; ok: boolean } {
  let newPod: RO<Pod> | undefined;
  let oldPod: RO<Pod> | undefined;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

function byName(a: RollingNode, b: RollingNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function planWithoutSurge(nodes: RollingNode[], o: RollingOptions): RollingPlan {
  const available = (p: RO<Pod>): boolean => isPodAvailable(p, o.minReadySeconds, o.now);
  let unavailable = 0;
  const replaceNow: RO<Pod>[] = [];
  const candidates: RO<Pod>[] = [];
  for (const n of nodes) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(n.pods, o.hash, o.generation);
    if (!ok) continue;
    if (!oldPod) {
      // Nothing there yet, a pod still terminating, or an updated pod not yet available.
      if (newPod ? !available(newPod) : n.shouldRun || n.pods.length > 0) unavailable++;
      continue;
    }
    if (newPod) {
      unavailable++; // both present: manage settles it
      continue;
    }
    if (!available(oldPod)) {
      replaceNow.push(oldPod);
      unavailable++;
      continue;
    }
    if (unavailable >= o.maxUnavailable) continue;
    candidates.push(oldPod);
  }
  const budget = Math.min(Math.max(0, o.maxUnavailable - unavailable), candidates.length);
  return { podsToDelete: [...replaceNow, ...candidates.slice(0, budget)], nodesToCreate: [] };
}

function planWithSurge(nodes: RollingNode[], o: RollingOptions): RollingPlan {
  const available = (p: RO<Pod>): boolean => isPodAvailable(p, o.minReadySeconds, o.now);
  let surging = 0;
  const podsToDelete: RO<Pod>[] = [];
  const createNow: string[] = [];
  const candidates: string[] = [];
  for (const n of nodes) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(n.pods, o.hash, o.generation);
    if (!ok || !oldPod) continue; // manage creates missing pods and trims duplicates
    if (!newPod) {
      if (!available(oldPod)) {
        // Nothing to protect: replace at once (or just remove it where no daemon belongs any more).
        if (n.shouldRun) createNow.push(n.name);
        else podsToDelete.push(oldPod);
      } else if (n.shouldRun && surging < o.maxSurge) {
        candidates.push(n.name);
      } else if (!n.shouldRun) {
        podsToDelete.push(oldPod);
      }
      continue;
    }
    if (!available(newPod)) {
      surging++;
      continue;
    }
    podsToDelete.push(oldPod);
  }
  const budget = Math.min(Math.max(0, o.maxSurge - surging), candidates.length);
  return { podsToDelete, nodesToCreate: [...createNow, ...candidates.slice(0, budget)] };
}

/** The deletions and creations of one rolling-update step; see the file comment. */
export function planRollingUpdate(nodes: readonly RollingNode[], o: RollingOptions): RollingPlan {
  const sorted = [...nodes].sort(byName);
  return o.maxSurge > 0 ? planWithSurge(sorted, o) : planWithoutSurge(sorted, o);
}
