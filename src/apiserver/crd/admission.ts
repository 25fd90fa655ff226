/**
 * Admission for custom resources: a new CustomResourceDefinition gets the
 * `customresourcecleanup.apiextensions.k8s.io` finalizer (so deleting it first deletes its objects),
 * and objects of a CRD that is being deleted may no longer be created.
 */
import { methodNotAllowed } from '../../api/errors.ts';
import type { AdmissionPlugin } from '../admission/types.ts';

/** The finalizer that holds a deleted CRD until its custom objects are gone. */
export const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

export const crdGroup = 'apiextensions.k8s.io';
export const crdResource = 'customresourcedefinitions';

/**
 * The plugin. `terminating(group, resource)` says whether the CRD serving group/resource is being
 * deleted.
 */
export function customResourceAdmission(
  terminating: (group: string, resource: string) => boolean,
): AdmissionPlugin {
  return {
    name: 'CustomResourceDefinitions',
    admit(a) {
      if (a.operation !== 'CREATE' || a.subresource !== '') return;
      if (a.kind.group === crdGroup && a.kind.resource === crdResource && a.obj) {
        const finalizers = a.obj.metadata.finalizers ?? [];
        if (!finalizers.includes(cleanupFinalizer))
          a.obj.metadata.finalizers = [...finalizers, cleanupFinalizer];
        return;
      }
      if (terminating(a.kind.group, a.kind.resource)) {
        throw methodNotAllowed('create not allowed while custom resource definition is terminating');
      }
    },
  };
}
