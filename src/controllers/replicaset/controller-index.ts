/**
 * An informer index of dependents by controller: an object sits under its controller's uid or,
 * having no controller, under `orphan:NAMESPACE`. What one owner may claim is then the objects it
 * already controls plus the orphans of its namespace — not every object in the namespace, which
 * made each sync cost O(namespace size) and a 30,000-pod namespace quadratic (kube-controller-manager
 * keeps an index of the same shape for the same reason). Pods of other controllers never show up.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { IndexFunc, Store } from '../../client/store.ts';
import { controllerRefOf } from './controller-ref.ts';

/** The index's name; every controller that claims registers it under this name, so it is shared. */
export const controllerIndex = 'controller';

/** The index value of orphans in `namespace` (uids never start with it). */
function orphanKey(namespace: string): string {
  return `orphan:${namespace}`;
}

/** Index values of one object: its controller's uid, or its namespace's orphan key. */
export const byController: IndexFunc<KubeObject> = (obj) => {
  const ref = controllerRefOf(obj);
  return [ref ? ref.uid : orphanKey(obj.metadata.namespace ?? '')];
};

/** The indexers option for an informer whose objects are claimed by controllers. */
export const controllerIndexers = { [controllerIndex]: byController };

/**
 * The objects `owner` may claim from `store` (indexed by `controllerIndexers`): those it controls
 * and the orphans of its namespace, for claimObjects.
 */
export function claimCandidates<T extends KubeObject>(
  store: Store<T>,
  owner: DeepReadonly<KubeObject>,
): DeepReadonly<T>[] {
  const orphans = store.byIndex(controllerIndex, orphanKey(owner.metadata.namespace ?? ''));
  const uid = owner.metadata.uid;
  return uid ? store.byIndex(controllerIndex, uid).concat(orphans) : orphans;
}
