/**
 * The PersistentVolume the local-path provisioner makes for a claim: named `pvc-<claim uid>`, a
 * `local` volume at `<basePath>/<pv name>_<namespace>_<claim name>` on the node the scheduler chose,
 * pinned there by required node affinity on kubernetes.io/hostname, sized as the claim asks,
 * pre-bound to the claim (claimRef with its uid) so the binder binds exactly this pair.
 *
 * The directory itself belongs to the node. The agent makes it when it mounts a `local` volume
 * (mode 0777, as a hostPath DirectoryOrCreate would) before starting the pod's containers. Removal:
 * before deleting a Released PV with reclaimPolicy Delete, the provisioner runs a cleanup pod on the
 * volume's node that removes the directory (cleanup-pod.ts), and deletes the PV only once it
 * Succeeded — a node that is down keeps the PV Released instead of silently leaking the data.
 */
import { posix } from 'node:path';
import type { Node } from '../../scheduler/types.ts';
import type { PersistentVolume, PersistentVolumeClaim, RO, StorageClass } from '../persistentvolume/types.ts';
import { annProvisionedBy, requestedStorage, storageClassName } from '../persistentvolume/types.ts';

/** The provisioner name classes use to ask for local-path volumes. */
export const localPathProvisioner = 'berth.io/local-path';
/** Where volumes go unless the class's `basePath` parameter says otherwise. */
export const defaultBasePath = '/var/lib/berth/storage';

/** The PV name for a claim. */
export function volumeNameFor(claim: RO<PersistentVolumeClaim>): string {
  return `pvc-${claim.metadata.uid ?? ''}`;
}

/** The directory of a volume: `<base>/<pv name>_<namespace>_<claim name>`. */
export function volumePath(base: string, pvName: string, claim: RO<PersistentVolumeClaim>): string {
  return posix.join(base, `${pvName}_${claim.metadata.namespace ?? ''}_${claim.metadata.name ?? ''}`);
}

/** The base path for a class: its `basePath` parameter, else `fallback`; must be absolute. */
export function basePathOf(sc: RO<StorageClass>, fallback = defaultBasePath): string {
  return sc.parameters?.basePath || fallback;
}

/** The node label local volumes are pinned by. */
export const hostnameLabel = 'kubernetes.io/hostname';

/** The hostname label value of a node (its name when the node or the label is unknown). */
export function hostnameOf(nodeName: string, node: RO<Node> | undefined): string {
  return node?.metadata.labels?.[hostnameLabel] ?? nodeName;
}

/** The PV for `claim` on `hostname` (see the file comment). */
export function localPathVolume(
  claim: RO<PersistentVolumeClaim>,
  sc: RO<StorageClass>,
  hostname: string,
  base: string,
): PersistentVolume {
  const name = volumeNameFor(claim);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [annProvisionedBy]: localPathProvisioner } },
    spec: {
      capacity: { storage: requestedStorage(claim) },
      accessModes: [...(claim.spec?.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: storageClassName(claim),
      volumeMode: 'Filesystem',
      ...(sc.mountOptions?.length ? { mountOptions: [...sc.mountOptions] } : {}),
      local: { path: volumePath(base, name, claim) },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: hostnameLabel, operator: 'In', values: [hostname] }] },
          ],
        },
      },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata.namespace ?? '',
        name: claim.metadata.name ?? '',
        uid: claim.metadata.uid ?? '',
        ...(claim.metadata.resourceVersion ? { resourceVersion: claim.metadata.resourceVersion } : {}),
      },
    },
  };
}
