/**
 * The API objects of a simulated node: the Node (capacity = allocatable, labels a real node has,
 * a Ready condition, addresses, nodeInfo) and its heartbeat Lease in kube-node-lease. Addresses
 * come from the node's index so thousands of nodes get distinct, stable ones. The Node's podCIDR is
 * left to the node IPAM controller, as a kubelet leaves it, so nodes of several sim processes never
 * share one.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Node, Taint } from '../../scheduler/types.ts';
import { timestamp } from './pod-status.ts';

export interface SimNodeSpec {
  name: string;
  /** Position among the simulated nodes; picks the addresses. */
  index: number;
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage?: string;
  /** Extra allocatable resources, e.g. { 'nvidia.com/gpu': '4' }. */
  extended?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
}

export const nodeLeaseNamespace = 'kube-node-lease';
export const simLabel = 'berth.io/sim';

/** The node's InternalIP, from 10.200.0.1 upwards by index. */
export function nodeAddress(index: number): string {
  const n = index + 1;
  return `10.${200 + ((n >> 16) & 31)}.${(n >> 8) & 255}.${n & 255}`;
}

/** The range the sim draws pod IPs from: 10.(64 + index / 256).(index % 256).0/24. */
export function nodePodCIDR(index: number): { cidr: string; prefix: string } {
  const a = 64 + ((index >> 8) & 127);
  const b = index & 255;
  return { cidr: `10.${a}.${b}.0/24`, prefix: `10.${a}.${b}.` };
}

/** The Node object to register. */
export function simNode(s: SimNodeSpec, now: number): Node {
  const at = timestamp(now);
  const resources: Record<string, string> = {
    cpu: s.cpu,
    memory: s.memory,
    pods: s.pods,
    'ephemeral-storage': s.ephemeralStorage ?? '100Gi',
    ...s.extended,
  };
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: s.name,
      labels: {
        'kubernetes.io/hostname': s.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        [simLabel]: 'true',
        ...s.labels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', [simLabel]: 'true' },
    },
    spec: {
      providerID: `sim://${s.name}`,
      ...(s.taints?.length ? { taints: s.taints } : {}),
    },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: nodeAddress(s.index) },
        { type: 'Hostname', address: s.name },
      ],
      nodeInfo: {
        machineID: `sim-${s.index}`,
        systemUUID: `sim-${s.index}`,
        bootID: `sim-${s.index}-${now}`,
        kernelVersion: 'sim',
        osImage: 'Berth simulated node',
        containerRuntimeVersion: 'sim://0.1.0',
        kubeletVersion: 'v1.32.0-berth-sim',
        kubeProxyVersion: 'v1.32.0-berth-sim',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** The node's Lease, renewed `now`, held by the node for 40 s. */
export function simLease(node: string, now: number, prev?: KubeObject): KubeObject {
  const micro = new Date(now).toISOString().replace('Z', '000Z');
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { ...(prev?.metadata ?? {}), name: node, namespace: nodeLeaseNamespace },
    spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime: micro },
  };
}
