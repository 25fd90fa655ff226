/**
 * The node agent: registers this machine as a Node, keeps its status true to the host and its Lease
 * renewed, and runs the pod workers that plug into it.
 *
 * Timing follows the kubelet: the Lease is renewed every 10 s (leaseDurationSeconds 40); the host is
 * looked at every 10 s (nodeStatusUpdateFrequency) and the Node status is posted when something
 * changed (a condition, capacity, an address, nodeInfo) or every 5 min (nodeStatusReportFrequency),
 * each post carrying new lastHeartbeatTimes.
 *
 * Pod workers: anything that runs pods on this node (the pod sync loop, the network setup, the
 * service proxy) implements `PodWorker` and is added with `addWorker` (or `AgentOptions.workers`)
 * before `start`. Workers start after the Node is registered, in the order added, and get an
 * `AgentContext`: the node's client, name, data directory, runtime, the Node as last read (for
 * spec.podCIDR, assigned by node IPAM after registration) with a change subscription, and an abort
 * signal. `stop` stops workers in reverse order, then the heartbeats; the Node stays registered.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { realClock, sleep, type Clock } from '../../client/clock.ts';
import { silentLogger, type ClientLogger } from '../../client/logger.ts';
import { isAlreadyExists, isConflict } from '../../client/status.ts';
import { readHostInfo, type HostInfo } from './host-info.ts';
import { leaseRenewIntervalMs, NodeLease } from './node-lease.ts';
import {
  newNode,
  nodeLabels,
  nodeStatus,
  statusDigest,
  type NodeCondition,
  type NodeStatusInput,
  type PressureReport,
} from './node-status.ts';
import { noRuntime, type RuntimeInfo } from './runtime.ts';
import { kubeletVersion } from './version.ts';

export type Node = KubeObject & { spec?: { podCIDR?: string; podCIDRs?: string[]; [k: string]: unknown } };

/** What a pod worker is given. */
export interface AgentContext {
  /** A client authenticated as this node (system:node:NAME). */
  client: Client;
  nodeName: string;
  dataDir: string;
  runtime: RuntimeInfo;
  clock: Clock;
  log: ClientLogger;
  /** Aborted when the agent stops. */
  signal: AbortSignal;
  /** The Node as last read from the API (undefined before registration). */
  node(): DeepReadonly<Node> | undefined;
  /** Called whenever a newly read Node differs (e.g. spec.podCIDR assigned); returns an unsubscribe. */
  onNodeChange(fn: (node: DeepReadonly<Node>) => void): () => void;
  /**
   * Publishes the port the agent's HTTPS endpoint listens on (status.daemonEndpoints), for a worker
   * that learns it only once listening (port 0); the Node status is posted at once.
   */
  setKubeletPort?(port: number): void;
  /**
   * Reports MemoryPressure / DiskPressure as the eviction manager decides them (replacing the
   * host-threshold check in node-status.ts); the Node status is posted at once when it changed.
   */
  setPressure?(p: PressureReport): void;
}

/** Something that runs on the node once it is registered (the pod sync loop, networking, proxy). */
export interface PodWorker {
  name: string;
  start(ctx: AgentContext): Promise<void>;
  stop(): Promise<void>;
}

export interface AgentOptions {
  client: Client;
  nodeName: string;
  dataDir: string;
  runtime?: RuntimeInfo;
  clock?: Clock;
  log?: ClientLogger;
  /** Reads the host (tests pass a fake). */
  readHost?: (dataDir: string) => Promise<HostInfo>;
  /** Overrides the detected InternalIP. */
  nodeIP?: string;
  /** Labels added at registration. */
  labels?: Record<string, string>;
  /** The port published in status.daemonEndpoints.kubeletEndpoint (10250). */
  kubeletPort?: number;
  workers?: PodWorker[];
  /** How often the host is looked at (10 s). */
  statusUpdateIntervalMs?: number;
  /** Longest time between status posts when nothing changed (5 min). */
  statusReportIntervalMs?: number;
  /** How often the Lease is renewed (10 s). */
  leaseRenewIntervalMs?: number;
}

export class Agent {
  private readonly o: AgentOptions;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private readonly runtime: RuntimeInfo;
  private readonly lease: NodeLease;
  private readonly workers: PodWorker[];
  private readonly started: PodWorker[] = [];
  private readonly listeners = new Set<(n: DeepReadonly<Node>) => void>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private current: Node | undefined;
  private lastPosted = { digest: '', at: 0 };
  private running = false;
  private kubeletPort: number | undefined;
  private pressure: PressureReport | undefined;

  constructor(o: AgentOptions) {
    this.o = o;
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? silentLogger;
    this.runtime = o.runtime ?? noRuntime;
    this.lease = new NodeLease(o.client, o.nodeName);
    this.workers = [...(o.workers ?? [])];
    this.kubeletPort = o.kubeletPort;
  }

  get nodeName(): string {
    return this.o.nodeName;
  }

  /** Adds a pod worker; only before `start`. */
  addWorker(w: PodWorker): void {
    if (this.running) throw new Error(`agent already started: cannot add worker ${w.name}`);
    this.workers.push(w);
  }

  /** The Node as last read. */
  node(): DeepReadonly<Node> | undefined {
    return this.current;
  }

  /** spec.podCIDR once node IPAM has assigned one. */
  podCIDR(): string | undefined {
    return this.current?.spec?.podCIDR;
  }

  /**
   * Registers the Node (or adopts an existing one), takes the Lease, starts the heartbeat loops and
   * then the workers. Registration errors are thrown (a 403 will not fix itself); later errors are
   * logged and retried by the loops.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.register();
    await this.renewLease();
    this.loops = [
      this.every(this.o.leaseRenewIntervalMs ?? leaseRenewIntervalMs, 'renew lease', () => this.renewLease()),
      this.every(this.o.statusUpdateIntervalMs ?? 10_000, 'update node status', () => this.syncStatus()),
    ];
    for (const w of this.workers) {
      await w.start(this.context());
      this.started.push(w);
      this.log.info({ node: this.nodeName, worker: w.name }, 'pod worker started');
    }
  }

  /** Stops workers (last started first), then the heartbeat loops. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const w of this.started.splice(0).reverse()) {
      try {
        await w.stop();
      } catch (err) {
        this.log.error({ err, worker: w.name }, 'pod worker failed to stop');
      }
    }
    await Promise.all(this.loops);
    this.loops = [];
  }

  private context(): AgentContext {
    return {
      client: this.o.client,
      nodeName: this.nodeName,
      dataDir: this.o.dataDir,
      runtime: this.runtime,
      clock: this.clock,
      log: this.log,
      signal: this.abort.signal,
      node: () => this.current,
      onNodeChange: (fn) => {
        this.listeners.add(fn);
        return () => this.listeners.delete(fn);
      },
      setKubeletPort: (port) => {
        if (port === this.kubeletPort) return;
        this.kubeletPort = port;
        this.syncStatus().catch((err: unknown) =>
          this.log.warn(
            { err, node: this.nodeName },
            'posting the kubelet port failed; the next heartbeat retries',
          ),
        );
      },
      setPressure: (p) => {
        if (JSON.stringify(p) === JSON.stringify(this.pressure)) return;
        this.pressure = { ...p };
        this.syncStatus().catch((err: unknown) =>
          this.log.warn(
            { err, node: this.nodeName },
            'posting node pressure failed; the next heartbeat retries',
          ),
        );
      },
    };
  }

  private async every(ms: number, what: string, fn: () => Promise<void>): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await sleep(this.clock, ms, signal);
      if (signal.aborted) return;
      try {
        await fn();
      } catch (err) {
        if (isConflict(err))
          this.log.info({ node: this.nodeName, what }, 'write raced another writer; retrying');
        else this.log.warn({ err, node: this.nodeName, what }, 'heartbeat failed; retrying');
      }
    }
  }

  private async statusInput(): Promise<NodeStatusInput> {
    const [host, version, status] = await Promise.all([
      (this.o.readHost ?? readHostInfo)(this.o.dataDir),
      this.runtime.version().catch(() => 'unknown'),
      this.runtime.status().catch((err: Error) => ({ ready: false, message: err.message })),
    ]);
    return {
      host,
      runtimeVersion: version,
      runtimeReady: status.ready,
      runtimeMessage: status.message,
      kubeletVersion,
      nodeIP: this.o.nodeIP,
      hostnameOverride: this.nodeName,
      kubeletPort: this.kubeletPort,
      pressure: this.pressure,
    };
  }

  private nodes() {
    return this.o.client.resource<Node>('', 'v1', 'nodes');
  }

  private async register(): Promise<void> {
    const input = await this.statusInput();
    const now = this.clock.now();
    try {
      this.seen(await this.nodes().create(undefined, newNode(this.nodeName, input, now, this.o.labels)));
      this.lastPosted = { digest: statusDigest(nodeStatus(input, [], now)), at: now };
      this.log.info({ node: this.nodeName }, 'registered node');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Re-registration (agent restart): keep the labels the kubelet owns current, then report.
      const labels = { ...nodeLabels(this.nodeName, input.host), ...this.o.labels };
      this.seen(await this.nodes().patch(undefined, this.nodeName, 'merge', { metadata: { labels } }));
      this.log.info({ node: this.nodeName }, 'node already registered; taking it over');
      this.lastPosted = { digest: '', at: 0 };
      await this.syncStatus(input);
    }
  }

  /** Renews the Lease once. */
  async renewLease(): Promise<void> {
    this.lease.setNodeUid(this.current?.metadata.uid);
    await this.lease.renew(this.clock.now());
  }

  /** Looks at the host and the Node once; posts status when it changed or is due. */
  async syncStatus(given?: NodeStatusInput): Promise<void> {
    const input = given ?? (await this.statusInput());
    const node = await this.nodes().get(undefined, this.nodeName);
    this.seen(node);
    const now = this.clock.now();
    const prev = ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ??
      []) as NodeCondition[];
    const status = nodeStatus(input, prev, now);
    const digest = statusDigest(status);
    const due = now - this.lastPosted.at >= (this.o.statusReportIntervalMs ?? 5 * 60_000);
    if (digest === this.lastPosted.digest && !due) return;
    const next: Node = { ...node, status: { ...(node.status ?? {}), ...status } };
    this.seen(await this.nodes().updateStatus(undefined, next));
    this.lastPosted = { digest, at: now };
  }

  private seen(node: Node): void {
    const before = this.current;
    this.current = node;
    if (
      before &&
      JSON.stringify(before.spec) === JSON.stringify(node.spec) &&
      JSON.stringify(before.metadata.labels) === JSON.stringify(node.metadata.labels)
    )
      return;
    for (const fn of this.listeners) {
      try {
        fn(node);
      } catch (err) {
        this.log.error({ err, node: this.nodeName }, 'node change listener failed');
      }
    }
  }
}
