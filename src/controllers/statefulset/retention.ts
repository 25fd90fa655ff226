/**
 * persistentVolumeClaimRetentionPolicy, carried out the way Kubernetes does it: through
 * ownerReferences on the claims, so the garbage collector does the deleting.
 * - whenDeleted=Delete: the claim is owned by the StatefulSet (deleting the set takes the claim).
 * - whenScaled=Delete: the claim of a pod being scaled away (ordinal out of range) is owned by that
 *   pod, set just before the pod is deleted, so the claim goes with the pod; for Delete/Delete the
 *   set's reference is dropped then, or the claim would outlive the pod until the set goes.
 * - Retain: no reference from this set or pod, so the claim outlives both.
 * References to other owners are left alone.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import { newControllerRef } from '../replicaset/controller-ref.ts';
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.ts';

type RO<T> = DeepReadonly<T>;

/**
 * The ownerReferences `claim` should have for the pod `pod` of `set` (condemned: the pod is being
 * scaled away), or undefined when it already has them.
 */
export function claimOwnerRefs(
  set: RO<StatefulSet>,
  pod: RO<Pod>,
  claim: RO<PersistentVolumeClaim>,
  condemned: boolean,
): OwnerReference[] | undefined {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  const deleteWithSet = policy.whenDeleted === 'Delete';
  const deleteWhenScaled = policy.whenScaled === 'Delete';
  const wantSet = deleteWithSet && !(deleteWhenScaled && condemned);
  const wantPod = deleteWhenScaled && condemned;
  const setUid = set.metadata.uid ?? '';
  const podUid = pod.metadata.uid ?? '';
  const refs = claim.metadata.ownerReferences ?? [];
  const hasSet = refs.some((r) => r.uid === setUid);
  const hasPod = refs.some((r) => r.uid === podUid);
  if (hasSet === wantSet && hasPod === wantPod) return undefined;
  const out = refs
    .filter((r) => r.uid !== setUid && r.uid !== podUid)
    .map((r) => structuredClone(r) as OwnerReference);
  if (wantSet) out.push(newControllerRef(set, 'apps/v1', 'StatefulSet'));
  if (wantPod) out.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: podUid });
  return out;
}
