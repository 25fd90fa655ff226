/**
 * One pod driven toward its spec — kubelet's syncPod. Each call reads the runtime afresh, does the
 * next steps and writes the status; it is safe to repeat and is never run twice at once for one
 * pod (the loop's work queue serializes per pod uid). The steps:
 *  1. a ready sandbox (older or dead sandboxes and their containers are removed first);
 *  2. the volumes (set up, or refreshed when their sources changed);
 *  3. init containers in order, each to completion (restartPolicy Always ones — sidecars — are
 *     started and kept running);
 *  4. app containers: started, restarted per restartPolicy with crash-loop backoff, killed when a
 *     liveness/startup probe fails or their spec hash changed;
 *  5. the status, written through pods/status when it changed.
 * `sync` returns when the pod wants to be looked at again (backoff expiry, periodic resync).
 * Terminal pods (Succeeded/Failed) get their sandbox stopped and volumes torn down but keep their
 * containers for logs; `terminate` (deletionTimestamp set) stops everything with the grace period,
 * removes it, and deletes the API object with grace 0; `cleanup` removes what a vanished pod left.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceClient } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { isConflict, isNotFound as isApiNotFound } from '../../client/status.ts';
import { CriError, isNotFound } from '../cri/errors.ts';
import type { Cri } from '../cri/service.ts';
import type { VolumeManager, MountedVolume } from '../volumes/manager.ts';
import type { Backoff } from './backoff.ts';
import type { ConfigSource } from './config-source.ts';
import { containerConfig } from './container-config.ts';
import { ContainerConfigError, containerEnv } from './env.ts';
import { syncEphemeralContainers } from './ephemeral.ts';
import type { ImagePuller } from './images.ts';
import { containerHash } from './labels.ts';
import { podLogDir, podLogsRoot } from './paths.ts';
import type { ProbeManager } from './probes.ts';
import { podCgroupParent } from './resources.ts';
import { observePod, toRuntimeContainer, type PodRuntime } from './runtime-view.ts';
import { sandboxConfig, type SandboxSettings } from './sandbox-config.ts';
import { computePodStatus, sameStatus, type RuntimeContainer, type Waiting } from './status.ts';
import {
  podName,
  rfc3339,
  type Pod,
  type PodStatus,
  type RContainer,
  type RPod,
  type ResourceList,
} from './types.ts';

export interface PodSyncDeps {
  cri: Cri;
  pods: ResourceClient<Pod>;
  nodeName: string;
  dataDir: string;
  clock: Clock;
  log: ClientLogger;
  volumes: VolumeManager;
  images: ImagePuller;
  probes: ProbeManager;
  crashBackoff: Backoff;
  configs: ConfigSource;
  sandbox: SandboxSettings;
  hostIP: () => string | undefined;
  nodeAllocatable: () => ResourceList;
  /** Removes a pod's cgroup parent directories (tests pass a no-op). */
  removeCgroup: (path: string) => void;
  events?: EventRecorder;
  /** Longest time between two syncs of a running pod (default 10 s). */
  resyncMs?: number;
}

interface PodState {
  startTime?: string;
  waiting: Map<string, Waiting>;
  message?: string;
  lastWritten?: PodStatus;
  terminalDone?: boolean;
  /** Set when the eviction manager evicted the pod: it is terminal from then on. */
  evicted?: Evicted;
  podIP?: { sandboxId: string; ip: string };
}

type Outcome = 'running' | 'succeeded' | 'failed' | 'waiting';

/** The per-pod state machine; see the file comment. */
export class PodSyncer {
  private readonly d: PodSyncDeps;
  private readonly states = new Map<string, PodState>();

  constructor(d: PodSyncDeps) {
    this.d = d;
  }

  private state(uid: string): PodState {
    let s = this.states.get(uid);
    if (!s) {
      s = { waiting: new Map() };
      this.states.set(uid, s);
    }
    return s;
  }

  private event(pod: RPod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.d.events?.event({ apiVersion: 'v1', kind: 'Pod', ...pod } as Pod, type, reason, message);
  }

  /** Drives a live pod one step further; returns ms until it wants another sync. */
  async sync(pod: RPod): Promise<number> {
    const uid = pod.metadata.uid ?? '';
    const st = this.state(uid);
    const now = this.d.clock.now();
    st.startTime ??= pod.status?.startTime ?? rfc3339(now);
    st.waiting = new Map();
    st.message = undefined;
    let wakeIn = this.d.resyncMs ?? 10_000;
    const wake = (ms: number): void => void (wakeIn = Math.max(0, Math.min(wakeIn, ms)));

    let rt = await observePod(this.d.cri, this.d.nodeName, uid);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || st.evicted) {
      await this.stopTerminal(pod, rt, st);
      return wakeIn * 6;
    }

    // 1. Sandbox.
    let sb = rt.sandboxes[0];
    if (!sb?.ready) {
      try {
        await this.removeSandboxes(rt);
        const attempt = sb ? sb.attempt + 1 : 0;
        const cfg = sandboxConfig(pod, this.d.sandbox, attempt);
        mkdirSync(cfg.log_directory!, { recursive: true });
        await this.d.cri.runPodSandbox(cfg);
      } catch (err) {
        st.message = `Failed to create pod sandbox: ${errText(err)}`;
        this.event(pod, 'Warning', 'FailedCreatePodSandBox', st.message);
        await this.writeStatus(pod, rt, st, false);
        return Math.min(wakeIn, 5_000);
      }
      rt = await observePod(this.d.cri, this.d.nodeName, uid);
      sb = rt.sandboxes[0];
      if (!sb) throw new Error(`sandbox of pod ${podName(pod)} vanished right after it was created`);
    }
    if (st.podIP?.sandboxId !== sb.id) {
      const s = await this.d.cri.podSandboxStatus(sb.id);
      st.podIP = {
        sandboxId: sb.id,
        ip: s.status?.network?.ip || (pod.spec?.hostNetwork ? (this.d.hostIP() ?? '') : ''),
      };
    }
    const podIP = st.podIP.ip;
    for (const id of rt.stale) await this.removeContainer(id);

    // 2. Volumes.
    let volumes: Map<string, MountedVolume>;
    try {
      volumes = await this.d.volumes.setUp(pod, {
        podIP,
        hostIP: this.d.hostIP(),
        nodeAllocatable: this.d.nodeAllocatable(),
      });
    } catch (err) {
      st.message = errText(err);
      this.event(pod, 'Warning', 'FailedMount', st.message);
      await this.writeStatus(pod, rt, st, false);
      return Math.min(wakeIn, 2_000);
    }

    const ctx: StartContext = { pod, rt, sandboxId: sb.id, attempt: sb.attempt, podIP, volumes, st, wake };
    // 3. Init containers.
    const initDone = await this.syncInit(ctx);
    // 4. App containers.
    if (initDone)
      for (const c of pod.spec?.containers ?? []) await this.syncContainer(ctx, c, restartPolicy(pod));
    // Ephemeral containers (kubectl debug), once the pod runs.
    if (
      initDone &&
      (await syncEphemeralContainers(pod, rt.containers, st.waiting, (c, t) => this.start(ctx, c, 0, t)))
    )
      wake(1_000);
    const running = new Set<string>();
    for (const list of rt.containers.values())
      if (list[0]?.state === 'CONTAINER_RUNNING') running.add(list[0].id);
    this.d.probes.retain(uid, running);

    // 5. Status (from a fresh look, so containers started just now show as running).
    rt = await observePod(this.d.cri, this.d.nodeName, uid);
    await this.writeStatus(pod, rt, st, initDone || hasAppContainers(pod, rt));
    return wakeIn;
  }

  private async syncInit(ctx: StartContext): Promise<boolean> {
    const { pod, rt } = ctx;
    const inits = pod.spec?.initContainers ?? [];
    // Once an app container exists the pod was initialized (also after an agent restart).
    const initialized = hasAppContainers(pod, rt);
    for (const c of inits) {
      if (c.restartPolicy === 'Always') {
        const r = await this.syncContainer(ctx, c, 'Always');
        const id = rt.containers.get(c.name)?.[0]?.id;
        if (!initialized && (r !== 'running' || !id || !this.d.probes.state(id).started)) return false;
        continue;
      }
      if (initialized) continue;
      const latest = rt.containers.get(c.name)?.[0];
      if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
      await this.syncContainer(ctx, c, restartPolicy(pod) === 'Never' ? 'Never' : 'OnFailure');
      return false;
    }
    return true;
  }

  /** One container toward running (or done, per `policy`). Updates `ctx.rt` when it starts one. */
  private async syncContainer(ctx: StartContext, c: RContainer, policy: string): Promise<Outcome> {
    const { pod, rt, st } = ctx;
    const uid = pod.metadata.uid ?? '';
    const list = rt.containers.get(c.name) ?? [];
    const latest = list[0];
    if (!latest) return this.start(ctx, c, 0);
    if (latest.state === 'CONTAINER_RUNNING') {
      const probe = this.d.probes.state(latest.id);
      if (latest.hash && latest.hash !== containerHash(c)) {
        this.event(pod, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
        await this.stopContainer(latest.id, gracePeriod(pod));
        ctx.wake(0);
        return 'waiting';
      }
      if (probe.failed) {
        this.event(pod, 'Warning', 'Unhealthy', probe.message);
        this.event(pod, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`);
        const grace = c.livenessProbe?.terminationGracePeriodSeconds ?? gracePeriod(pod);
        await this.stopContainer(latest.id, grace);
        this.d.probes.retain(uid, new Set());
        ctx.wake(0);
        return 'waiting';
      }
      this.d.probes.ensure(uid, c, { containerId: latest.id, podIP: ctx.podIP, ports: c.ports ?? [] });
      return 'running';
    }
    if (latest.state === 'CONTAINER_CREATED') {
      // Created by an agent that stopped before starting it.
      try {
        await this.d.cri.startContainer(latest.id);
        ctx.wake(0);
        return 'running';
      } catch (err) {
        st.waiting.set(c.name, { reason: 'RunContainerError', message: errText(err) });
        ctx.wake(1_000);
        return 'waiting';
      }
    }
    const failed = latest.exitCode !== 0;
    const restart = policy === 'Always' || (policy === 'OnFailure' && failed);
    if (!restart) return failed ? 'failed' : 'succeeded';
    const key = `${uid}/${c.name}`;
    const at = latest.finishedAt || this.d.clock.now();
    const left = this.d.crashBackoff.remaining(key, at);
    if (left > 0) {
      const delay = Math.round(this.d.crashBackoff.delay(key) / 1000);
      const message = `back-off ${delay}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`;
      st.waiting.set(c.name, { reason: 'CrashLoopBackOff', message });
      this.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      ctx.wake(left);
      return 'waiting';
    }
    this.d.crashBackoff.next(key, at);
    return this.start(ctx, c, latest.attempt + 1);
  }

  /** Pulls, configures, creates and starts one container; records why not when it cannot. */
  private async start(
    ctx: StartContext,
    c: RContainer,
    attempt: number,
    targetId?: string,
  ): Promise<Outcome> {
    const { pod, st } = ctx;
    const image = await this.d.images.ensure(pod, c);
    if (!image.ok) {
      st.waiting.set(c.name, { reason: image.reason, message: image.message });
      this.event(pod, 'Warning', image.reason === 'ImagePullBackOff' ? 'BackOff' : 'Failed', image.message);
      ctx.wake(Math.max(1_000, this.d.images.retryIn(pod, c.image ?? '')));
      return 'waiting';
    }
    let id: string;
    try {
      const env = await containerEnv(pod, c, {
        configs: this.d.configs,
        nodeAllocatable: this.d.nodeAllocatable(),
        podIP: ctx.podIP,
        hostIP: this.d.hostIP(),
      });
      const cfg = containerConfig({
        pod,
        container: c,
        nodeName: this.d.nodeName,
        restartCount: attempt,
        env,
        volumes: ctx.volumes,
        image: image.image,
        targetId,
      });
      mkdirSync(join(podLogDir(this.d.dataDir, pod), c.name), { recursive: true });
      id = await this.d.cri.createContainer(
        ctx.sandboxId,
        cfg,
        sandboxConfig(pod, this.d.sandbox, ctx.attempt),
      );
    } catch (err) {
      const reason =
        err instanceof ContainerConfigError ? 'CreateContainerConfigError' : 'CreateContainerError';
      st.waiting.set(c.name, { reason, message: errText(err) });
      this.event(pod, 'Warning', 'Failed', `Error: ${errText(err)}`);
      ctx.wake(2_000);
      return 'waiting';
    }
    this.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
    try {
      await this.d.cri.startContainer(id);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    } catch (err) {
      // The runtime records the failed start (exit 128, StartError); the restart policy takes it from there.
      this.event(pod, 'Warning', 'Failed', `Error: ${errText(err)}`);
    }
    const s = await this.d.cri.containerStatus(id).catch(() => ({ status: null }));
    if (s.status) {
      const rc: RuntimeContainer[] = [
        toRuntimeContainer(s.status, ctx.sandboxId),
        ...(ctx.rt.containers.get(c.name) ?? []).slice(0, 1),
      ];
      ctx.rt.containers.set(c.name, rc);
    }
    await this.postStart(ctx, c, id);
    ctx.wake(1_000);
    return s.status?.state === 'CONTAINER_RUNNING' ? 'running' : 'waiting';
  }

  private async postStart(ctx: StartContext, c: RContainer, id: string): Promise<void> {
    const cmd = c.lifecycle?.postStart?.exec?.command;
    if (!cmd?.length) return;
    try {
      const r = await this.d.cri.execSync(id, [...cmd], gracePeriod(ctx.pod) || 30);
      if (r.exit_code === 0) return;
      throw new Error(`command '${cmd.join(' ')}' exited with ${r.exit_code}: ${r.stderr.toString()}`);
    } catch (err) {
      this.event(ctx.pod, 'Warning', 'FailedPostStartHook', errText(err));
      await this.stopContainer(id, gracePeriod(ctx.pod));
    }
  }

  private async writeStatus(pod: RPod, rt: PodRuntime, st: PodState, initDone: boolean): Promise<void> {
    const sb = rt.sandboxes[0];
    const status = computePodStatus({
      pod,
      now: this.d.clock.now(),
      hostIP: this.d.hostIP(),
      sandbox: sb && { ready: sb.ready, ip: st.podIP?.sandboxId === sb.id ? st.podIP.ip : '' },
      containers: rt.containers,
      waiting: st.waiting,
      probes: (id) => this.d.probes.state(id),
      initDone,
      startTime: st.startTime,
      message: st.message,
    });
    if (st.evicted) evictedStatus(status, st.evicted);
    if (
      sameStatus(status, pod.status) ||
      (st.lastWritten && sameStatus(status, st.lastWritten) && pod.status?.phase === status.phase)
    )
      return;
    const ns = pod.metadata.namespace ?? '';
    const next = JSON.parse(JSON.stringify(pod)) as Pod;
    next.status = status;
    try {
      try {
        await this.d.pods.updateStatus(ns, next);
      } catch (err) {
        if (!isConflict(err)) throw err;
        // The cache was behind: write onto the current object (the status is this node's to own).
        const cur = await this.d.pods.get(ns, pod.metadata.name ?? '');
        if (cur.metadata.uid !== pod.metadata.uid) return;
        await this.d.pods.updateStatus(ns, { ...cur, status });
      }
      st.lastWritten = status;
    } catch (err) {
      if (isApiNotFound(err)) return;
      throw err;
    }
  }

  /** A pod that finished: stop what still runs, release the sandbox's network and the volumes. */
  private async stopTerminal(pod: RPod, rt: PodRuntime, st: PodState): Promise<void> {
    if (st.terminalDone) return;
    const uid = pod.metadata.uid ?? '';
    for (const list of rt.containers.values())
      if (list[0]?.state === 'CONTAINER_RUNNING') await this.stopContainer(list[0].id, gracePeriod(pod));
    for (const s of rt.sandboxes) await this.ignoreGone(this.d.cri.stopPodSandbox(s.id));
    this.d.probes.removePod(uid);
    this.d.volumes.tearDown(uid);
    st.terminalDone = true;
  }

  /**
   * Eviction by this node (the eviction manager, under resource pressure): the pod's containers are
   * stopped within `graceSeconds` and its status becomes phase Failed with `reason` (Evicted) and
   * `message`, plus a DisruptionTarget condition; from then on it is a terminal pod (never restarted).
   */
  async evict(pod: RPod, reason: string, message: string, graceSeconds: number): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const st = this.state(uid);
    const ev: Evicted = (st.evicted ??= { reason, message, at: rfc3339(this.d.clock.now()), stopped: [] });
    this.event(pod, 'Warning', reason, message);
    const running = await observePod(this.d.cri, this.d.nodeName, uid);
    const victims = [...running.containers.values()]
      .map((l) => l[0])
      .filter((c): c is RuntimeContainer => c?.state === 'CONTAINER_RUNNING');
    ev.stopped.push(...victims.map((c) => c.id));
    await Promise.all(victims.map((c) => this.stopContainer(c.id, graceSeconds)));
    const rt = await observePod(this.d.cri, this.d.nodeName, uid);
    await this.writeStatus(pod, rt, st, true);
    await this.stopTerminal(pod, rt, st);
  }

  /**
   * Graceful deletion: preStop hooks, then SIGTERM and SIGKILL after the grace period, sandbox
   * torn down, everything removed; then the API object is deleted for good (grace 0).
   */
  async terminate(pod: RPod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const grace = pod.metadata.deletionGracePeriodSeconds ?? gracePeriod(pod);
    const rt = await observePod(this.d.cri, this.d.nodeName, uid);
    const specs = new Map(
      [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c]),
    );
    const started = this.d.clock.now();
    await Promise.all(
      [...rt.containers.values()]
        .map((l) => l[0])
        .filter((c): c is RuntimeContainer => c?.state === 'CONTAINER_RUNNING')
        .map(async (c) => {
          const pre = specs.get(c.name)?.lifecycle?.preStop?.exec?.command;
          if (pre?.length && grace > 0)
            await this.d.cri.execSync(c.id, [...pre], grace).catch(() => undefined);
          const left = Math.max(0, grace - Math.floor((this.d.clock.now() - started) / 1000));
          this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
          await this.stopContainer(c.id, left);
        }),
    );
    await this.cleanup(uid, rt, pod);
    try {
      await this.d.pods.delete(pod.metadata.namespace ?? '', pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid },
      });
    } catch (err) {
      if (!isApiNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** Removes everything of pod `uid` from the runtime and the host (the pod is gone or going). */
  async cleanup(uid: string, rt?: PodRuntime, pod?: RPod): Promise<void> {
    const view = rt ?? (await observePod(this.d.cri, this.d.nodeName, uid));
    for (const s of view.sandboxes) await this.ignoreGone(this.d.cri.stopPodSandbox(s.id));
    await this.removeSandboxes(view);
    // Containers whose sandbox is already gone.
    const left = await this.d.cri.listContainers({ label_selector: { 'io.kubernetes.pod.uid': uid } });
    for (const c of left) await this.removeContainer(c.id);
    this.d.probes.removePod(uid);
    this.d.images.forgetPod(uid);
    this.d.crashBackoff.forgetPrefix(`${uid}/`);
    this.d.volumes.tearDown(uid);
    removeLogDirs(this.d.dataDir, uid);
    for (const qos of ['Guaranteed', 'Burstable', 'BestEffort'])
      this.d.removeCgroup(cgroupFor(this.d.sandbox.cgroupRoot, uid, qos));
    if (pod) this.d.removeCgroup(podCgroupParent(this.d.sandbox.cgroupRoot, pod));
    this.states.delete(uid);
  }

  private async removeSandboxes(rt: PodRuntime): Promise<void> {
    for (const s of rt.sandboxes) {
      await this.ignoreGone(this.d.cri.stopPodSandbox(s.id));
      await this.ignoreGone(this.d.cri.removePodSandbox(s.id));
    }
  }

  private async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.ignoreGone(this.d.cri.stopContainer(id, graceSeconds));
  }

  private async removeContainer(id: string): Promise<void> {
    await this.ignoreGone(this.d.cri.removeContainer(id));
  }

  private async ignoreGone(p: Promise<void>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Uids of pods this syncer holds state for. */
  known(): string[] {
    return [...this.states.keys()];
  }
}

interface StartContext {
  pod: RPod;
  rt: PodRuntime;
  sandboxId: string;
  attempt: number;
  podIP: string;
  volumes: Map<string, MountedVolume>;
  st: PodState;
  wake: (ms: number) => void;
}

/** Why and when a pod was evicted, and the containers the eviction stopped. */
interface Evicted {
  reason: string;
  message: string;
  at: string;
  stopped: string[];
}

/**
 * Turns a computed status into an evicted pod's: phase Failed, the reason and message, a
 * DisruptionTarget condition, and the containers the eviction stopped terminated with that reason
 * (so `kubectl get` shows Evicted rather than the exit code's Error).
 */
function evictedStatus(status: PodStatus, e: Evicted): void {
  for (const cs of status.containerStatuses ?? []) {
    const t = cs.state.terminated;
    if (t && e.stopped.some((id) => cs.containerID?.endsWith(id))) t.reason = e.reason;
  }
  status.phase = 'Failed';
  status.reason = e.reason;
  status.message = e.message;
  const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
  conditions.push({
    type: 'DisruptionTarget',
    status: 'True',
    reason: 'TerminationByKubelet',
    message: e.message,
    lastTransitionTime: e.at,
  });
  status.conditions = conditions;
}

function restartPolicy(pod: RPod): string {
  return pod.spec?.restartPolicy ?? 'Always';
}

function gracePeriod(pod: RPod): number {
  return pod.spec?.terminationGracePeriodSeconds ?? 30;
}

function hasAppContainers(pod: RPod, rt: PodRuntime): boolean {
  return (pod.spec?.containers ?? []).some((c) => (rt.containers.get(c.name)?.length ?? 0) > 0);
}

function errText(err: unknown): string {
  if (err instanceof CriError) return err.details;
  return err instanceof Error ? err.message : String(err);
}

function cgroupFor(root: string, uid: string, qos: string): string {
  const base = root.replace(/\/+$/, '');
  return qos === 'Guaranteed' ? `${base}/pod${uid}` : `${base}/${qos.toLowerCase()}/pod${uid}`;
}

function removeLogDirs(dataDir: string, uid: string): void {
  const root = podLogsRoot(dataDir);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) if (n.endsWith(`_${uid}`)) rmSync(join(root, n), { recursive: true, force: true });
}
