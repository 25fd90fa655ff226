/**
 * DaemonSet status from the nodes and the pods for them. For each node the daemon should run on
 * (desiredNumberScheduled) the oldest pod there is the one that counts: it makes the node
 * scheduled (currentNumberScheduled), ready, available after minReadySeconds, and updated when it
 * carries the current revision. Pods on nodes the daemon should not run on are misscheduled.
 * Terminating and terminated pods do not count.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isPodAvailable, isPodReady } from '../replicaset/pod-state.ts';
import type { NodeFit } from './eligibility.ts';
import { byCreation } from './node-plan.ts';
import { isPodUpdated } from './pod-template.ts';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

function counts(p: RO<Pod>): boolean {
  const phase = p.status?.phase;
  return !p.metadata.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded';
}

/** The status `ds` should have; observedGeneration moves only when the sync got past expectations. */
export function calculateDaemonSetStatus(
  ds: RO<DaemonSet>,
  nodes: readonly RO<Node>[],
  podsByNode: ReadonlyMap<string, readonly RO<Pod>[]>,
  fit: (node: RO<Node>) => NodeFit,
  o: { hash: string; generation: number; now: number; observeGeneration: boolean },
): DaemonSetStatus {
  const minReady = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of nodes) {
    const pods = (podsByNode.get(node.metadata.name ?? '') ?? []).filter(counts);
    const { shouldRun } = fit(node);
    if (!shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = [...pods].sort(byCreation)[0]!;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, o.now)) available++;
    }
    if (isPodUpdated(pod, o.hash, o.generation)) updated++;
  }
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: o.observeGeneration
      ? (ds.metadata.generation ?? 0)
      : (ds.status?.observedGeneration ?? 0),
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions?.length)
    status.conditions = structuredClone(ds.status.conditions) as DaemonSetStatus['conditions'];
  return status;
}

const fields = [
  'currentNumberScheduled',
  'numberMisscheduled',
  'desiredNumberScheduled',
  'numberReady',
  'observedGeneration',
  'updatedNumberScheduled',
  'numberAvailable',
  'numberUnavailable',
  'collisionCount',
] as const;

/** True when the two statuses agree on every counter (the write can be skipped). */
export function sameDaemonSetStatus(a: RO<DaemonSetStatus> | undefined, b: DaemonSetStatus): boolean {
  if (!a) return false;
  return fields.every((f) => (a[f] ?? 0) === (b[f] ?? 0));
}
