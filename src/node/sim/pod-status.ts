/**
 * The status a simulated kubelet reports: `runningStatus` for a started pod (every container
 * running and ready, init containers completed, the five pod conditions True, pod and host IPs,
 * startTime), `finishedStatus` for a finished one (containers terminated with the exit code the
 * `berth.io/sim-exit-code` annotation asks for, 0 by default: Succeeded, or Failed when non-zero),
 * and `restartedStatus` for a container that failed and was restarted in place.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Container, PodCondition, RPod } from '../../scheduler/types.ts';
import { simExitCodeAnnotation, type StageStatus } from './stages.ts';

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
  return finishedStatus(pod, now, 0);
}

/**
 * The status of a finished pod whose containers exited with `exitCode`: Succeeded (reason
 * Completed) for 0, Failed (reason Error; Ready False with reason PodFailed) otherwise.
 */
export function finishedStatus(pod: RPod, now: number, exitCode: number): Record<string, unknown> {
  const at = timestamp(now);
  const prev = pod.status?.conditions;
  const startedAt = pod.status?.startTime ?? at;
  const ok = exitCode === 0;
  const why = ok ? 'PodCompleted' : 'PodFailed';
  return {
    phase: ok ? 'Succeeded' : 'Failed',
    conditions: [
      condition('PodReadyToStartContainers', 'False', at, undefined, prev),
      condition('Initialized', 'True', at, why, prev),
      condition('Ready', 'False', at, why, prev),
      condition('ContainersReady', 'False', at, why, prev),
      condition('PodScheduled', 'True', at, undefined, prev),
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      ...baseStatus(c, pod),
      restartCount: restartsOf(pod, c.name),
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode,
          reason: ok ? 'Completed' : 'Error',
          startedAt,
          finishedAt: at,
          containerID: containerId(pod, c),
        },
      },
    })),
  };
}

function restartsOf(pod: RPod, name: string): number {
  const s = (
    pod.status?.containerStatuses as readonly { name?: string; restartCount?: number }[] | undefined
  )?.find((x) => x.name === name);
  return s?.restartCount ?? 0;
}

/**
 * The status of a running pod whose containers just exited with `exitCode` and were restarted in
 * place (restartPolicy OnFailure or Always): still Running, restartCount one higher, the exit in
 * lastState.
 */
export function restartedStatus(
  pod: RPod,
  where: PlacedOn,
  now: number,
  exitCode: number,
): Record<string, unknown> {
  const base = runningStatus(pod, where, now);
  const at = timestamp(now);
  const containers = base.containerStatuses as Record<string, unknown>[];
  base.containerStatuses = containers.map((c) => ({
    ...c,
    restartCount: restartsOf(pod, String(c.name)) + 1,
    lastState: {
      terminated: {
        exitCode,
        reason: 'Error',
        startedAt: pod.status?.startTime ?? at,
        finishedAt: at,
        containerID: c.containerID,
      },
    },
  }));
  return base;
}

/** The exit code the pod's sim annotation asks for (0 when absent or not a whole number 0–255). */
export function simExitCode(pod: RPod): number {
  const text = pod.metadata.annotations?.[simExitCodeAnnotation];
  const n = Number(text);
  return text !== undefined && /^\d+$/.test(text) && n <= 255 ? n : 0;
}

/** The status a stage's `next.status` names, for a pod on a node at `where`. */
export function statusFor(
  next: StageStatus,
  pod: RPod,
  where: () => PlacedOn,
  now: number,
): Record<string, unknown> {
  switch (next) {
    case 'running':
      return runningStatus(pod, where(), now);
    case 'restarted':
      return restartedStatus(pod, where(), now, simExitCode(pod));
    case 'finished':
      return finishedStatus(pod, now, simExitCode(pod));
    default:
      return succeededStatus(pod, now);
  }
}
