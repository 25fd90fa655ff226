/**
 * A DaemonSet's ControllerRevisions. Each distinct pod template is snapshotted once as a revision
 * whose data is a strategic merge patch `{spec: {template: {..., $patch: replace}}}` — the form
 * `kubectl rollout history --revision` and `kubectl rollout undo` apply to the DaemonSet. The
 * revision equal to the current template is "current" and its `controller-revision-hash` label is
 * the hash put on new pods; going back to an older template renumbers that revision as the newest
 * (so `rollout history` shows the undo as a new revision). Duplicates (equal data) are merged into
 * the newest, moving their pods' labels over. Old revisions beyond revisionHistoryLimit are
 * deleted, oldest first, unless a live pod still carries their hash.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import {
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
  revisionNumber,
  sortByRevision,
} from '../history/revision.ts';
import { controllerRefOf } from '../replicaset/controller-ref.ts';
import { controllerRevisionHashLabel, type ControllerRevision, type DaemonSet, type Pod } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** The snapshot stored in a DaemonSet's ControllerRevision. */
export function revisionData(ds: RO<DaemonSet>): { spec: { template: Record<string, unknown> } } {
  const template = structuredClone(ds.spec.template ?? {}) as Record<string, unknown>;
  template.$patch = 'replace';
  return { spec: { template } };
}

export const daemonSetKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

export interface HistoryDeps {
  revisions: ResourceClient<ControllerRevision>;
  pods: ResourceClient<Pod>;
  /** Raises status.collisionCount by one (a foreign revision holds our name). */
  bumpCollisionCount(): Promise<void>;
}

export interface History {
  current: RO<ControllerRevision>;
  old: RO<ControllerRevision>[];
  /** The current revision's hash, for new pods' labels. */
  hash: string;
}

/** The hash a revision's pods carry. */
export function hashOf(rev: RO<ControllerRevision>): string {
  return rev.metadata.labels?.[controllerRevisionHashLabel] ?? '';
}

/** Finds or creates the current revision of `ds` among its claimed `revisions`; see the file comment. */
export async function constructHistory(
  ds: RO<DaemonSet>,
  revisions: readonly RO<ControllerRevision>[],
  pods: readonly RO<Pod>[],
  d: HistoryDeps,
): Promise<History> {
  const data = revisionData(ds);
  const equal = sortByRevision(
    findEqualRevisions(revisions, { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: {}, data }),
  );
  let current: RO<ControllerRevision>;
  if (equal.length === 0) {
    current = await snapshot(ds, data, nextRevision(revisions), d);
  } else {
    current = equal.at(-1)!;
    for (const dup of equal.slice(0, -1)) await mergeDuplicate(dup, current, pods, d);
  }
  const old = revisions.filter((r) => !equal.includes(r) && r.metadata.name !== current.metadata.name);
  const next = nextRevision(old);
  if (revisionNumber(current) < next) {
    // An older template came back (rollback): it becomes the newest revision.
    current = (await d.revisions.patch(current.metadata.namespace, current.metadata.name ?? '', 'merge', {
      revision: next,
    })) as RO<ControllerRevision>;
  }
  return { current, old, hash: hashOf(current) };
}

/** Creates the revision for `data`; an equal one of ours under that name is reused. */
async function snapshot(
  ds: RO<DaemonSet>,
  data: unknown,
  revision: number,
  d: HistoryDeps,
): Promise<RO<ControllerRevision>> {
  const labels = { ...ds.spec.template?.metadata?.labels };
  const rev = newControllerRevision(
    ds,
    daemonSetKind,
    data,
    revision,
    labels,
    ds.status?.collisionCount,
  ) as ControllerRevision;
  if (ds.metadata.annotations) rev.metadata.annotations = { ...ds.metadata.annotations };
  const ns = ds.metadata.namespace;
  try {
    return await d.revisions.create(ns, rev);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const existing = await d.revisions.get(ns, rev.metadata.name ?? '');
    const ours = controllerRefOf(existing)?.uid === ds.metadata.uid;
    if (ours && findEqualRevisions([existing], rev).length === 1) return existing;
    // Someone else's revision holds the name: escape by hashing with a higher collisionCount.
    await d.bumpCollisionCount();
    throw new Error(
      `ControllerRevision ${ns}/${rev.metadata.name} exists with other data; raised collisionCount to retry`,
      { cause: err },
    );
  }
}

/** Moves pods labelled with `dup`'s hash to `keep`'s hash, then deletes `dup`. */
async function mergeDuplicate(
  dup: RO<ControllerRevision>,
  keep: RO<ControllerRevision>,
  pods: readonly RO<Pod>[],
  d: HistoryDeps,
): Promise<void> {
  const from = hashOf(dup);
  const to = hashOf(keep);
  if (from && to && from !== to) {
    for (const p of pods) {
      if (p.metadata.labels?.[controllerRevisionHashLabel] !== from) continue;
      await d.pods.patch(p.metadata.namespace, p.metadata.name ?? '', 'merge', {
        metadata: { labels: { [controllerRevisionHashLabel]: to } },
      });
    }
  }
  try {
    await d.revisions.delete(dup.metadata.namespace, dup.metadata.name ?? '');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Deletes the oldest of `old` beyond `limit`, skipping revisions whose hash a live pod carries.
 * Returns the names deleted.
 */
export async function cleanupHistory(
  old: readonly RO<ControllerRevision>[],
  livePods: readonly RO<Pod>[],
  limit: number,
  revisions: ResourceClient<ControllerRevision>,
): Promise<string[]> {
  let toKill = old.length - Math.max(0, limit);
  if (toKill <= 0) return [];
  const live = new Set(livePods.map((p) => p.metadata.labels?.[controllerRevisionHashLabel] ?? ''));
  const deleted: string[] = [];
  for (const rev of sortByRevision(old)) {
    if (toKill <= 0) break;
    if (live.has(hashOf(rev))) continue;
    try {
      await revisions.delete(rev.metadata.namespace, rev.metadata.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    deleted.push(rev.metadata.name ?? '');
    toKill--;
  }
  return deleted;
}
