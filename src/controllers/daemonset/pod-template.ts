/**
 * The daemon pod for one node, and how a pod is tied back to its node and revision. A DaemonSet
 * pod is not bound by the controller: it carries a required node affinity on the node's
 * `metadata.name` (matchFields) and the scheduler binds it, so resources, ports and preemption are
 * checked the usual way. Pods are labelled with the revision's `controller-revision-hash` and the
 * `pod-template-generation`; either one equal to the DaemonSet's current value makes a pod
 * "updated".
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import type { Affinity } from '../../scheduler/types.ts';
import { withDaemonTolerations } from './eligibility.ts';
import {
  controllerRevisionHashLabel,
  podTemplateGenerationLabel,
  templateGenerationAnnotation,
  type DaemonSet,
  type DaemonSetTemplate,
  type Pod,
} from './types.ts';

type RO<T> = DeepReadonly<T>;

/**
 * The DaemonSet's template generation: the API server's `deprecated.daemonset.template.generation`
 * annotation when present, else metadata.generation (which moves on every spec change, so it can
 * only make pods look outdated by generation; the hash label still recognises them).
 */
export function templateGeneration(ds: RO<DaemonSet>): number {
  const a = ds.metadata.annotations?.[templateGenerationAnnotation];
  const n = a === undefined ? NaN : Number(a);
  return Number.isInteger(n) ? n : (ds.metadata.generation ?? 0);
}

/** `affinity` with its required node selector replaced by one term: metadata.name In [nodeName]. */
export function nodeNameAffinity(affinity: RO<Affinity> | undefined, nodeName: string): Affinity {
  const out = structuredClone(affinity ?? {}) as Affinity;
  out.nodeAffinity ??= {};
  out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return out;
}

/**
 * The node a daemon pod is for: spec.nodeName once bound, else the single metadata.name its
 * required node affinity names (undefined when neither says).
 */
export function targetNodeName(pod: RO<Pod>): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const t of terms ?? []) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** True when the pod belongs to the current revision (by hash label or template generation). */
export function isPodUpdated(pod: RO<Pod>, hash: string, generation: number): boolean {
  const labels = pod.metadata.labels ?? {};
  const gen = labels[podTemplateGenerationLabel];
  return (
    (gen !== undefined && gen === String(generation)) ||
    (hash !== '' && labels[controllerRevisionHashLabel] === hash)
  );
}

/** The pod to create for `nodeName`: template + revision labels + default tolerations + node affinity. */
export function newDaemonPod(ds: RO<DaemonSet>, nodeName: string, hash: string, ref: OwnerReference): Pod {
  const t = structuredClone(ds.spec.template ?? {}) as DaemonSetTemplate;
  const meta = t.metadata ?? {};
  const spec = t.spec ?? {};
  const labels: Record<string, string> = {
    ...meta.labels,
    [podTemplateGenerationLabel]: String(templateGeneration(ds)),
  };
  if (hash) labels[controllerRevisionHashLabel] = hash;
  spec.tolerations = withDaemonTolerations(spec.tolerations, spec.hostNetwork === true);
  spec.affinity = nodeNameAffinity(spec.affinity, nodeName);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels,
      ownerReferences: [ref],
    },
    spec,
  };
  if (meta.annotations) pod.metadata.annotations = meta.annotations;
  if (meta.finalizers) pod.metadata.finalizers = meta.finalizers;
  return pod;
}
