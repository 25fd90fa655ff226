/**
 * The two halves of a binding, as pure functions over cached objects: the volume points at the claim
 * (spec.claimRef with the claim's uid) and the claim points at the volume (spec.volumeName plus the
 * bind-completed annotation). Each returns a changed copy, or undefined when the object already says
 * so, so the binder writes only what differs and a repeated sync writes nothing.
 * `bound-by-controller` records that the controller, not the user, made that half of the link —
 * only such links are undone by the controller.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  annBindCompleted,
  annBoundByController,
  type ClaimPhase,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
  type VolumePhase,
} from './types.ts';

/** The claimRef a volume bound to `claim` carries. */
export function claimReference(
  claim: RO<PersistentVolumeClaim>,
): NonNullable<PersistentVolume['spec']['claimRef']> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace ?? '',
    name: claim.metadata.name ?? '',
    uid: claim.metadata.uid ?? '',
    ...(claim.metadata.resourceVersion ? { resourceVersion: claim.metadata.resourceVersion } : {}),
  };
}

/** `pv` with spec.claimRef pointing at `claim`, or undefined when it already does (with the uid). */
export function volumeBoundToClaim(
  pv: RO<PersistentVolume>,
  claim: RO<PersistentVolumeClaim>,
): PersistentVolume | undefined {
  const ref = pv.spec?.claimRef;
  if (
    ref &&
    ref.uid === claim.metadata.uid &&
    ref.name === claim.metadata.name &&
    (ref.namespace ?? '') === (claim.metadata.namespace ?? '')
  )
    return undefined;
  const next = structuredClone(pv) as PersistentVolume;
  next.spec.claimRef = claimReference(claim);
  if (!ref) next.metadata.annotations = { ...next.metadata.annotations, [annBoundByController]: 'yes' };
  return next;
}

/** `claim` with spec.volumeName and the bind-completed annotation, or undefined when already so. */
export function claimBoundToVolume(
  claim: RO<PersistentVolumeClaim>,
  pv: RO<PersistentVolume>,
): PersistentVolumeClaim | undefined {
  const name = pv.metadata.name ?? '';
  const ann = claim.metadata.annotations ?? {};
  if (claim.spec?.volumeName === name && ann[annBindCompleted] === 'yes') return undefined;
  const next = structuredClone(claim) as PersistentVolumeClaim;
  const extra: Record<string, string> = { [annBindCompleted]: 'yes' };
  if (!claim.spec?.volumeName) extra[annBoundByController] = 'yes';
  next.spec.volumeName = name;
  next.metadata.annotations = { ...next.metadata.annotations, ...extra };
  return next;
}

/** `pv` with its claimRef and bound-by-controller annotation removed (back to Available). */
export function volumeUnbound(pv: RO<PersistentVolume>): PersistentVolume {
  const next = structuredClone(pv) as PersistentVolume;
  delete next.spec.claimRef;
  if (next.metadata.annotations) delete next.metadata.annotations[annBoundByController];
  return next;
}

/** The status a volume in `phase` should have, or undefined when it has it already. */
export function volumeWithPhase(
  pv: RO<PersistentVolume>,
  phase: VolumePhase,
  now: string,
  message?: string,
): PersistentVolume | undefined {
  const st = pv.status ?? {};
  if (st.phase === phase && (message === undefined || st.message === message)) return undefined;
  const next = structuredClone(pv) as PersistentVolume;
  next.status = { phase, ...(message ? { message } : {}), lastPhaseTransitionTime: now };
  return next;
}

/**
 * The claim with status `phase`; a Bound claim shows the volume's capacity and access modes.
 * Undefined when nothing changes.
 */
export function claimWithPhase(
  claim: RO<PersistentVolumeClaim>,
  phase: ClaimPhase,
  pv?: RO<PersistentVolume>,
): PersistentVolumeClaim | undefined {
  const next = structuredClone(claim) as PersistentVolumeClaim;
  const status = { ...(next.status ?? {}), phase };
  if (phase === 'Bound' && pv) {
    status.capacity = { ...(pv.spec?.capacity ?? {}) };
    status.accessModes = [...(pv.spec?.accessModes ?? [])];
  } else if (phase === 'Pending') {
    delete status.capacity;
    delete status.accessModes;
  }
  if (isDeepStrictEqual(status, claim.status ?? {})) return undefined;
  next.status = status;
  return next;
}
