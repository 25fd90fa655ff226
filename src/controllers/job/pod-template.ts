/**
 * The pods a Job creates: its template with a controller reference and the job-tracking
 * finalizer (so a finished pod cannot vanish before it was counted), named `<job>-`; an Indexed
 * Job's pod also gets its completion index as annotation and label, the JOB_COMPLETION_INDEX env
 * var (read from the annotation through the downward API), hostname `<job>-<index>` and the name
 * prefix `<job>-<index>-`.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import {
  completionIndexAnnotation,
  completionIndexEnv,
  indexFailureCountAnnotation,
  jobTrackingFinalizer,
  type Container,
  type Job,
  type Pod,
  type PodSpec,
} from './types.ts';

type RO<T> = DeepReadonly<T>;

/** The fieldRef JOB_COMPLETION_INDEX reads. */
export const completionIndexFieldPath = `metadata.annotations['${completionIndexAnnotation}']`;

function addIndexEnv(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    if (c.env?.some((e) => e.name === completionIndexEnv)) continue;
    c.env = [
      ...(c.env ?? []),
      { name: completionIndexEnv, valueFrom: { fieldRef: { fieldPath: completionIndexFieldPath } } },
    ];
  }
}

/** Longest generateName the API server keeps whole (63 minus the 5 random characters). */
const maxGeneratedNameLength = 58;

/** `<job>-<index>-`, the job part shortened so the index always survives. */
export function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  return (jobName + suffix).length <= maxGeneratedNameLength
    ? jobName + suffix
    : jobName.slice(0, maxGeneratedNameLength - suffix.length) + suffix;
}

export interface PodOptions {
  /** The completion index (Indexed Jobs only). */
  index?: number;
  /** Failures of this index so far (backoffLimitPerIndex only). */
  indexFailures?: number;
}

/** A new pod for `job`; see the file comment. */
export function podForJob(job: RO<Job>, ref: OwnerReference, o: PodOptions = {}): Pod {
  const t = structuredClone(job.spec.template) as Job['spec']['template'];
  const meta = t.metadata ?? {};
  const spec: PodSpec = t.spec ?? {};
  const name = job.metadata.name ?? '';
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${name}-`,
      namespace: job.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [ref],
      finalizers: [
        ...(meta.finalizers ?? []).filter((f) => f !== jobTrackingFinalizer),
        jobTrackingFinalizer,
      ],
    },
    spec,
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (o.index !== undefined) {
    const ix = String(o.index);
    pod.metadata.generateName = generateNameWithIndex(name, o.index);
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [completionIndexAnnotation]: ix };
    if (o.indexFailures !== undefined)
      pod.metadata.annotations[indexFailureCountAnnotation] = String(o.indexFailures);
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [completionIndexAnnotation]: ix };
    spec.hostname = `${name}-${ix}`;
    addIndexEnv(spec.containers);
    addIndexEnv(spec.initContainers);
  }
  return pod;
}
