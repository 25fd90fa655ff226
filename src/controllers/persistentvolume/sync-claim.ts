/**
 * syncClaim: one reconcile of one PersistentVolumeClaim.
 *  - Unbound, no spec.volumeName: bind to the best matching volume (match.ts). A WaitForFirstConsumer
 *    claim without `volume.kubernetes.io/selected-node` only takes a volume pre-bound to it and
 *    otherwise waits (event WaitForFirstConsumer); once the scheduler has chosen a node only
 *    volumes reachable from that node count. With no match the claim stays Pending: with a class
 *    that provisions, it is annotated `volume.kubernetes.io/storage-provisioner` for the
 *    provisioner (event ExternalProvisioning); otherwise a FailedBinding event says why.
 *  - Unbound with spec.volumeName (pre-bound by the user): bind to that volume if it is free and fits.
 *  - Bound: keep both halves and both phases right; a claim whose volume vanished or was given to
 *    another claim is Lost.
 * Writes follow the order volume → volume status → claim → claim status, each only when it differs,
 * so a sync interrupted half way is finished by the next one and a repeated sync writes nothing.
 */
import { isNotFound } from '../../client/status.ts';
import { claimBoundToVolume, claimWithPhase, volumeBoundToClaim, volumeWithPhase } from './bind.ts';
import type { BinderDeps } from './deps.ts';
import { findMatchingVolume, volumeMismatch, type NodeLabels } from './match.ts';
import {
  annBetaStorageProvisioner,
  annBindCompleted,
  annSelectedNode,
  annStorageProvisioner,
  canProvision,
  isDelayBinding,
  isVolumeBoundToClaim,
  storageClassName,
  type ClaimPhase,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
} from './types.ts';

/** Message of the WaitForFirstConsumer event. */
export const waitForFirstConsumerMessage = 'waiting for first consumer to be created before binding';
/** Message of the FailedBinding event for a class-less claim with nothing to bind to. */
export const noVolumeNoClassMessage =
  'no persistent volumes available for this claim and no storage class is set';

/** The node a WaitForFirstConsumer claim was scheduled to, as labels (from the node cache when known). */
export function selectedNode(deps: BinderDeps, claim: RO<PersistentVolumeClaim>): NodeLabels | undefined {
  const name = claim.metadata.annotations?.[annSelectedNode];
  if (!name) return undefined;
  const node = deps.nodes.get('', name);
  return { name, labels: node?.metadata.labels ?? { 'kubernetes.io/hostname': name } };
}

/** Reconciles one claim; see the file comment. */
export async function syncClaim(deps: BinderDeps, claim: RO<PersistentVolumeClaim>): Promise<void> {
  if (claim.metadata.annotations?.[annBindCompleted] !== 'yes') return syncUnboundClaim(deps, claim);
  return syncBoundClaim(deps, claim);
}

async function syncUnboundClaim(deps: BinderDeps, claim: RO<PersistentVolumeClaim>): Promise<void> {
  const volumeName = claim.spec?.volumeName;
  if (volumeName) return syncPreBoundClaim(deps, claim, volumeName);
  const className = storageClassName(claim);
  const sc = className ? deps.classes.get('', className) : undefined;
  const node = selectedNode(deps, claim);
  const waiting = isDelayBinding(sc) && !node;
  const pv = findMatchingVolume(claim, deps.volumes.list(), { node, preBoundOnly: waiting });
  if (pv) return bind(deps, pv, claim);
  if (waiting) {
    deps.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', waitForFirstConsumerMessage);
  } else if (!className) {
    deps.recorder.event(claim, 'Warning', 'FailedBinding', noVolumeNoClassMessage);
  } else if (!sc) {
    deps.recorder.event(
      claim,
      'Warning',
      'FailedBinding',
      `storageclass.storage.k8s.io "${className}" not found`,
    );
  } else if (!canProvision(sc)) {
    deps.recorder.event(
      claim,
      'Warning',
      'FailedBinding',
      `no persistent volumes available for this claim and storage class "${className}" does not provision volumes`,
    );
  } else {
    return setClaimPhase(deps, await requestProvisioning(deps, claim, sc.provisioner), 'Pending');
  }
  await setClaimPhase(deps, claim, 'Pending');
}

/** Hands the claim to the class's provisioner by annotating it (once). */
async function requestProvisioning(
  deps: BinderDeps,
  claim: RO<PersistentVolumeClaim>,
  provisioner: string,
): Promise<RO<PersistentVolumeClaim>> {
  deps.recorder.event(
    claim,
    'Normal',
    'ExternalProvisioning',
    `waiting for a volume to be created by the provisioner "${provisioner}" or by hand by the cluster administrator`,
  );
  const ann = claim.metadata.annotations ?? {};
  if (ann[annStorageProvisioner] === provisioner && ann[annBetaStorageProvisioner] === provisioner)
    return claim;
  const next = structuredClone(claim) as PersistentVolumeClaim;
  next.metadata.annotations = {
    ...next.metadata.annotations,
    [annStorageProvisioner]: provisioner,
    [annBetaStorageProvisioner]: provisioner,
  };
  return deps.claimClient.update(next.metadata.namespace, next);
}

async function syncPreBoundClaim(
  deps: BinderDeps,
  claim: RO<PersistentVolumeClaim>,
  volumeName: string,
): Promise<void> {
  const pv = deps.volumes.get('', volumeName);
  if (!pv) {
    deps.recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volumeName}" not found`);
  } else if (!pv.spec?.claimRef) {
    const why = volumeMismatch(pv, claim);
    if (!why) return bind(deps, pv, claim);
    deps.recorder.event(
      claim,
      'Warning',
      'FailedBinding',
      `Cannot bind to requested volume "${volumeName}": ${why}`,
    );
  } else if (isVolumeBoundToClaim(pv, claim)) {
    return bind(deps, pv, claim);
  } else {
    deps.recorder.event(
      claim,
      'Warning',
      'FailedBinding',
      `volume "${volumeName}" already bound to a different claim.`,
    );
  }
  await setClaimPhase(deps, claim, 'Pending');
}

async function syncBoundClaim(deps: BinderDeps, claim: RO<PersistentVolumeClaim>): Promise<void> {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    deps.recorder.event(
      claim,
      'Warning',
      'ClaimLost',
      'the bound claim lost its volumeName; data on the volume is lost',
    );
    return setClaimPhase(deps, claim, 'Lost');
  }
  const pv = deps.volumes.get('', volumeName) ?? (await liveVolume(deps, volumeName));
  if (!pv) {
    deps.recorder.event(
      claim,
      'Warning',
      'ClaimLost',
      `the bound volume "${volumeName}" no longer exists; data on the volume is lost`,
    );
    return setClaimPhase(deps, claim, 'Lost');
  }
  const ref = pv.spec?.claimRef;
  if (!ref || ref.uid === claim.metadata.uid) return bind(deps, pv, claim);
  deps.recorder.event(
    claim,
    'Warning',
    'ClaimMisbound',
    `volume "${volumeName}" is bound to another claim; this claim is bound incorrectly`,
  );
  await setClaimPhase(deps, claim, 'Lost');
}

/** A volume read from the API when the cache does not have it (the cache may trail). */
async function liveVolume(deps: BinderDeps, name: string): Promise<RO<PersistentVolume> | undefined> {
  try {
    return await deps.volumeClient.get(undefined, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Binds `pv` and `claim` to each other and sets both phases to Bound, writing only what differs.
 * A stale cache shows up as a 409 Conflict: the worker retries with fresher objects.
 */
export async function bind(
  deps: BinderDeps,
  pvIn: RO<PersistentVolume>,
  claimIn: RO<PersistentVolumeClaim>,
): Promise<void> {
  let pv = pvIn;
  const pvNext = volumeBoundToClaim(pv, claimIn);
  if (pvNext) pv = await deps.volumeClient.update(undefined, pvNext);
  const pvStatus = volumeWithPhase(pv, 'Bound', deps.now());
  if (pvStatus) pv = await deps.volumeClient.updateStatus(undefined, pvStatus);
  let claim = claimIn;
  const claimNext = claimBoundToVolume(claim, pv);
  if (claimNext) claim = await deps.claimClient.update(claim.metadata.namespace, claimNext);
  const claimStatus = claimWithPhase(claim, 'Bound', pv);
  if (claimStatus) await deps.claimClient.updateStatus(claim.metadata.namespace, claimStatus);
}

/** Writes the claim's phase when it differs. */
async function setClaimPhase(
  deps: BinderDeps,
  claim: RO<PersistentVolumeClaim>,
  phase: ClaimPhase,
): Promise<void> {
  const next = claimWithPhase(claim, phase);
  if (next) await deps.claimClient.updateStatus(claim.metadata.namespace, next);
}
