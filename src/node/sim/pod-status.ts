/**
 * The status a simulated kubelet reports: `runningStatus` for a started pod (every container
 * running and ready, init containers completed, the five pod conditions True, pod and host IPs,
 * startTime) and `succeededStatus` for a finished one (containers terminated with exit code 0,
 * reason Completed; Ready and ContainersReady False with reason PodCompleted).
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Container, PodCondition, RPod } from '../../scheduler/types.ts';

/** RFC 3339 with whole seconds, as Kubernetes writes timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface PlacedOn {
  hostIP: string;
  podIP: string;
}

function condition(
  type: string,
  status: string,
  at: string,
  reason?: string,
  prev?: readonly DeepReadonly<PodCondition>[],
): PodCondition {
  const old = prev?.find((c) => c.type === type);
  const lastTransitionTime =
    old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : at;
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(reason ? { reason } : {}) };
}

function containerId(pod: RPod, c: DeepReadonly<Container>): string {
  return `sim://${pod.metadata.uid ?? pod.metadata.name}-${c.name}`;
}

function baseStatus(c: DeepReadonly<Container>, pod: RPod): Record<string, unknown> {
  return {
    name: c.name,
    image: c.image ?? '',
    imageID: `sim://${c.image ?? ''}`,
    containerID: containerId(pod, c),
    restartCount: 0,
  };
}

/** The status of a pod that has started on its node. */
export function runningStatus(pod: RPod, where: PlacedOn, now: number): Record<string, unknown> {
  const at = timestamp(now);
  const prev = pod.status?.conditions;
  const started = pod.status?.startTime ?? at;
  return {
    phase: 'Running',
    hostIP: where.hostIP,
    hostIPs: [{ ip: where.hostIP }],
    podIP: where.podIP,
    podIPs: [{ ip: where.podIP }],
    startTime: started,
    conditions: [
      condition('PodReadyToStartContainers', 'True', at, undefined, prev),
      condition('Initialized', 'True', at, undefined, prev),
      condition('Ready', 'True', at, undefined, prev),
      condition('ContainersReady', 'True', at, undefined, prev),
      condition('PodScheduled', 'True', at, undefined, prev),
    ],
    initContainerStatuses: (pod.spec?.initContainers ?? []).map((c) => ({
      ...baseStatus(c, pod),
      ready: true,
      started: false,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: started,
          finishedAt: at,
          containerID: containerId(pod, c),
        },
      },
    })),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      ...baseStatus(c, pod),
      ready: true,
      started: true,
      state: { running: { startedAt: at } },
    })),
  };
}

/** The status of a pod whose containers all exited 0. */
export function succeededStatus(pod: RPod, now: number): Record<string, unknown> {
  const at = timestamp(now);
  const prev = pod.status?.conditions;
  const startedAt = pod.status?.startTime ?? at;
  return {
    phase: 'Succeeded',
    conditions: [
      condition('PodReadyToStartContainers', 'False', at, undefined, prev),
      condition('Initialized', 'True', at, 'PodCompleted', prev),
      condition('Ready', 'False', at, 'PodCompleted', prev),
      condition('ContainersReady', 'False', at, 'PodCompleted', prev),
      condition('PodScheduled', 'True', at, undefined, prev),
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      ...baseStatus(c, pod),
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt,
          finishedAt: at,
          containerID: containerId(pod, c),
        },
      },
    })),
  };
}
