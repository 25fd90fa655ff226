/**
 * syncVolume: one reconcile of one PersistentVolume, mostly its phase.
 *  - No claimRef, or a claimRef without uid (pre-bound by the user, claim not yet bound): Available.
 *  - claimRef to a claim that no longer exists (or a new claim of the same name): Released, then
 *    the reclaim policy: Retain keeps it Released (an administrator decides); Delete deletes the
 *    object — unless a provisioner made it (`pv.kubernetes.io/provisioned-by`), which then removes
 *    the data and the object itself; Recycle is not supported (Failed).
 *  - claimRef to a claim that names this volume: Bound. To a claim still being bound: left to the
 *    claim's sync. To a claim bound elsewhere: a link the controller made is undone (Available), a
 *    dynamically provisioned Delete volume is released, a link the user made is left alone.
 */
import { isNotFound } from '../../client/status.ts';
import { volumeUnbound, volumeWithPhase } from './bind.ts';
import type { BinderDeps } from './deps.ts';
import {
  annBoundByController,
  annProvisionedBy,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
  type VolumePhase,
} from './types.ts';

/** Reconciles one volume; see the file comment. */
export async function syncVolume(deps: BinderDeps, pv: RO<PersistentVolume>): Promise<void> {
  const ref = pv.spec?.claimRef;
  if (!ref || !ref.uid) return setPhase(deps, pv, 'Available');
  const claim = await claimOf(deps, ref.namespace ?? '', ref.name ?? '', ref.uid);
  if (!claim) return release(deps, pv);
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    // Binding in progress (the claim's sync finishes it); a fresh volume is at least Available.
    if (!pv.status?.phase || pv.status.phase === 'Pending') await setPhase(deps, pv, 'Available');
    return;
  }
  if (volumeName === pv.metadata.name) return setPhase(deps, pv, 'Bound');
  // The claim is bound to another volume.
  if (pv.metadata.annotations?.[annProvisionedBy] && pv.spec.persistentVolumeReclaimPolicy === 'Delete')
    return release(deps, pv);
  if (pv.metadata.annotations?.[annBoundByController] === 'yes') {
    const unbound = await deps.volumeClient.update(undefined, volumeUnbound(pv));
    return setPhase(deps, unbound, 'Available');
  }
}

/** The claim the ref names, if it is still the same object (uid); a cache miss is checked live. */
async function claimOf(
  deps: BinderDeps,
  namespace: string,
  name: string,
  uid: string,
): Promise<RO<PersistentVolumeClaim> | undefined> {
  const cached = deps.claims.get(namespace, name);
  if (cached?.metadata.uid === uid) return cached;
  try {
    const live = await deps.claimClient.get(namespace, name);
    return live.metadata.uid === uid ? live : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Marks the volume Released and applies its reclaim policy. */
async function release(deps: BinderDeps, pvIn: RO<PersistentVolume>): Promise<void> {
  let pv = pvIn;
  if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') {
    const next = volumeWithPhase(pv, 'Released', deps.now());
    if (next) pv = await deps.volumeClient.updateStatus(undefined, next);
  }
  const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Retain') return;
  if (policy === 'Recycle') {
    deps.recorder.event(
      pv,
      'Warning',
      'VolumeFailedRecycle',
      'Recycle is not supported; use Delete or Retain',
    );
    return setPhase(deps, pv, 'Failed', 'Recycle is not supported');
  }
  if (policy !== 'Delete' || pv.metadata.deletionTimestamp) return;
  // A provisioned volume's data lives where its provisioner put it: the provisioner deletes it.
  if (pv.metadata.annotations?.[annProvisionedBy]) return;
  try {
    await deps.volumeClient.delete(undefined, pv.metadata.name ?? '', {
      preconditions: { uid: pv.metadata.uid ?? '' },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

async function setPhase(
  deps: BinderDeps,
  pv: RO<PersistentVolume>,
  phase: VolumePhase,
  message?: string,
): Promise<void> {
  const next = volumeWithPhase(pv, phase, deps.now(), message);
  if (next) await deps.volumeClient.updateStatus(undefined, next);
}
