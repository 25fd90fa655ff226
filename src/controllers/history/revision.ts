/**
 * ControllerRevisions: immutable snapshots of the part of a workload's spec that its pods are built
 * from (the pod template for StatefulSets and DaemonSets). A controller stores one revision per
 * distinct snapshot, numbers them with a monotonically increasing `revision`, and names each
 * `<owner>-<hash>` where the hash is taken over the snapshot (and the owner's collisionCount, so a
 * name collision with a foreign revision can be escaped by bumping the count). Rolling back means
 * finding an older revision equal to the current spec and giving it the next number.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { canonicalJson, podTemplateHash } from '../deployment/hash.ts';
import { newControllerRef } from '../replicaset/controller-ref.ts';

type RO<T> = DeepReadonly<T>;

/** The label every ControllerRevision (and, per controller, its pods) carries. */
export const controllerRevisionHashLabel = 'controller-revision-hash';

/** Longest owner name kept in a revision name, so `<prefix>-<hash>` stays a valid object name. */
const maxPrefixLength = 223;

/** The hash of a revision's data under `collisionCount`: stable across key order. */
export function controllerRevisionHash(data: unknown, collisionCount?: number): string {
  return podTemplateHash(data ?? {}, collisionCount);
}

/** `<owner>-<hash>`, with the owner part truncated so the name stays within object-name limits. */
export function controllerRevisionName(ownerName: string, hash: string): string {
  return `${ownerName.slice(0, maxPrefixLength)}-${hash}`;
}

/**
 * A new (not yet created) ControllerRevision owned by `owner` through a controller reference with
 * blockOwnerDeletion, labelled with `labels` plus controller-revision-hash, in the owner's namespace.
 */
export function newControllerRevision(
  owner: RO<KubeObject>,
  ownerKind: { apiVersion: string; kind: string },
  data: unknown,
  revision: number,
  labels: Readonly<Record<string, string>>,
  collisionCount?: number,
): KubeObject {
  const hash = controllerRevisionHash(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata.name ?? '', hash),
      namespace: owner.metadata.namespace,
      labels: { ...labels, [controllerRevisionHashLabel]: hash },
      ownerReferences: [newControllerRef(owner, ownerKind.apiVersion, ownerKind.kind)],
    },
    data: structuredClone(data) as unknown,
    revision,
  };
}

/** The `revision` number of a ControllerRevision (0 when missing). */
export function revisionNumber(rev: RO<KubeObject>): number {
  const n = rev.revision;
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

/** One more than the highest revision number among `revs` (1 for none). */
export function nextRevision(revs: readonly RO<KubeObject>[]): number {
  return revs.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1;
}

/**
 * `revs` sorted oldest first: by revision number, then creationTimestamp, then name — a total order,
 * so two controllers (or two passes) agree on which revision is "last". Returns a new array.
 */
export function sortByRevision<T extends RO<KubeObject>>(revs: readonly T[]): T[] {
  return [...revs].sort((a, b) => {
    const d = revisionNumber(a) - revisionNumber(b);
    if (d !== 0) return d;
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata.name ?? '';
    const nb = b.metadata.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** True when the two revisions hold the same data (key order ignored). */
export function equalRevision(a: RO<KubeObject> | undefined, b: RO<KubeObject> | undefined): boolean {
  if (!a || !b) return false;
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** The revisions among `revs` whose data equals `target`'s, in the order given. */
export function findEqualRevisions<T extends RO<KubeObject>>(
  revs: readonly T[],
  target: RO<KubeObject>,
): T[] {
  return revs.filter((r) => equalRevision(r, target));
}
