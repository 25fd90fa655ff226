/**
 * How a Deployment's ReplicaSets are told apart and numbered. The "new" ReplicaSet is the one whose
 * pod template equals the Deployment's (ignoring the pod-template-hash label); all others are old.
 * Each ReplicaSet carries deployment.kubernetes.io/revision; the new one gets max(old)+1, which is
 * also how a rollback (kubectl rollout undo patches the template back) gives an old ReplicaSet a
 * fresh revision. desired-replicas and max-replicas annotations record the Deployment size a
 * ReplicaSet was last scaled for, which proportional scaling reads back.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { deepEqual } from '../../api/kinds/apps/workload.ts';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../replicaset/types.ts';

type RO<T> = DeepReadonly<T>;

export const podTemplateHashLabel = 'pod-template-hash';
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Deployment annotations never copied onto its ReplicaSets. */
const notCopied = new Set([
  lastAppliedAnnotation,
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
]);

/** The revision number of a ReplicaSet (0 when missing or malformed). */
export function revisionOf(obj: RO<{ metadata: { annotations?: Record<string, string> } }>): number {
  const v = Number.parseInt(obj.metadata.annotations?.[revisionAnnotation] ?? '', 10);
  return Number.isFinite(v) ? v : 0;
}

/** The highest revision among `rss`. */
export function maxRevision(rss: readonly RO<ReplicaSet>[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** Templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(
  a: RO<PodTemplateSpec> | undefined,
  b: RO<PodTemplateSpec> | undefined,
): boolean {
  const strip = (t: RO<PodTemplateSpec> | undefined): PodTemplateSpec => {
    const c = structuredClone(t ?? {}) as PodTemplateSpec;
    if (c.metadata?.labels) {
      delete c.metadata.labels[podTemplateHashLabel];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

function created(rs: RO<ReplicaSet>): string {
  return rs.metadata.creationTimestamp ?? '';
}

/** Oldest first; ties by name, so the choice is stable. */
export function byCreation(a: RO<ReplicaSet>, b: RO<ReplicaSet>): number {
  if (created(a) !== created(b)) return created(a) < created(b) ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** The new and old ReplicaSets of `d` among `rss` (its claimed ones). The oldest match wins if several do. */
export function splitReplicaSets(
  d: RO<Deployment>,
  rss: readonly RO<ReplicaSet>[],
): { newRS?: RO<ReplicaSet>; oldRSs: RO<ReplicaSet>[] } {
  const matches = rss.filter((rs) => equalIgnoreHash(rs.spec.template, d.spec.template)).sort(byCreation);
  const newRS = matches[0];
  return { newRS, oldRSs: rss.filter((rs) => rs !== newRS) };
}

/**
 * Copies the Deployment's annotations onto `rs` and raises its revision to `newRevision` (never
 * lowers it). Mutates `rs`; returns true when anything changed.
 */
export function setNewReplicaSetAnnotations(d: RO<Deployment>, rs: ReplicaSet, newRevision: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (notCopied.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  if (revisionOf(rs) < newRevision || ann[revisionAnnotation] === undefined) {
    ann[revisionAnnotation] = String(newRevision);
    changed = true;
  }
  return changed;
}

/** Records the Deployment size `rs` is scaled for. Mutates `rs`; true when anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  if (ann[desiredReplicasAnnotation] === String(desired) && ann[maxReplicasAnnotation] === String(max))
    return false;
  ann[desiredReplicasAnnotation] = String(desired);
  ann[maxReplicasAnnotation] = String(max);
  return true;
}

/** An integer annotation, or undefined. */
export function intAnnotation(rs: RO<ReplicaSet>, key: string): number | undefined {
  const v = Number.parseInt(rs.metadata.annotations?.[key] ?? '', 10);
  return Number.isFinite(v) ? v : undefined;
}
