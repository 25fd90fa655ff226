/**
 * Controller references: the one ownerReference with controller=true that says which object
 * manages another. Creating, comparing and finding them is shared by the ReplicaSet controller
 * (owning pods) and the Deployment controller (owning ReplicaSets).
 */
import type { DeepReadonly, KubeObject, OwnerReference } from '../../api/object.ts';

/** The controller ownerReference of `obj`, if any. */
export function controllerRefOf(obj: DeepReadonly<KubeObject>): DeepReadonly<OwnerReference> | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/**
 * A controller reference to `owner`. blockOwnerDeletion makes foreground deletion of the owner wait
 * for the dependent, as Kubernetes' controllers set it.
 */
export function newControllerRef(
  owner: DeepReadonly<KubeObject>,
  apiVersion: string,
  kind: string,
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when the two references name the same controller (kind, name and uid). */
export function sameControllerRef(
  a: DeepReadonly<OwnerReference> | undefined,
  b: DeepReadonly<OwnerReference> | undefined,
): boolean {
  if (!a || !b) return a === b;
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind;
}

/** True when `ref` points at kind `kind` (any version of `group`). */
export function refersToKind(ref: DeepReadonly<OwnerReference>, group: string, kind: string): boolean {
  const slash = ref.apiVersion.indexOf('/');
  const refGroup = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  return refGroup === group && ref.kind === kind;
}
