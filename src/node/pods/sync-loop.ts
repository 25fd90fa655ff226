/**
 * The pod sync loop of the node agent (kubelet's core): watches the pods bound to this node
 * (fieldSelector spec.nodeName=NAME), and keeps each one moving toward its spec through a
 * PodSyncer. Keys of the work queue are pod uids, so one pod is never synced by two workers at once
 * and a pod re-created under the same name is a different pod. Syncs are triggered by
 *  - informer events (the pod was added, changed or deleted),
 *  - a relist of the runtime's containers every second (a container exited: kubelet's PLEG),
 *  - probe results that changed,
 *  - the time each sync asks for (backoff expiry, periodic resync).
 * At start, once the informer has synced, sandboxes and pod directories of pods that no longer
 * exist (deleted while the agent was down) are cleaned up; running containers of live pods are
 * adopted as they are, never restarted. `stop` leaves containers running.
 *
 * It plugs into the agent as a `PodWorker` (src/node/agent/agent.ts): `agent.addWorker(loop)`.
 */
import { readdirSync } from 'node:fs';
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { realClock, type Clock, type ClockTimer } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { deletedObject, SharedInformer } from '../../client/informer.ts';
import { stderrLogger, type ClientLogger } from '../../client/logger.ts';
import { WorkQueue } from '../../client/workqueue.ts';
import { removeCgroup as removeHostCgroup } from '../containerd/cleanup.ts';
import type { Cri } from '../cri/service.ts';
import type { DNSConfig } from '../cri/types.ts';
import { VolumeManager } from '../volumes/manager.ts';
import { apiTokenSource, type TokenSource } from '../volumes/tokens.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { apiConfigSource, type ConfigSource } from './config-source.ts';
import { hostResolvConf } from './dns.ts';
import { ImagePuller } from './images.ts';
import { labelNode, labelPodUid } from './labels.ts';
import { podsRoot } from './paths.ts';
import { runtimeProber, type Prober } from './prober.ts';
import { ProbeManager } from './probes.ts';
import { apiServiceAccountPullSecrets } from './pull-secrets.ts';
import { criImageFsUsage, ImageGC, type FsUsageSource } from './image-gc.ts';
import { isMirrorPod, isStaticPod, StaticPods } from './static-pods.ts';
import { PAUSE_REF } from '../images/recipes.ts';
import { PodSyncer } from './pod-sync.ts';
import { podName, type Pod, type ResourceList, type RPod } from './types.ts';

/** What the loop needs from its host (the agent's AgentContext satisfies it). */
export interface PodLoopContext {
  client: Client;
  nodeName: string;
  dataDir: string;
  clock?: Clock;
  log?: ClientLogger;
  /** The Node as last read (for its InternalIP and allocatable). */
  node?(): DeepReadonly<KubeObject> | undefined;
}

export interface PodSyncLoopOptions {
  cri: Cri;
  /** Cluster DNS servers for ClusterFirst pods (default 10.96.0.10). */
  clusterDNS?: string[];
  clusterDomain?: string;
  /** cgroupfs parent of all pod cgroups (default /berth). */
  cgroupRoot?: string;
  /** The node's IP (status.hostIP); default: the Node's InternalIP. */
  nodeIP?: string;
  /** PEM of the cluster CA for the service-account volume when kube-root-ca.crt is unreadable. */
  clusterCA?: () => string | undefined;
  /** Pods synced at once (default 8). */
  workers?: number;
  /** Longest time between two syncs of a pod (default 10 s). */
  resyncIntervalMs?: number;
  /** How often the runtime's containers are relisted to notice exits (default 1 s). */
  relistIntervalMs?: number;
  /** Crash-loop backoff (default 10 s doubling to 5 min, reset after 10 min). */
  crashBackoff?: BackoffOptions;
  /** Image pull backoff (same defaults). */
  imageBackoff?: BackoffOptions;
  /** Run the pods whose manifests are in this directory (static pods; see static-pods.ts). */
  podManifestPath?: string;
  /** How often the manifest directory is read again (default 20 s). */
  staticPodPeriodMs?: number;
  /** Image garbage collection (see image-gc.ts); `false` turns it off. */
  imageGC?:
    | false
    | {
        highThresholdPercent?: number;
        lowThresholdPercent?: number;
        periodMs?: number;
        /** Images never removed (default: the pause image). */
        keep?: string[];
        usage?: FsUsageSource;
      };
  /** Emit Events for pods (default true). */
  events?: boolean;
  /** Test seams. */
  prober?: Prober;
  configs?: ConfigSource;
  tokens?: TokenSource;
  hostDns?: DNSConfig;
  mountTmpfs?: (dir: string, sizeBytes: number | undefined) => void;
  removeCgroup?: (path: string) => void;
}

interface Eviction {
  message: string;
  graceSeconds: number;
  resolve: (done: boolean) => void;
  reject: (err: unknown) => void;
}

/** The pod sync loop; see the file comment. */
export class PodSyncLoop {
  readonly name = 'pods';
  private readonly o: PodSyncLoopOptions;
  private ctx: PodLoopContext | undefined;
  private clock: Clock = realClock;
  private log: ClientLogger = stderrLogger;
  private informer: SharedInformer<Pod> | undefined;
  private queue: WorkQueue<string> | undefined;
  private syncer: PodSyncer | undefined;
  private probes: ProbeManager | undefined;
  private events: EventRecorder | undefined;
  private readonly pods = new Map<string, RPod>();
  private workers: Promise<void>[] = [];
  private relistTimer: ClockTimer | undefined;
  private lastRelist = new Map<string, string>();
  private stopped = false;
  private staticPods: StaticPods | undefined;
  private imageGC: ImageGC | undefined;
  private readonly evictions = new Map<string, Eviction>();

  constructor(o: PodSyncLoopOptions) {
    this.o = o;
  }

  /** The syncer (for tests and tools). */
  get podSyncer(): PodSyncer | undefined {
    return this.syncer;
  }

  /** The static pod source when a manifest directory is configured. */
  get staticPodSource(): StaticPods | undefined {
    return this.staticPods;
  }

  /** The image garbage collector (unless turned off). */
  get imageGarbageCollector(): ImageGC | undefined {
    return this.imageGC;
  }

  /** Starts watching, cleans up what deleted pods left, then syncs pods until `stop`. */
  async start(ctx: PodLoopContext): Promise<void> {
    this.ctx = ctx;
    this.clock = ctx.clock ?? realClock;
    this.log = ctx.log ?? stderrLogger;
    const o = this.o;
    const client = ctx.client;
    const configs = o.configs ?? apiConfigSource(client, this.clock);
    const tokens = o.tokens ?? apiTokenSource(client, this.clock);
    const queue = new WorkQueue<string>({ clock: this.clock });
    this.queue = queue;
    this.probes = new ProbeManager({
      clock: this.clock,
      prober: o.prober ?? runtimeProber(o.cri),
      onChange: (uid) => queue.add(uid),
    });
    if (o.events !== false)
      this.events = new EventRecorder({
        client,
        component: 'kubelet',
        host: ctx.nodeName,
        clock: this.clock,
        logger: this.log,
      });
    const podsClient = client.resource<Pod>('', 'v1', 'pods');
    if (o.podManifestPath)
      this.staticPods = new StaticPods({
        dir: o.podManifestPath,
        nodeName: ctx.nodeName,
        pods: podsClient,
        clock: this.clock,
        log: this.log,
        nodeUid: () => this.ctx?.node?.()?.metadata.uid,
        onChange: (list) => this.setStaticPods(list),
        onStatus: (uid, status) => {
          const p = this.pods.get(uid);
          if (p && !p.metadata.deletionTimestamp) this.pods.set(uid, { ...p, status });
        },
        periodMs: o.staticPodPeriodMs,
      });
    if (o.imageGC !== false)
      this.imageGC = new ImageGC({
        cri: o.cri,
        usage: o.imageGC?.usage ?? criImageFsUsage(o.cri),
        clock: this.clock,
        highThresholdPercent: o.imageGC?.highThresholdPercent,
        lowThresholdPercent: o.imageGC?.lowThresholdPercent,
        periodMs: o.imageGC?.periodMs,
        keep: o.imageGC?.keep ?? [PAUSE_REF],
        nodeName: ctx.nodeName,
        events: this.events,
        log: this.log,
      });
    this.syncer = new PodSyncer({
      cri: o.cri,
      pods: this.staticPods ? this.staticPods.statusWriter(podsClient) : podsClient,
      nodeName: ctx.nodeName,
      dataDir: ctx.dataDir,
      clock: this.clock,
      log: this.log,
      volumes: new VolumeManager({
        dataDir: ctx.dataDir,
        configs,
        tokens,
        client,
        clusterCA: o.clusterCA,
        mountTmpfs: o.mountTmpfs,
      }),
      images: new ImagePuller(
        o.cri,
        new Backoff(this.clock, o.imageBackoff),
        configs,
        () => this.clock.now(),
        apiServiceAccountPullSecrets(client, this.clock),
      ),
      probes: this.probes,
      crashBackoff: new Backoff(this.clock, o.crashBackoff),
      configs,
      sandbox: {
        nodeName: ctx.nodeName,
        dataDir: ctx.dataDir,
        cgroupRoot: o.cgroupRoot ?? '/berth',
        dns: {
          clusterDNS: o.clusterDNS ?? ['10.96.0.10'],
          clusterDomain: o.clusterDomain ?? 'cluster.local',
          host: o.hostDns ?? hostResolvConf(),
        },
      },
      hostIP: () => this.hostIP(),
      nodeAllocatable: () =>
        (this.ctx?.node?.()?.status as { allocatable?: ResourceList } | undefined)?.allocatable ?? {},
      removeCgroup: o.removeCgroup ?? ((p) => void removeHostCgroup(p)),
      events: this.events,
      resyncMs: o.resyncIntervalMs,
    });
    const informer = new SharedInformer<Pod>(client.resource<Pod>('', 'v1', 'pods'), {
      fieldSelector: `spec.nodeName=${ctx.nodeName}`,
      clock: this.clock,
      logger: this.log,
    });
    this.informer = informer;
    informer.addEventHandler({
      onAdd: (p) => this.observe(p),
      onUpdate: (_old, p) => this.observe(p),
      onDelete: (d) => {
        const p = deletedObject(d);
        if (isMirrorPod(p)) return void this.staticPods?.syncMirrors();
        const uid = p.metadata.uid ?? '';
        this.pods.delete(uid);
        queue.add(uid);
      },
    });
    informer.run();
    if (!(await informer.waitForSync())) return;
    // Static pods join the known pods before orphans are looked for: theirs are not orphans.
    this.staticPods?.start();
    await this.cleanupOrphans();
    this.imageGC?.start();
    for (let i = 0; i < (o.workers ?? 8); i++) this.workers.push(this.work(queue));
    this.scheduleRelist();
  }

  /** Stops syncing; containers keep running (a restarted agent adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.relistTimer?.cancel();
    this.imageGC?.stop();
    await this.staticPods?.stop();
    this.queue?.shutDown();
    for (const e of this.evictions.values()) e.resolve(false);
    this.evictions.clear();
    this.probes?.stopAll();
    await this.informer?.stop();
    await Promise.all(this.workers);
    this.workers = [];
  }

  /** Pods the loop currently knows, by uid. */
  knownPods(): RPod[] {
    return [...this.pods.values()];
  }

  /**
   * Evicts pod `uid` (see PodSyncer.evict), serialized with its syncs through the work queue.
   * Resolves false when the loop does not run the pod (or is stopping), true once it is evicted.
   */
  evictPod(uid: string, message: string, graceSeconds = 0): Promise<boolean> {
    const pod = this.pods.get(uid);
    if (!pod || !this.queue || this.stopped) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.evictions.get(uid)?.resolve(false);
      this.evictions.set(uid, { message, graceSeconds, resolve, reject });
      this.queue!.add(uid);
    });
  }

  private observe(p: RPod): void {
    // Mirror pods are the API's view of static pods: never run; a deleted one is made again.
    if (isMirrorPod(p)) {
      if (p.metadata.deletionTimestamp) void this.staticPods?.syncMirrors();
      return;
    }
    const uid = p.metadata.uid ?? '';
    if (!uid) return;
    this.pods.set(uid, p);
    this.queue?.add(uid);
  }

  /** The static pods changed: new ones are synced, vanished ones terminated gracefully. */
  private setStaticPods(list: readonly RPod[]): void {
    const next = new Set(list.map((p) => p.metadata.uid ?? ''));
    for (const [uid, p] of this.pods) {
      if (!isStaticPod(p) || next.has(uid) || p.metadata.deletionTimestamp) continue;
      const deletionTimestamp = new Date(this.clock.now()).toISOString();
      this.pods.set(uid, { ...p, metadata: { ...p.metadata, deletionTimestamp } });
      this.queue?.add(uid);
    }
    for (const p of list) if (!this.pods.has(p.metadata.uid ?? '')) this.observe(p);
  }

  private hostIP(): string | undefined {
    if (this.o.nodeIP) return this.o.nodeIP;
    const addrs = (
      this.ctx?.node?.()?.status as { addresses?: { type: string; address: string }[] } | undefined
    )?.addresses;
    return addrs?.find((a) => a.type === 'InternalIP')?.address;
  }

  private async work(queue: WorkQueue<string>): Promise<void> {
    for (;;) {
      const uid = await queue.get();
      if (uid === undefined) return;
      try {
        const pod = this.pods.get(uid);
        let next: number | undefined;
        const eviction = this.evictions.get(uid);
        this.evictions.delete(uid);
        if (eviction && pod && !pod.metadata.deletionTimestamp) {
          await this.syncer!.evict(pod, 'Evicted', eviction.message, eviction.graceSeconds).then(
            () => eviction.resolve(true),
            (err: unknown) => (eviction.reject(err), Promise.reject(err)),
          );
        } else eviction?.resolve(false);
        if (!pod) await this.syncer!.cleanup(uid);
        else if (pod.metadata.deletionTimestamp) {
          await this.syncer!.terminate(pod);
          // A static pod has no API object whose deletion would tell the informer: forget it here.
          if (isStaticPod(pod)) this.pods.delete(uid);
        } else next = await this.syncer!.sync(pod);
        queue.forget(uid);
        if (next !== undefined && !this.stopped) queue.addAfter(uid, next);
      } catch (err) {
        const pod = this.pods.get(uid);
        this.log.error({ err, pod: pod ? podName(pod) : uid }, 'pod sync failed; retrying');
        if (!this.stopped) queue.addRateLimited(uid);
      } finally {
        queue.done(uid);
      }
    }
  }

  /** Sandboxes and pod directories whose pod no longer exists get a cleanup sync. */
  private async cleanupOrphans(): Promise<void> {
    const nodeName = this.ctx!.nodeName;
    const orphans = new Set<string>();
    for (const s of await this.o.cri.listPodSandbox({ label_selector: { [labelNode]: nodeName } })) {
      const uid = s.labels[labelPodUid];
      if (uid && !this.pods.has(uid)) orphans.add(uid);
    }
    let dirs: string[];
    try {
      dirs = readdirSync(podsRoot(this.ctx!.dataDir));
    } catch {
      dirs = [];
    }
    for (const uid of dirs) if (!this.pods.has(uid)) orphans.add(uid);
    for (const uid of orphans) {
      this.log.info({ uid }, 'removing what a deleted pod left behind');
      try {
        await this.syncer!.cleanup(uid);
      } catch (err) {
        this.log.error({ err, uid }, 'cleanup of a deleted pod failed; will retry');
        this.queue?.addRateLimited(uid);
      }
    }
  }

  /** PLEG: notice container state changes (exits above all) and sync their pods. */
  private scheduleRelist(): void {
    if (this.stopped) return;
    this.relistTimer = this.clock.after(this.o.relistIntervalMs ?? 1_000, () => {
      void this.relist().finally(() => this.scheduleRelist());
    });
  }

  private async relist(): Promise<void> {
    try {
      const now = new Map<string, string>();
      const owner = new Map<string, string>();
      for (const c of await this.o.cri.listContainers({
        label_selector: { [labelNode]: this.ctx!.nodeName },
      })) {
        now.set(c.id, c.state);
        owner.set(c.id, c.labels[labelPodUid] ?? '');
      }
      const changed = new Set<string>();
      for (const [id, state] of now) if (this.lastRelist.get(id) !== state) changed.add(owner.get(id) ?? '');
      this.lastRelist = now;
      for (const uid of changed) if (uid && this.pods.has(uid)) this.queue?.add(uid);
    } catch (err) {
      this.log.warn({ err }, 'relisting containers failed');
    }
  }
}
