/**
 * How the agent finds its pods again in the runtime: every sandbox and container it creates carries
 * the pod's uid, name and namespace and the node's name as CRI labels, and each container its name
 * plus a hash of its spec and its restart count as annotations. After an agent restart these are
 * the whole truth (adoption): nothing else is persisted.
 */
import { createHash } from 'node:crypto';
import type { StringMap } from '../cri/types.ts';
import type { RContainer, RPod } from './types.ts';

export const labelPodName = 'io.kubernetes.pod.name';
export const labelPodNamespace = 'io.kubernetes.pod.namespace';
export const labelPodUid = 'io.kubernetes.pod.uid';
export const labelContainerName = 'io.kubernetes.container.name';
/** The node whose agent owns the sandbox: a shared runtime endpoint may serve others too. */
export const labelNode = 'berth.io/node';
export const annotationContainerHash = 'io.kubernetes.container.hash';
export const annotationRestartCount = 'io.kubernetes.container.restartCount';
export const annotationGracePeriod = 'io.kubernetes.pod.terminationGracePeriod';

/** Labels of a pod's sandbox: the pod's own labels plus the identifying ones. */
export function sandboxLabels(pod: RPod, nodeName: string): StringMap {
  return {
    ...(pod.metadata.labels ?? {}),
    [labelPodName]: pod.metadata.name ?? '',
    [labelPodNamespace]: pod.metadata.namespace ?? '',
    [labelPodUid]: pod.metadata.uid ?? '',
    [labelNode]: nodeName,
  };
}

/** Labels of one container of the pod. */
export function containerLabels(pod: RPod, nodeName: string, container: string): StringMap {
  return {
    [labelPodName]: pod.metadata.name ?? '',
    [labelPodNamespace]: pod.metadata.namespace ?? '',
    [labelPodUid]: pod.metadata.uid ?? '',
    [labelContainerName]: container,
    [labelNode]: nodeName,
  };
}

/**
 * A short, stable hash of a container's spec (keys sorted), so a container whose spec changed
 * (a new image) is recognised after a restart of the agent and replaced.
 */
export function containerHash(c: RContainer): string {
  return createHash('sha256').update(stableJson(c)).digest('hex').slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
