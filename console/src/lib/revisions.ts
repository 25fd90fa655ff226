/**
 * Revision history of a workload, one row per revision, newest first. A Deployment's revisions
 * are its ReplicaSets (numbered by the deployment.kubernetes.io/revision annotation); a
 * StatefulSet's or DaemonSet's are its ControllerRevisions (numbered by `revision`). Each row
 * knows whether it is the revision the workload runs now, and how to roll back to it.
 */
import type { KubeObject } from '../api/types.ts';
import type { ControllerRevision, PodTemplate, ReplicaSet, StatefulSet } from '../api/workload-types.ts';
import { controlledBy } from './selectors.ts';
import { deploymentRollbackPatch, sameTemplate, type JsonPatchOp } from './rollout.ts';

/** The annotation holding a ReplicaSet's revision number. */
export const revisionAnnotation = 'deployment.kubernetes.io/revision';

/** One revision of a workload. */
export interface RevisionRow {
  revision: number;
  /** The ReplicaSet or ControllerRevision holding it. */
  name: string;
  images: string[];
  created?: string;
  /** Pods of this revision (ReplicaSets only). */
  replicas?: number;
  current: boolean;
}

function templateImages(t: PodTemplate | undefined): string[] {
  return (t?.spec?.containers ?? []).map((c) => c.image ?? '').filter((i) => i !== '');
}

const newestFirst = (a: RevisionRow, b: RevisionRow) =>
  b.revision - a.revision || a.name.localeCompare(b.name);

/** A Deployment's ReplicaSets among `rss`, as revisions. */
export function deploymentRevisions(
  deployment: KubeObject & { spec?: { template?: PodTemplate } },
  rss: ReplicaSet[],
): RevisionRow[] {
  return rss
    .filter((rs) => controlledBy(rs, deployment.metadata.uid))
    .map((rs) => ({
      revision: Number.parseInt(rs.metadata.annotations?.[revisionAnnotation] ?? '', 10) || 0,
      name: rs.metadata.name,
      images: templateImages(rs.spec?.template),
      created: rs.metadata.creationTimestamp,
      replicas: rs.status?.replicas ?? 0,
      current: sameTemplate(deployment.spec?.template, rs.spec?.template),
    }))
    .sort(newestFirst);
}

/** The pod template a ControllerRevision's data holds (`{spec: {template: ...}}`). */
export function revisionTemplate(rev: ControllerRevision): PodTemplate | undefined {
  const data = rev.data as { spec?: { template?: PodTemplate } } | undefined;
  return data?.spec?.template;
}

/**
 * A StatefulSet's or DaemonSet's ControllerRevisions among `revs`, as revisions. The current one
 * is the StatefulSet's updateRevision when it names one, else the highest number.
 */
export function controllerRevisionRows(owner: KubeObject, revs: ControllerRevision[]): RevisionRow[] {
  const rows = revs
    .filter((r) => controlledBy(r, owner.metadata.uid))
    .map((r) => ({
      revision: r.revision ?? 0,
      name: r.metadata.name,
      images: templateImages(revisionTemplate(r)),
      created: r.metadata.creationTimestamp,
      current: false,
    }))
    .sort(newestFirst);
  const update = (owner as StatefulSet).status?.updateRevision;
  const current = rows.find((r) => r.name === update) ?? rows[0];
  if (current) current.current = true;
  return rows;
}

/** A rollback request: the content type and body to PATCH the workload with. */
export interface RollbackRequest {
  contentType: 'application/json-patch+json' | 'application/strategic-merge-patch+json';
  body: JsonPatchOp[] | unknown;
}

/**
 * How to roll `workload` back to the revision held by `source` (a ReplicaSet for a Deployment, a
 * ControllerRevision otherwise), or why it cannot be done now.
 */
export function rollbackRequest(
  workload: KubeObject & { spec?: { paused?: boolean; template?: PodTemplate } },
  source: ReplicaSet | ControllerRevision,
): { ok: true; request: RollbackRequest } | { ok: false; reason: string } {
  if (workload.spec?.paused) return { ok: false, reason: 'the Deployment is paused; resume it first' };
  // Items of a list come without `kind`; a ControllerRevision is told apart by its data.
  const isControllerRevision = 'data' in source || 'revision' in source;
  if (!isControllerRevision) {
    const template = (source as ReplicaSet).spec?.template;
    if (!template) return { ok: false, reason: 'that ReplicaSet has no pod template' };
    if (sameTemplate(workload.spec?.template, template))
      return { ok: false, reason: 'the workload already runs this revision' };
    return {
      ok: true,
      request: {
        contentType: 'application/json-patch+json',
        body: deploymentRollbackPatch(workload.metadata.uid ?? '', template),
      },
    };
  }
  const data = (source as ControllerRevision).data;
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'that revision holds no data' };
  const template = revisionTemplate(source as ControllerRevision);
  if (template && sameTemplate(workload.spec?.template, stripDirectives(template)))
    return { ok: false, reason: 'the workload already runs this revision' };
  // The controllers store a strategic merge patch ({spec: {template: {..., $patch: replace}}}); sent
  // back as it is, it puts that template in place, as `kubectl rollout undo` does.
  return { ok: true, request: { contentType: 'application/strategic-merge-patch+json', body: data } };
}

function stripDirectives(t: PodTemplate): PodTemplate {
  const copy = { ...t } as PodTemplate & { $patch?: unknown };
  delete copy.$patch;
  return copy;
}
