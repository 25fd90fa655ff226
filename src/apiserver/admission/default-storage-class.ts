/**
 * DefaultStorageClass: a PersistentVolumeClaim created without a storage class (no
 * spec.storageClassName and no beta class annotation) gets the cluster's default class — the
 * StorageClass annotated `storageclass.kubernetes.io/is-default-class: "true"`. With several
 * defaults the newest wins (ties by name), so adding a new default takes effect at once. An explicit
 * `storageClassName: ""` means "no class" and is left alone; with no default class nothing changes.
 */
import { isDefaultClass } from '../../api/kinds/storage/storageclass.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Api } from '../api.ts';
import type { AdmissionPlugin } from './types.ts';

/** The default class among `classes`, if any (newest first, then by name). */
export function pickDefaultClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}

export function defaultStorageClass(api: Api): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    async admit(a) {
      if (a.operation !== 'CREATE' || a.subresource || !a.obj) return;
      if (a.kind.group !== '' || a.kind.resource !== 'persistentvolumeclaims') return;
      const spec = (a.obj.spec ??= {}) as Record<string, unknown>;
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      if (a.obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
      const classes = api.resource('storage.k8s.io', 'storageclasses');
      await classes.cache.start();
      const chosen = pickDefaultClass(classes.cache.list(classes.prefix('')).map((c) => c.obj));
      if (chosen) spec.storageClassName = chosen.metadata.name;
    },
  };
}
