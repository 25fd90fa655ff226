/**
 * What the storage pages show about PersistentVolumeClaims, PersistentVolumes and StorageClasses:
 * phases, capacities, the claim a volume is bound to, the default class, and which pods use a
 * claim. Pure, so the pages only lay the figures out.
 */
import type { KubeObject, Pod } from '../api/types.ts';

export interface PersistentVolumeClaim extends KubeObject {
  spec?: {
    volumeName?: string;
    storageClassName?: string;
    accessModes?: string[];
    resources?: { requests?: { storage?: string } };
    volumeMode?: string;
  };
  status?: { phase?: string; capacity?: { storage?: string }; accessModes?: string[] };
}

export interface PersistentVolume extends KubeObject {
  spec?: {
    capacity?: { storage?: string };
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    claimRef?: { namespace?: string; name?: string };
  };
  status?: { phase?: string; reason?: string };
}

export interface StorageClass extends KubeObject {
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

const defaultAnnotations = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

/** True when the class is marked as the default (the annotation, or its beta form, is "true"). */
export function isDefaultClass(sc: StorageClass): boolean {
  return defaultAnnotations.some((a) => sc.metadata.annotations?.[a] === 'true');
}

/** A claim's phase; Terminating while it is being deleted. */
export function claimStatus(pvc: PersistentVolumeClaim): string {
  if (pvc.metadata.deletionTimestamp) return 'Terminating';
  return pvc.status?.phase ?? 'Pending';
}

/** A volume's phase; Terminating while it is being deleted. */
export function volumeStatus(pv: PersistentVolume): string {
  if (pv.metadata.deletionTimestamp) return 'Terminating';
  return pv.status?.phase ?? 'Pending';
}

/** What a claim holds: the bound capacity, else what it asks for. */
export function claimCapacity(pvc: PersistentVolumeClaim): string {
  return pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage ?? '-';
}

/** Access modes in kubectl's short form (RWO, ROX, RWX, RWOP). */
export function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = {
    ReadWriteOnce: 'RWO',
    ReadOnlyMany: 'ROX',
    ReadWriteMany: 'RWX',
    ReadWriteOncePod: 'RWOP',
  };
  return (modes ?? []).map((m) => short[m] ?? m).join(',') || '-';
}

/** `namespace/name` of the claim a volume is bound to, or '-'. */
export function volumeClaim(pv: PersistentVolume): string {
  const ref = pv.spec?.claimRef;
  return ref?.name ? `${ref.namespace ?? ''}/${ref.name}` : '-';
}

/** For every `namespace/claim`, the names of the pods (not finished) whose volumes use it. */
export function claimUsers(pods: readonly Pod[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of pods) {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const volumes =
      (p.spec as { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined)?.volumes ??
      [];
    for (const v of volumes) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const key = `${p.metadata.namespace ?? ''}/${claim}`;
      const users = out.get(key) ?? [];
      if (!users.includes(p.metadata.name)) users.push(p.metadata.name);
      out.set(key, users);
    }
  }
  return out;
}
