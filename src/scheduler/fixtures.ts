/** Small builders of pods and nodes for the scheduler's tests (and the sim's). */
import type { Container, Node, Pod, PodSpec, Taint } from './types.ts';

/** A node with allocatable cpu/memory/pods (and more), labels and taints. */
export function makeNode(
  name: string,
  o: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: Taint[];
    unschedulable?: boolean;
    extra?: Record<string, string>;
  } = {},
): Node {
  const alloc = {
    cpu: o.cpu ?? '4',
    memory: o.memory ?? '8Gi',
    pods: o.pods ?? '110',
    'ephemeral-storage': '100Gi',
    ...o.extra,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: alloc, allocatable: alloc },
  };
}

/** A container asking for `requests`. */
export function container(
  name: string,
  requests: Record<string, string> = {},
  extra: Partial<Container> = {},
): Container {
  return { name, image: 'nginx', resources: { requests }, ...extra };
}

/** A pod in `default` with one container asking for `requests`, plus any spec fields. */
export function makePod(
  name: string,
  requests: Record<string, string> = {},
  spec: Partial<PodSpec> = {},
  labels?: Record<string, string>,
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(labels ? { labels } : {}) },
    spec: { schedulerName: 'default-scheduler', containers: [container('c', requests)], ...spec },
    status: { phase: 'Pending' },
  };
}
