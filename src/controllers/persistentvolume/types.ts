/**
 * The parts of PersistentVolume, PersistentVolumeClaim and StorageClass that the volume controllers
 * and the scheduler read and write, with Kubernetes' field names, plus the annotation and finalizer
 * names the pieces use to talk to each other. Objects travel as plain JSON; these interfaces only
 * name the fields used.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { LabelSelectorSpec } from '../../api/selectors/labels.ts';
import type { NodeSelectorTerm } from '../../scheduler/types.ts';

/** A core/v1 ObjectReference as PersistentVolume.spec.claimRef holds it. */
export interface ClaimReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
export type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

export interface PersistentVolume extends KubeObject {
  spec: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    claimRef?: ClaimReference;
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    volumeMode?: string;
    mountOptions?: string[];
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
    local?: { path: string; fsType?: string };
    hostPath?: { path: string; type?: string };
    [k: string]: unknown;
  };
  status?: { phase?: VolumePhase; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface PersistentVolumeClaim extends KubeObject {
  spec: {
    accessModes?: string[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    selector?: LabelSelectorSpec | null;
    storageClassName?: string | null;
    volumeName?: string;
    volumeMode?: string;
    [k: string]: unknown;
  };
  status?: {
    phase?: ClaimPhase;
    capacity?: Record<string, string>;
    accessModes?: string[];
    [k: string]: unknown;
  };
}

export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  mountOptions?: string[];
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

export type RO<T> = DeepReadonly<T>;

/** Set on a claim once the controller has finished binding it ("yes"). */
export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
/** Set on a PV (claimRef) or a claim (volumeName) when the controller, not the user, made the link. */
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
/** Set on a PV by the provisioner that made it; that provisioner also deletes it. */
export const annProvisionedBy = 'pv.kubernetes.io/provisioned-by';
/** Written on a WaitForFirstConsumer claim by the scheduler: the node its first pod goes to. */
export const annSelectedNode = 'volume.kubernetes.io/selected-node';
/** Written on a claim by the binder: which provisioner should make a volume for it. */
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
/** The provisioner name of classes whose volumes are only ever created by hand. */
export const noProvisioner = 'kubernetes.io/no-provisioner';

export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

/** The StorageClass a claim or volume names: the beta annotation wins over spec.storageClassName. */
export function storageClassName(o: RO<PersistentVolume> | RO<PersistentVolumeClaim>): string {
  return (
    o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? o.spec?.storageClassName ?? ''
  );
}

/** True when the class delays binding until a pod using the claim is scheduled. */
export function isDelayBinding(sc: RO<StorageClass> | undefined): boolean {
  return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** True when volumes of the class can be made on demand. */
export function canProvision(sc: RO<StorageClass> | undefined): boolean {
  return !!sc && !!sc.provisioner && sc.provisioner !== noProvisioner;
}

/** The claim's storage request ('0' when missing). */
export function requestedStorage(claim: RO<PersistentVolumeClaim>): string {
  return claim.spec?.resources?.requests?.storage ?? '0';
}

/** `namespace/name` of the claim a volume's claimRef points at ('' when none). */
export function claimRefKey(pv: RO<PersistentVolume>): string {
  const ref = pv.spec?.claimRef;
  return ref?.name ? `${ref.namespace ?? ''}/${ref.name}` : '';
}

/** True when the volume's claimRef names this claim (and, if the ref has a uid, this very claim). */
export function isVolumeBoundToClaim(pv: RO<PersistentVolume>, claim: RO<PersistentVolumeClaim>): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || (ref.namespace ?? '') !== (claim.metadata.namespace ?? ''))
    return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}
