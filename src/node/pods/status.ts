/**
 * The pod status the agent reports, computed from what the runtime shows (sandbox, containers),
 * what the probes say, and why containers wait (backoff, image pulls, config errors):
 * - containerStatuses / initContainerStatuses: state running / waiting / terminated, lastState from
 *   the container before, restartCount (the runtime attempt), ready, started, image, imageID,
 *   containerID; exit reason Completed / Error / OOMKilled;
 * - phase by kubelet's rules (Pending while initializing or a container never ran; Running while any
 *   runs or will be restarted; Succeeded when all exited 0; Failed when one failed and none will be
 *   restarted); a terminal phase never changes again;
 * - conditions PodReadyToStartContainers, Initialized, ContainersReady, Ready, PodScheduled, with
 *   lastTransitionTime kept while a condition's status stays; conditions others own are kept;
 * - ephemeralContainerStatuses (kubectl debug), reported like the others but never ready;
 * - podIP(s), hostIP(s), startTime, qosClass.
 */
import type { ContainerState as CriState } from '../cri/types.ts';
import type { ProbeState } from './probes.ts';
import { qosClass } from './resources.ts';
import {
  rfc3339,
  type ContainerState,
  type ContainerStatus,
  type PodCondition,
  type PodStatus,
  type RContainer,
  type RPod,
} from './types.ts';

/** One container as the runtime reports it (times in ms since the epoch, 0 = not reached). */
export interface RuntimeContainer {
  id: string;
  name: string;
  attempt: number;
  sandboxId: string;
  state: CriState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  hash: string;
}

/** Why a container is waiting, as decided by the pod worker. */
export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: RPod;
  now: number;
  hostIP?: string;
  sandbox?: { ready: boolean; ip: string };
  /** Containers by name, newest first. */
  containers: ReadonlyMap<string, RuntimeContainer[]>;
  waiting: ReadonlyMap<string, Waiting>;
  probes: (containerId: string) => ProbeState;
  initDone: boolean;
  startTime?: string;
  /** Pod-level message (e.g. why volumes are not ready); shown on containers that wait for creation. */
  message?: string;
}

/** The runtime's name for the container id in status: `containerd://<id>`. */
export const containerIdPrefix = 'containerd://';

function terminated(c: RuntimeContainer): ContainerState {
  const reason = c.reason || (c.exitCode === 0 ? 'Completed' : 'Error');
  return {
    terminated: {
      exitCode: c.exitCode,
      reason,
      ...(c.message ? { message: c.message } : {}),
      startedAt: c.startedAt ? rfc3339(c.startedAt) : undefined,
      finishedAt: c.finishedAt ? rfc3339(c.finishedAt) : undefined,
      containerID: containerIdPrefix + c.id,
    },
  };
}

function containerStatus(c: RContainer, input: StatusInput, defaultWaiting: string): ContainerStatus {
  const list = input.containers.get(c.name) ?? [];
  const [latest, previous] = list;
  const waiting = input.waiting.get(c.name);
  const out: ContainerStatus = {
    name: c.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: latest?.attempt ?? 0,
    image: c.image ?? '',
    imageID: latest?.imageRef ?? '',
    started: false,
  };
  if (latest) out.containerID = containerIdPrefix + latest.id;
  if (!latest) {
    out.state = {
      waiting: { reason: waiting?.reason ?? defaultWaiting, ...msg(waiting?.message ?? input.message) },
    };
    return out;
  }
  if (latest.state === 'CONTAINER_RUNNING') {
    const p = input.probes(latest.id);
    out.state = { running: { startedAt: rfc3339(latest.startedAt || latest.createdAt) } };
    out.started = p.started;
    out.ready = p.started && p.ready;
    if (previous && previous.state === 'CONTAINER_EXITED') out.lastState = terminated(previous);
    return out;
  }
  if (latest.state === 'CONTAINER_EXITED') {
    if (waiting) {
      out.state = { waiting: { reason: waiting.reason, ...msg(waiting.message) } };
      out.lastState = terminated(latest);
    } else {
      out.state = terminated(latest);
      if (previous && previous.state === 'CONTAINER_EXITED') out.lastState = terminated(previous);
    }
    return out;
  }
  // Created but not started yet, or unknown.
  out.state = { waiting: { reason: waiting?.reason ?? 'ContainerCreating', ...msg(waiting?.message) } };
  if (previous && previous.state === 'CONTAINER_EXITED') out.lastState = terminated(previous);
  return out;
}

function msg(m: string | undefined): { message?: string } {
  return m ? { message: m } : {};
}

/** kubelet's phase rules over the app containers' statuses. */
export function podPhase(
  pod: RPod,
  init: { done: boolean; failed: boolean },
  statuses: ContainerStatus[],
): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (init.failed && policy === 'Never') return 'Failed';
  if (!init.done) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function isSidecar(c: RContainer): boolean {
  return c.restartPolicy === 'Always';
}

/** The full status to write for the pod. */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const old = pod.status ?? {};
  const inits = pod.spec?.initContainers ?? [];
  const apps = pod.spec?.containers ?? [];
  // A pod without init containers is initialized from the start (it waits in ContainerCreating).
  const initDone = input.initDone || inits.length === 0;
  const initStatuses = inits.map((c) => containerStatus(c, input, 'PodInitializing'));
  const appStatuses = apps.map((c) =>
    containerStatus(c, input, initDone ? 'ContainerCreating' : 'PodInitializing'),
  );
  // A regular init container that failed and will not be retried fails the pod.
  const initFailed = inits.some(
    (c, i) =>
      !isSidecar(c) && initStatuses[i]!.state.terminated && initStatuses[i]!.state.terminated.exitCode !== 0,
  );
  let phase = podPhase(pod, { done: initDone, failed: initFailed }, appStatuses);
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase;
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const now = rfc3339(input.now);
  const keep = (type: string, status: PodCondition['status']): string => {
    const prev = (old.conditions ?? []).find((c) => c.type === type);
    return prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
  };
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: keep(type, status),
      ...(!ok && reason ? { reason } : {}),
      ...(!ok && message ? { message } : {}),
    };
  };
  const sidecarsNotReady = inits.filter((c, i) => isSidecar(c) && !initStatuses[i]!.ready).map((c) => c.name);
  const unready = [...sidecarsNotReady, ...appStatuses.filter((s) => !s.ready).map((s) => s.name)];
  const incomplete = initDone
    ? []
    : inits
        .filter((_c, i) => !initStatuses[i]!.state.terminated && !initStatuses[i]!.state.running)
        .map((c) => c.name);
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesOk = gates.every((t) => (old.conditions ?? []).some((c) => c.type === t && c.status === 'True'));
  const containersReady = !terminal && unready.length === 0;
  const owned = ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled'];
  const conditions: PodCondition[] = [
    cond('PodReadyToStartContainers', !!input.sandbox?.ready),
    cond(
      'Initialized',
      initDone || terminal,
      'ContainersNotInitialized',
      `containers with incomplete status: [${incomplete.join(' ')}]`,
    ),
    cond(
      'Ready',
      containersReady && gatesOk,
      terminal ? 'PodCompleted' : containersReady ? 'ReadinessGatesNotReady' : 'ContainersNotReady',
      terminal
        ? undefined
        : containersReady
          ? `the status of pod readiness gates is not "True"`
          : `containers with unready status: [${unready.join(' ')}]`,
    ),
    cond(
      'ContainersReady',
      containersReady,
      terminal ? 'PodCompleted' : 'ContainersNotReady',
      terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`,
    ),
    cond('PodScheduled', true),
    ...(old.conditions ?? []).filter((c) => !owned.includes(c.type)).map((c) => ({ ...c })),
  ];
  const status: PodStatus = {
    phase,
    conditions,
    ...(input.hostIP ? { hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }] } : {}),
    startTime: input.startTime ?? old.startTime ?? now,
    containerStatuses: appStatuses,
    qosClass: qosClass(pod),
  };
  const ip = input.sandbox?.ip || old.podIP;
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  if (inits.length) status.initContainerStatuses = initStatuses;
  const ephemerals = pod.spec?.ephemeralContainers ?? [];
  // Ephemeral containers are never ready and take no part in the phase or the conditions.
  if (ephemerals.length)
    status.ephemeralContainerStatuses = ephemerals.map((c) => ({
      ...containerStatus(c, input, 'ContainerCreating'),
      ready: false,
    }));
  return status;
}

/** True when two statuses say the same (JSON with keys in any order, undefined fields dropped). */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
