/**
 * Request bodies for rollout actions on workloads with a pod template (Deployment, StatefulSet,
 * DaemonSet): update images, restart, and roll back. Images and rollbacks are JSON patches whose
 * `test` operations make the server refuse them if the object changed shape since the page read it
 * (a container renamed or reordered, the object replaced), instead of patching the wrong thing.
 */
import type { PodTemplate } from '../api/workload-types.ts';

/** One RFC 6902 operation. */
export type JsonPatchOp =
  { op: 'test' | 'replace' | 'add'; path: string; value: unknown } | { op: 'remove'; path: string };

/** The annotation `kubectl rollout restart` sets on the pod template; changing it rolls the pods. */
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

/** The label a Deployment's controller adds to each ReplicaSet's template. */
export const podTemplateHashLabel = 'pod-template-hash';

/** Merge patch that restarts every pod: stamps the template with `at` (an ISO time). */
export function restartPatch(at: string): {
  spec: { template: { metadata: { annotations: Record<string, string> } } };
} {
  return { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: at } } } } };
}

/**
 * JSON patch setting container images: `images` maps container name to the new image. Containers
 * and init containers are both searched; names not in the template, and unchanged or blank images,
 * are skipped. Empty when nothing changes.
 */
export function imagePatch(template: PodTemplate | undefined, images: Record<string, string>): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    (template?.spec?.[list] ?? []).forEach((c, i) => {
      const want = images[c.name]?.trim();
      if (!want || want === c.image) return;
      const base = `/spec/template/spec/${list}/${i}`;
      ops.push({ op: 'test', path: `${base}/name`, value: c.name });
      ops.push({ op: 'replace', path: `${base}/image`, value: want });
    });
  }
  return ops;
}

/** A ReplicaSet's template as it was in its Deployment: without the pod-template-hash label. */
export function templateWithoutHash(template: PodTemplate | undefined): PodTemplate {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[podTemplateHashLabel];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

/**
 * JSON patch that rolls a Deployment (uid `uid`) back to `template` (a ReplicaSet's): the template
 * is replaced whole, as `kubectl rollout undo` does; the controller then gives that ReplicaSet the
 * next revision number.
 */
export function deploymentRollbackPatch(uid: string, template: PodTemplate | undefined): JsonPatchOp[] {
  return [
    { op: 'test', path: '/metadata/uid', value: uid },
    { op: 'replace', path: '/spec/template', value: templateWithoutHash(template) },
  ];
}

/** Order-insensitive deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(ra[k], rb[k]));
}

/** True when a ReplicaSet's template is the Deployment's current one (ignoring pod-template-hash). */
export function sameTemplate(
  deployment: PodTemplate | undefined,
  replicaSet: PodTemplate | undefined,
): boolean {
  return jsonEqual(templateWithoutHash(deployment), templateWithoutHash(replicaSet));
}
