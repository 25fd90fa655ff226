/**
 * Which PersistentVolume a claim may bind to. A volume fits a claim when it is free (no claimRef),
 * not being deleted, of the same StorageClass ("" matches only ""), of the same volumeMode, offers
 * every access mode the claim asks for, holds at least the requested storage, carries labels the
 * claim's selector accepts, and — when a node is given — can be reached from that node (its
 * nodeAffinity). A volume pre-bound to the claim (claimRef naming it) wins outright. Among fitting
 * volumes the smallest wins, ties broken by name, so the choice is the same on every run.
 * Shared by the binder (src/controllers/persistentvolume) and the scheduler's VolumeBinding plugin.
 */
import { compareQuantities, parseQuantity, type Quantity } from '../../api/quantity.ts';
import { matchesLabels, selectorFromLabelSelector } from '../../api/selectors/labels.ts';
import { requirementMatches } from '../../scheduler/plugins/node-affinity.ts';
import {
  isVolumeBoundToClaim,
  requestedStorage,
  storageClassName,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type RO,
} from './types.ts';

/** A node as volume matching sees it. */
export interface NodeLabels {
  name: string;
  labels: Readonly<Record<string, string>>;
}

export interface MatchOptions {
  /** Only volumes reachable from this node qualify. */
  node?: NodeLabels;
  /** Only volumes pre-bound to the claim qualify (WaitForFirstConsumer before a node is chosen). */
  preBoundOnly?: boolean;
  /** Volume names already promised to other claims (of the same pod). */
  excluded?: ReadonlySet<string>;
}

function quantity(s: string | undefined): Quantity | undefined {
  try {
    return parseQuantity(s ?? '0');
  } catch {
    return undefined;
  }
}

/** True when the volume's required node affinity accepts the node (no affinity: any node). */
export function volumeNodeAffinityMatches(pv: RO<PersistentVolume>, node: NodeLabels): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => {
    const exprs = t.matchExpressions ?? [];
    const fields = t.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((r) =>
        requirementMatches(r, Object.hasOwn(node.labels, r.key) ? node.labels[r.key] : undefined),
      ) && fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.name : undefined))
    );
  });
}

/** True when `offered` includes every mode in `wanted`. */
export function accessModesContain(
  offered: readonly string[] | undefined,
  wanted: readonly string[] | undefined,
): boolean {
  const have = new Set(offered ?? []);
  return (wanted ?? []).every((m) => have.has(m));
}

/**
 * Why `pv` cannot serve `claim` (size, class, modes, volume mode, selector), or undefined when it
 * can. Node affinity and the claimRef are not looked at here.
 */
export function volumeMismatch(
  pv: RO<PersistentVolume>,
  claim: RO<PersistentVolumeClaim>,
): string | undefined {
  const wantClass = storageClassName(claim);
  if (storageClassName(pv) !== wantClass) return 'storageClassName does not match';
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem'))
    return 'incompatible volumeMode';
  if (!accessModesContain(pv.spec?.accessModes, claim.spec?.accessModes)) return 'incompatible accessMode';
  const have = quantity(pv.spec?.capacity?.storage);
  const want = quantity(requestedStorage(claim));
  if (!have || !want || compareQuantities(have, want) < 0) return 'requested PV is too small';
  const sel = claim.spec?.selector;
  if (sel) {
    let reqs;
    try {
      reqs = selectorFromLabelSelector(sel as Parameters<typeof selectorFromLabelSelector>[0]);
    } catch {
      return 'invalid selector';
    }
    if (!matchesLabels(reqs, pv.metadata.labels)) return 'volume labels do not match the claim selector';
  }
  return undefined;
}

/** The best volume for `claim` among `volumes` (see the file comment), or undefined. */
export function findMatchingVolume(
  claim: RO<PersistentVolumeClaim>,
  volumes: readonly RO<PersistentVolume>[],
  opts: MatchOptions = {},
): RO<PersistentVolume> | undefined {
  let best: RO<PersistentVolume> | undefined;
  let bestSize: Quantity | undefined;
  for (const pv of volumes) {
    const name = pv.metadata.name ?? '';
    if (opts.excluded?.has(name)) continue;
    if (opts.node && !volumeNodeAffinityMatches(pv, opts.node)) continue;
    if (isVolumeBoundToClaim(pv, claim)) return pv;
    if (opts.preBoundOnly || pv.spec?.claimRef || pv.metadata.deletionTimestamp) continue;
    const phase = pv.status?.phase;
    if (phase === 'Released' || phase === 'Failed') continue;
    if (volumeMismatch(pv, claim) !== undefined) continue;
    const size = quantity(pv.spec?.capacity?.storage);
    if (!size) continue;
    const cmp = bestSize ? compareQuantities(size, bestSize) : -1;
    if (!best || cmp < 0 || (cmp === 0 && name < (best.metadata.name ?? ''))) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}
