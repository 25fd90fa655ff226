/**
 * The parts of Node, Lease and Pod the node controllers (lifecycle, IPAM, taint eviction) read and
 * write, with Kubernetes' field names. Every field is optional because the API may omit it.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface NodeCondition {
  type: string;
  status: ConditionStatus | string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
  /** When a NoExecute taint was added (RFC 3339); tolerationSeconds count from here. */
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Node extends KubeObject {
  spec?: {
    unschedulable?: boolean;
    taints?: Taint[];
    podCIDR?: string;
    podCIDRs?: string[];
    [k: string]: unknown;
  };
  status?: { conditions?: NodeCondition[]; [k: string]: unknown };
}

export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; tolerations?: Toleration[]; [k: string]: unknown };
  status?: { phase?: string; conditions?: PodCondition[]; [k: string]: unknown };
}

export type RNode = DeepReadonly<Node>;
export type RPod = DeepReadonly<Pod>;

/** The namespace kubelets (and simulated nodes) keep their heartbeat Leases in. */
export const nodeLeaseNamespace = 'kube-node-lease';

/** Well-known taint keys (Kubernetes' names). */
export const taintNotReady = 'node.kubernetes.io/not-ready';
export const taintUnreachable = 'node.kubernetes.io/unreachable';
export const taintUnschedulable = 'node.kubernetes.io/unschedulable';
export const taintMemoryPressure = 'node.kubernetes.io/memory-pressure';
export const taintDiskPressure = 'node.kubernetes.io/disk-pressure';
export const taintPIDPressure = 'node.kubernetes.io/pid-pressure';
export const taintNetworkUnavailable = 'node.kubernetes.io/network-unavailable';

/** Index of the pod informer by spec.nodeName, shared by the node controllers. */
export const podsByNodeIndex = 'spec.nodeName';

/** The index function for `podsByNodeIndex`. */
export function podNodeName(p: RPod): string[] {
  return p.spec?.nodeName ? [p.spec.nodeName] : [];
}

/** RFC 3339 in whole seconds, as condition and taint times are written. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds of an RFC 3339 time, or undefined when absent or unparsable. */
export function parseTime(s: string | null | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
