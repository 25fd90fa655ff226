/**
 * StorageObjectInUseProtection: every PersistentVolumeClaim is created with the finalizer
 * `kubernetes.io/pvc-protection` and every PersistentVolume with `kubernetes.io/pv-protection`, so
 * deleting one that is still in use only marks it; the volume-protection controller removes the
 * finalizer once no pod uses the claim / the volume is no longer Bound. Setting it at create time
 * (rather than only from the controller) closes the window in which a fresh claim could vanish
 * under a pod that was just scheduled.
 */
import type { AdmissionPlugin } from './types.ts';

const finalizerFor: Record<string, string> = {
  persistentvolumeclaims: 'kubernetes.io/pvc-protection',
  persistentvolumes: 'kubernetes.io/pv-protection',
};

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit(a) {
      if (a.operation !== 'CREATE' || a.subresource || !a.obj || a.kind.group !== '') return;
      const f = finalizerFor[a.kind.resource];
      if (!f) return;
      const list = a.obj.metadata.finalizers ?? [];
      if (!list.includes(f)) a.obj.metadata.finalizers = [...list, f];
    },
  };
}
