/**
 * A StatefulSet's revisions. Each ControllerRevision stores the patch that puts the set's pod
 * template back — `{"spec":{"template":{..., "$patch":"replace"}}}` — which is also exactly what
 * `kubectl rollout undo statefulset` sends as a strategic merge patch and what `kubectl rollout
 * history --revision=N` applies to show a template. The update revision is the one equal to the
 * current spec (created, or — on a rollback — an older equal one renumbered to the next revision);
 * the current revision is the one status.currentRevision names. Old revisions that no pod uses are
 * pruned down to revisionHistoryLimit.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import { isAlreadyExists, isNotFound } from '../../client/status.ts';
import {
  equalRevision,
  findEqualRevisions,
  newControllerRevision,
  nextRevision,
  revisionNumber,
  sortByRevision,
} from '../history/revision.ts';
import { podRevision } from './identity.ts';
import type { ControllerRevision, Pod, PodTemplateSpec, StatefulSet } from './types.ts';

type RO<T> = DeepReadonly<T>;

const PATCH = '$patch';

/** The data a revision of `set` stores: a replace-patch of spec.template. */
export function revisionData(set: RO<StatefulSet>): { spec: { template: Record<string, unknown> } } {
  const template = structuredClone(set.spec.template ?? {}) as Record<string, unknown>;
  template[PATCH] = 'replace';
  return { spec: { template } };
}

/** A new revision of `set` numbered `revision` under `collisionCount` (not yet created). */
export function newRevision(
  set: RO<StatefulSet>,
  revision: number,
  collisionCount: number,
): ControllerRevision {
  return newControllerRevision(
    set,
    { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    revisionData(set),
    revision,
    set.spec.template?.metadata?.labels ?? {},
    collisionCount,
  );
}

/** `set` with its pod template taken from `rev` (how pods of an older revision are rebuilt). */
export function applyRevision(set: RO<StatefulSet>, rev: RO<ControllerRevision>): StatefulSet {
  const out = structuredClone(set) as StatefulSet;
  const data = rev.data as RO<{ spec?: { template?: Record<string, unknown> } }> | undefined;
  const template = structuredClone(data?.spec?.template ?? {}) as Record<string, unknown>;
  delete template[PATCH];
  out.spec.template = template as PodTemplateSpec;
  return out;
}

export interface SetRevisions {
  current: RO<ControllerRevision>;
  update: RO<ControllerRevision>;
  /** status.collisionCount after any collision this pass had to step over. */
  collisionCount: number;
}

/**
 * Finds or makes the update revision of `set` among its claimed `revisions`, and picks the current
 * one. Writes: creates the update revision when none equals the spec; renumbers an older equal one
 * (a rollback). A name taken by a revision with other data bumps collisionCount and tries again.
 */
export async function ensureRevisions(
  set: RO<StatefulSet>,
  revisions: readonly RO<ControllerRevision>[],
  client: ResourceClient<ControllerRevision>,
): Promise<SetRevisions> {
  const sorted = sortByRevision(revisions);
  let collisionCount = set.status?.collisionCount ?? 0;
  const candidate = newRevision(set, nextRevision(sorted), collisionCount);
  const equal = findEqualRevisions(sorted, candidate);
  const last = sorted[sorted.length - 1];
  const lastEqual = equal[equal.length - 1];
  let update: RO<ControllerRevision>;
  if (lastEqual && equalRevision(last, lastEqual)) {
    update = last!;
  } else if (lastEqual) {
    const bumped = structuredClone(lastEqual) as ControllerRevision;
    bumped.revision = candidate.revision;
    update = await client.update(bumped.metadata.namespace, bumped);
  } else {
    for (;;) {
      const rev = newRevision(set, revisionNumber(candidate), collisionCount);
      try {
        update = await client.create(rev.metadata.namespace, rev);
        break;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await client.get(rev.metadata.namespace, rev.metadata.name ?? '');
        if (equalRevision(existing, rev)) {
          update = existing;
          break;
        }
        collisionCount++;
      }
    }
  }
  const currentName = set.status?.currentRevision;
  const current = (currentName && sorted.find((r) => r.metadata.name === currentName)) || update;
  return { current, update, collisionCount };
}

/**
 * Deletes the oldest revisions no pod uses (and that are neither current nor update) beyond
 * revisionHistoryLimit (default 10). A revision already gone is not an error.
 */
export async function truncateHistory(
  set: RO<StatefulSet>,
  revisions: readonly RO<ControllerRevision>[],
  pods: readonly RO<Pod>[],
  keep: SetRevisions,
  client: ResourceClient<ControllerRevision>,
): Promise<string[]> {
  const live = new Set(pods.map(podRevision));
  live.add(keep.current.metadata.name ?? '');
  live.add(keep.update.metadata.name ?? '');
  const history = sortByRevision(revisions).filter((r) => !live.has(r.metadata.name ?? ''));
  const limit = set.spec.revisionHistoryLimit ?? 10;
  const doomed = history.slice(0, Math.max(0, history.length - limit));
  for (const r of doomed) {
    try {
      await client.delete(r.metadata.namespace, r.metadata.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return doomed.map((r) => r.metadata.name ?? '');
}
