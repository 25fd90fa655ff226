/**
 * A StatefulSet pod's identity: its stable name `<set>-<ordinal>`, hostname and subdomain (the
 * governing Service), the pod-name / pod-index labels, and its stable storage — one claim per
 * volumeClaimTemplate, named `<claim>-<set>-<ordinal>` and mounted as the volume of the same name.
 * A pod recreated at the same ordinal gets the same name and the same claims, which is the whole
 * point of a StatefulSet.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import type { PersistentVolumeClaim, Pod, StatefulSet } from './types.ts';

type RO<T> = DeepReadonly<T>;

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
export { controllerRevisionHashLabel } from '../history/revision.ts';

const ordinalPattern = /^(.*)-(\d+)$/;

/** `<set>-<ordinal>`. */
export function podName(set: RO<StatefulSet>, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** The claim a pod at `ordinal` mounts for the template named `claimTemplate`. */
export function claimName(claimTemplate: string, set: RO<StatefulSet>, ordinal: number): string {
  return `${claimTemplate}-${set.metadata.name}-${ordinal}`;
}

/** The parent name and ordinal encoded in a pod name, or undefined when it has none. */
export function parseOrdinal(name: string | undefined): { parent: string; ordinal: number } | undefined {
  const m = ordinalPattern.exec(name ?? '');
  if (!m) return undefined;
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1] ?? '', ordinal } : undefined;
}

/** The pod's ordinal (-1 when its name carries none). */
export function ordinalOf(pod: RO<Pod>): number {
  return parseOrdinal(pod.metadata.name)?.ordinal ?? -1;
}

/** True when the pod's name says it belongs to `set` (its prefix is the set's name). */
export function isMemberOf(set: RO<StatefulSet>, pod: RO<Pod>): boolean {
  return parseOrdinal(pod.metadata.name)?.parent === set.metadata.name;
}

/** The first ordinal (spec.ordinals.start, default 0). */
export function startOrdinal(set: RO<StatefulSet>): number {
  return set.spec.ordinals?.start ?? 0;
}

/** spec.replicas (default 1). */
export function replicasOf(set: RO<StatefulSet>): number {
  return set.spec.replicas ?? 1;
}

/** True when `ordinal` is one the set should run: start ≤ ordinal < start + replicas. */
export function inOrdinalRange(set: RO<StatefulSet>, ordinal: number): boolean {
  const start = startOrdinal(set);
  return ordinal >= start && ordinal < start + replicasOf(set);
}

/** The claims the pod at `ordinal` needs, as new objects (labels: claim template's plus the selector's matchLabels). */
export function claimsFor(set: RO<StatefulSet>, ordinal: number): PersistentVolumeClaim[] {
  const matchLabels = set.spec.selector?.matchLabels ?? {};
  return (set.spec.volumeClaimTemplates ?? []).map((t) => {
    const tmpl = structuredClone(t) as PersistentVolumeClaim;
    const labels: Record<string, string> = { ...(tmpl.metadata.labels ?? {}) };
    for (const [k, v] of Object.entries(matchLabels)) labels[k] ??= v;
    const claim: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(tmpl.metadata.name ?? '', set, ordinal),
        namespace: set.metadata.namespace,
        labels,
      },
      spec: tmpl.spec ?? {},
    };
    if (tmpl.metadata.annotations) claim.metadata.annotations = tmpl.metadata.annotations;
    return claim;
  });
}

interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [k: string]: unknown;
}

/** Replaces (or adds) one volume per claim template, pointing at this ordinal's claim. */
function attachStorage(set: RO<StatefulSet>, spec: Record<string, unknown>, ordinal: number): void {
  const templates = set.spec.volumeClaimTemplates ?? [];
  if (templates.length === 0) return;
  const claimed = new Set(templates.map((t) => t.metadata.name ?? ''));
  const volumes = ((spec.volumes as Volume[] | undefined) ?? []).filter((v) => !claimed.has(v.name));
  for (const t of templates) {
    const name = t.metadata.name ?? '';
    volumes.push({ name, persistentVolumeClaim: { claimName: claimName(name, set, ordinal) } });
  }
  spec.volumes = volumes;
}

/**
 * The pod for `ordinal` built from `set`'s template (the caller passes the set as of the wanted
 * revision): stable name, identity labels plus `controller-revision-hash: <revisionName>`, hostname
 * and subdomain, claims mounted, owned by `ref`.
 */
export function newStatefulSetPod(
  set: RO<StatefulSet>,
  ordinal: number,
  revisionName: string,
  ref: OwnerReference,
): Pod {
  const t = structuredClone(set.spec.template ?? {}) as NonNullable<StatefulSet['spec']['template']>;
  const meta = t.metadata ?? {};
  const name = podName(set, ordinal);
  const spec: Record<string, unknown> = t.spec ?? {};
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  attachStorage(set, spec, ordinal);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: {
        ...(meta.labels ?? {}),
        [podNameLabel]: name,
        [podIndexLabel]: String(ordinal),
        'controller-revision-hash': revisionName,
      },
      ownerReferences: [ref],
    },
    spec,
  };
  if (meta.annotations) pod.metadata.annotations = meta.annotations;
  if (meta.finalizers) pod.metadata.finalizers = meta.finalizers;
  return pod;
}

/** The identity labels the pod is missing or has wrong (empty when its identity is intact). */
export function identityLabelFixes(set: RO<StatefulSet>, pod: RO<Pod>): Record<string, string> {
  const ordinal = ordinalOf(pod);
  const want: Record<string, string> = {
    [podNameLabel]: podName(set, ordinal),
    [podIndexLabel]: String(ordinal),
  };
  const labels = pod.metadata.labels ?? {};
  return Object.fromEntries(Object.entries(want).filter(([k, v]) => labels[k] !== v));
}

/** The revision (ControllerRevision name) a pod was made from. */
export function podRevision(pod: RO<Pod>): string {
  return pod.metadata.labels?.['controller-revision-hash'] ?? '';
}
