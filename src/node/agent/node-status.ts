/**
 * The Node object an agent registers and the status it reports, computed from HostInfo — pure
 * functions, so tests pin every field. Allocatable is capacity minus what the agent keeps back for
 * the system and itself (the kubelet's kube-reserved + system-reserved + hard eviction thresholds):
 *   cpu 100m · memory 256Mi + the 100Mi eviction threshold · ephemeral-storage 10% · pods none.
 * Conditions follow the kubelet's thresholds: MemoryPressure when MemAvailable < 100Mi, DiskPressure
 * when the data directory's filesystem has < 10% available, PIDPressure when more than 90% of pid_max
 * is in use. Reasons and messages are the kubelet's (KubeletHasSufficientMemory, ...).
 */
import type { KubeObject } from '../../api/object.ts';
import type { HostInfo } from './host-info.ts';

export const reserved = { cpuMilli: 100, memoryBytes: (256 + 100) * 1024 * 1024, storageFraction: 0.1 };
export const thresholds = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  storageAvailableFraction: 0.1,
  pidUsedFraction: 0.9,
};
export const maxPods = 110;

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

export interface NodeStatusInput {
  host: HostInfo;
  /** "containerd://1.6.20" or "unknown". */
  runtimeVersion: string;
  /** Whether the container runtime is up (always true with no runtime). */
  runtimeReady: boolean;
  runtimeMessage?: string;
  kubeletVersion: string;
  /** Overrides the detected InternalIP. */
  nodeIP?: string;
  hostnameOverride?: string;
  /** The port of the agent's HTTPS endpoint (logs, exec, port-forward) the API server dials (10250). */
  kubeletPort?: number;
  /**
   * The eviction manager's verdict (src/node/eviction): a condition named here is True/False as
   * given instead of from the host thresholds above (it applies --eviction-hard and the transition
   * period).
   */
  pressure?: PressureReport;
}

/** MemoryPressure / DiskPressure as decided by the eviction manager; a missing key: not decided. */
export interface PressureReport {
  MemoryPressure?: boolean;
  DiskPressure?: boolean;
}

const kib = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;

/** RFC 3339 without fractions, as Node times are written. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The labels a kubelet puts on its Node. */
export function nodeLabels(name: string, host: HostInfo): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': host.operatingSystem,
    'kubernetes.io/arch': host.architecture,
    'beta.kubernetes.io/os': host.operatingSystem,
    'beta.kubernetes.io/arch': host.architecture,
  };
}

/** capacity and allocatable (see the file comment for the reservations). */
export function nodeResources(host: HostInfo): {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
} {
  const capacity = {
    cpu: String(host.cpus),
    memory: kib(host.memTotalBytes),
    'ephemeral-storage': kib(host.storageTotalBytes),
    pods: String(maxPods),
  };
  const cpuMilli = Math.max(0, host.cpus * 1000 - reserved.cpuMilli);
  const allocatable = {
    cpu: cpuMilli % 1000 === 0 ? String(cpuMilli / 1000) : `${cpuMilli}m`,
    memory: kib(Math.max(0, host.memTotalBytes - reserved.memoryBytes)),
    'ephemeral-storage': kib(Math.max(0, host.storageTotalBytes * (1 - reserved.storageFraction))),
    pods: String(maxPods),
  };
  return { capacity, allocatable };
}

type ConditionCore = Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>;

/** The four conditions as the host is now (without timestamps). */
export function currentConditions(i: NodeStatusInput): ConditionCore[] {
  const h = i.host;
  const memLow = i.pressure?.MemoryPressure ?? h.memAvailableBytes < thresholds.memoryAvailableBytes;
  const diskLow =
    i.pressure?.DiskPressure ??
    (h.storageTotalBytes > 0 &&
      h.storageAvailableBytes / h.storageTotalBytes < thresholds.storageAvailableFraction);
  const pidsLow = h.pidMax > 0 && h.pids / h.pidMax > thresholds.pidUsedFraction;
  return [
    memLow
      ? {
          type: 'MemoryPressure',
          status: 'True',
          reason: 'KubeletHasInsufficientMemory',
          message: 'kubelet has insufficient memory available',
        }
      : {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
    diskLow
      ? {
          type: 'DiskPressure',
          status: 'True',
          reason: 'KubeletHasDiskPressure',
          message: 'kubelet has disk pressure',
        }
      : {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
        },
    pidsLow
      ? {
          type: 'PIDPressure',
          status: 'True',
          reason: 'KubeletHasInsufficientPID',
          message: 'kubelet has insufficient PID available',
        }
      : {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
        },
    i.runtimeReady
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message: `container runtime is down: ${i.runtimeMessage ?? 'not ready'}`,
        },
  ];
}

/**
 * Conditions with timestamps: lastHeartbeatTime is now; lastTransitionTime stays from `prev` unless
 * the status flipped (or the condition is new).
 */
export function stampConditions(
  core: ConditionCore[],
  prev: readonly Partial<NodeCondition>[],
  now: number,
): NodeCondition[] {
  const at = rfc3339(now);
  return core.map((c) => {
    const old = prev.find((p) => p.type === c.type);
    const kept = old && old.status === c.status && old.lastTransitionTime;
    return { ...c, lastHeartbeatTime: at, lastTransitionTime: kept ? old.lastTransitionTime! : at };
  });
}

/** The status fields the agent owns (everything but conditions' timestamps is deterministic). */
export function nodeStatus(
  i: NodeStatusInput,
  prevConditions: readonly Partial<NodeCondition>[],
  now: number,
): Record<string, unknown> {
  const h = i.host;
  const ip = i.nodeIP ?? h.internalIP;
  return {
    ...nodeResources(h),
    conditions: stampConditions(currentConditions(i), prevConditions, now),
    addresses: [
      ...(ip ? [{ type: 'InternalIP', address: ip }] : []),
      { type: 'Hostname', address: i.hostnameOverride ?? h.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: h.machineID,
      systemUUID: h.systemUUID,
      bootID: h.bootID,
      kernelVersion: h.kernelVersion,
      osImage: h.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: i.kubeletVersion,
      kubeProxyVersion: i.kubeletVersion,
      operatingSystem: h.operatingSystem,
      architecture: h.architecture,
    },
  };
}

/** The Node to register: labels, and the status as it is now. */
export function newNode(
  name: string,
  i: NodeStatusInput,
  now: number,
  extraLabels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { ...nodeLabels(name, i.host), ...extraLabels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
    status: nodeStatus(i, [], now),
  };
}

/**
 * A comparable digest of a status without its heartbeat times, for "did anything change?": the
 * agent posts when this changes, otherwise every nodeStatusReportFrequency.
 */
export function statusDigest(status: Record<string, unknown>): string {
  const conditions = ((status.conditions ?? []) as NodeCondition[]).map((c) => [c.type, c.status, c.reason]);
  return JSON.stringify({ ...status, conditions });
}
