/**
 * What `manage` should do, computed without side effects from the nodes, the DaemonSet's pods
 * grouped by the node they are for, and the node fit: which nodes need a daemon pod and which pods
 * must go. Per node:
 *  - shouldRun and no pod at all (not even a terminating one) → create one;
 *  - shouldContinueRunning → failed pods are deleted (rate-limited per node by the backoff) and
 *    duplicates trimmed: without surge the oldest running pod stays; with surge the oldest updated
 *    and the oldest old pod may coexist, and the old one goes once the updated one is available;
 *  - otherwise (the node stopped fitting) → every pod there goes.
 * Pods for nodes that no longer exist (or that name no node) go too; they are marked `nodeGone`
 * and deleted at once, because no kubelet will confirm a graceful deletion (Kubernetes leaves this
 * to its pod garbage collector, which Berth does not have).
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isPodAvailable } from '../replicaset/pod-state.ts';
import { FailedPodBackoff } from './backoff.ts';
import type { NodeFit } from './eligibility.ts';
import { isPodUpdated } from './pod-template.ts';
import type { Node, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

export interface PodToDelete {
  pod: RO<Pod>;
  /** The pod's node no longer exists: delete without waiting for a kubelet. */
  nodeGone?: boolean;
  /** The pod failed on `node` (for the FailedDaemonPod event). */
  failedOn?: string;
}

export interface ManagePlan {
  nodesNeedingPods: string[];
  podsToDelete: PodToDelete[];
  /** Look again after this long (a failed pod is still in backoff). */
  requeueAfterMs?: number;
}

export interface PlanOptions {
  dsUid: string;
  useSurge: boolean;
  hash: string;
  generation: number;
  minReadySeconds: number;
  now: number;
  backoff: FailedPodBackoff;
}

/** Oldest first; ties broken by name so the order is stable. */
export function byCreation(a: RO<Pod>, b: RO<Pod>): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function isTerminal(p: RO<Pod>): boolean {
  return p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
}

/** The decisions for one node's pods when an existing pod may keep running there. */
function keepRunning(node: string, pods: readonly RO<Pod>[], o: PlanOptions, plan: ManagePlan): void {
  const running: RO<Pod>[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (!isTerminal(pod)) {
      running.push(pod);
      continue;
    }
    // Daemon pods run forever; a terminated one is replaced, but not faster than the backoff allows.
    const key = FailedPodBackoff.key(o.dsUid, node);
    const wait = o.backoff.remaining(key, o.now);
    if (wait > 0) {
      plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? Infinity, wait);
      continue;
    }
    o.backoff.next(key, o.now);
    plan.podsToDelete.push({ pod, failedOn: node });
  }
  running.sort(byCreation);
  if (!o.useSurge) {
    for (const extra of running.slice(1)) plan.podsToDelete.push({ pod: extra });
    return;
  }
  let oldestNew: RO<Pod> | undefined;
  let oldestOld: RO<Pod> | undefined;
  for (const pod of running) {
    if (isPodUpdated(pod, o.hash, o.generation)) {
      if (!oldestNew) {
        oldestNew = pod;
        continue;
      }
    } else if (!oldestOld) {
      oldestOld = pod;
      continue;
    }
    plan.podsToDelete.push({ pod });
  }
  if (oldestNew && oldestOld && isPodAvailable(oldestNew, o.minReadySeconds, o.now))
    plan.podsToDelete.push({ pod: oldestOld });
}

/** The plan for one sync; see the file comment. `podsByNode` is keyed by target node ('' for none). */
export function planManage(
  nodes: readonly RO<Node>[],
  podsByNode: ReadonlyMap<string, readonly RO<Pod>[]>,
  fit: (node: RO<Node>) => NodeFit,
  o: PlanOptions,
): ManagePlan {
  const plan: ManagePlan = { nodesNeedingPods: [], podsToDelete: [] };
  const known = new Set<string>();
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    known.add(name);
    const { shouldRun, shouldContinueRunning } = fit(node);
    const pods = podsByNode.get(name) ?? [];
    if (shouldRun && pods.length === 0) {
      plan.nodesNeedingPods.push(name);
    } else if (shouldContinueRunning) {
      keepRunning(name, pods, o, plan);
    } else {
      for (const pod of pods) if (!pod.metadata.deletionTimestamp) plan.podsToDelete.push({ pod });
    }
  }
  for (const [name, pods] of podsByNode) {
    if (known.has(name)) continue;
    for (const pod of pods) {
      // A graceful deletion already under way there would wait for a kubelet that is gone.
      const waiting = (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0;
      if (!pod.metadata.deletionTimestamp || waiting) plan.podsToDelete.push({ pod, nodeGone: true });
    }
  }
  return plan;
}
