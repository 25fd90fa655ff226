/**
 * Simulated (hollow) nodes, kwok style: `SimNodes` registers N Node objects, renews their Leases in
 * kube-node-lease every 10 s, and plays the lifecycle of pods bound to them through the stage
 * engine — one pod informer for all nodes (filtered by spec.nodeName in the handlers), one timer
 * heap for all pending steps, a shared heartbeat timer, and bounded write concurrency, so a
 * simulated node costs a few kilobytes and thousands fit in one process. `stop` stops heartbeats
 * and pod handling but leaves the Node objects: the node lifecycle controller then sees them go
 * silent, as it would real nodes.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { realClock, type Clock, type ClockTimer } from '../../client/clock.ts';
import { deletedObject, SharedInformer, withoutManagedFields } from '../../client/informer.ts';
import { stderrLogger, type ClientLogger } from '../../client/logger.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/status.ts';
import { podKey, type Node, type Pod, type RPod, type Taint } from '../../scheduler/types.ts';
import { StageEngine } from './engine.ts';
import { nodeLeaseNamespace, nodePodCIDR, simLease, simNode, type SimNodeSpec } from './node-objects.ts';
import { statusFor } from './pod-status.ts';
import { defaultStages, readyAgainStage, type Stage, type StageOptions } from './stages.ts';

/** The pod informer's index of pods by spec.nodeName. */
const byNodeIndex = 'nodeName';

export interface SimOptions extends StageOptions {
  client: Client;
  /**
   * The client for Lease renewals (default `client`): its own connections, so heartbeats never
   * queue behind a burst of pod status writes — a late heartbeat makes the node NotReady.
   */
  heartbeatClient?: Client;
  nodes: number;
  namePrefix?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  extended?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Per-node overrides by index (tests make one node different). */
  customize?: (spec: SimNodeSpec) => SimNodeSpec;
  stages?: Stage[];
  leaseRenewMs?: number;
  /** Writes in flight at once (default 32). */
  concurrency?: number;
  clock?: Clock;
  logger?: ClientLogger;
  random?: () => number;
}

interface SimNodeState {
  spec: SimNodeSpec;
  hostIP: string;
  podPrefix: string;
  /** True once podPrefix comes from the podCIDR node IPAM assigned. */
  cidrFromIpam?: boolean;
  nextIP: number;
  lease?: KubeObject;
}

/** A small semaphore bounding concurrent API writes. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class SimNodes {
  readonly engine: StageEngine;
  readonly informer: SharedInformer<Pod>;
  private readonly o: SimOptions;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private readonly nodes = new Map<string, SimNodeState>();
  private readonly limiter: Limiter;
  /** Lease renewals have their own bound, ahead of any pod writes waiting on `limiter`. */
  private readonly heartbeatLimiter: Limiter;
  /** Our nodes' Ready status as the API has it (the node lifecycle controller may change it). */
  readonly nodeInformer: SharedInformer<Node>;
  private readonly nodeReady = new Map<string, boolean>();
  private heartbeat: ClockTimer | undefined;
  private stopped = false;

  constructor(opts: SimOptions) {
    this.o = opts;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? stderrLogger;
    this.limiter = new Limiter(opts.concurrency ?? 32);
    this.heartbeatLimiter = new Limiter(8);
    const prefix = opts.namePrefix ?? 'sim-';
    for (let i = 0; i < opts.nodes; i++) {
      let spec: SimNodeSpec = {
        name: `${prefix}${i}`,
        index: i,
        cpu: opts.cpu ?? '8',
        memory: opts.memory ?? '32Gi',
        pods: opts.pods ?? '110',
        extended: opts.extended,
        labels: opts.labels,
        taints: opts.taints,
      };
      if (opts.customize) spec = opts.customize(spec);
      const built = simNode(spec, 0);
      const cidr = nodePodCIDR(i);
      this.nodes.set(spec.name, {
        spec,
        hostIP: built.status?.addresses?.[0]?.address ?? '',
        podPrefix: cidr.prefix,
        nextIP: 0,
      });
    }
    this.informer = new SharedInformer<Pod>(opts.client.resource<Pod>('', 'v1', 'pods'), {
      clock: this.clock,
      logger: this.log,
      indexers: { [byNodeIndex]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
      // Status patches never read them; at 30,000 pods they would be half the cache.
      transform: withoutManagedFields,
    });
    this.nodeInformer = new SharedInformer<Node>(opts.client.resource<Node>('', 'v1', 'nodes'), {
      clock: this.clock,
      logger: this.log,
    });
    const noteNode = (node: DeepReadonly<Node>): void => {
      const name = node.metadata.name ?? '';
      if (!this.nodes.has(name)) return;
      const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      const was = this.nodeReady.get(name);
      this.nodeReady.set(name, ready);
      // Back to Ready: its pods the node lifecycle controller marked not Ready get looked at again.
      if (ready && was === false)
        for (const p of this.informer.store.byIndex(byNodeIndex, name)) this.engine.observe(p);
    };
    this.nodeInformer.addEventHandler({ onAdd: noteNode, onUpdate: (_o, n) => noteNode(n) });
    this.engine = new StageEngine({
      stages: opts.stages ?? defaultStages(opts),
      clock: this.clock,
      log: this.log,
      random: opts.random,
      get: (key) => {
        const slash = key.indexOf('/');
        return this.informer.lister.get(key.slice(0, slash), key.slice(slash + 1));
      },
      apply: (pod, stage) => this.limiter.run(() => this.applyStage(pod, stage)),
      // A kubelet marks its pods Ready again only while its node is Ready; otherwise the node
      // lifecycle controller and the sim would take turns rewriting the same condition.
      allowed: (pod, stage) =>
        stage.name !== readyAgainStage || this.nodeReady.get(pod.spec?.nodeName ?? '') === true,
    });
    const mine = (p: RPod): boolean => !!p.spec?.nodeName && this.nodes.has(p.spec.nodeName);
    this.informer.addEventHandler({
      onAdd: (p) => mine(p) && this.engine.observe(p),
      onUpdate: (_o, p) => mine(p) && this.engine.observe(p),
      onDelete: (d) => this.engine.forget(podKey(deletedObject(d))),
    });
  }

  /** Names of the simulated nodes. */
  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Registers the nodes and their leases, then starts heartbeats and pod handling. */
  async start(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => this.limiter.run(() => this.register(n))));
    await Promise.all([...this.nodes.values()].map((n) => this.heartbeatLimiter.run(() => this.renew(n))));
    this.scheduleHeartbeat();
    this.nodeInformer.run();
    this.informer.run();
    await Promise.all([this.nodeInformer.waitForSync(), this.informer.waitForSync()]);
  }

  /** Stops heartbeats and pod handling; Node objects stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.heartbeat?.cancel();
    await this.engine.stop();
    await Promise.all([this.informer.stop(), this.nodeInformer.stop()]);
  }

  private async register(n: SimNodeState): Promise<void> {
    const nodes = this.o.client.resource<Node>('', 'v1', 'nodes');
    const obj = simNode(n.spec, this.clock.now());
    try {
      await nodes.create(undefined, obj);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Re-registering: take over the existing Node, refreshing its labels, taints and status.
      const cur = await nodes.get(undefined, n.spec.name);
      const updated = await nodes.update(undefined, {
        ...cur,
        metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, ...obj.metadata.labels } },
        spec: { ...cur.spec, ...obj.spec },
      });
      await nodes.updateStatus(undefined, { ...updated, status: obj.status });
    }
  }

  /** Nodes whose status is being posted again (one repost at a time per node). */
  private readonly reposting = new Set<string>();

  private repostStatus(name: string): void {
    const n = this.nodes.get(name);
    if (!n || this.reposting.has(name)) return;
    this.reposting.add(name);
    const nodes = this.o.client.resource<Node>('', 'v1', 'nodes');
    void this.heartbeatLimiter
      .run(async () => {
        if (this.stopped) return;
        const cur = await nodes.get(undefined, name);
        const fresh = simNode(n.spec, this.clock.now());
        await nodes.updateStatus(undefined, {
          ...cur,
          status: { ...cur.status, conditions: fresh.status?.conditions },
        });
      })
      .catch((err: unknown) => {
        if (!isConflict(err) && !isNotFound(err))
          this.log.warn({ err, node: name }, 'posting node status failed');
      })
      .finally(() => this.reposting.delete(name));
  }

  private async renew(n: SimNodeState): Promise<void> {
    const leases = (this.o.heartbeatClient ?? this.o.client).resource('coordination.k8s.io', 'v1', 'leases');
    const now = this.clock.now();
    try {
      if (!n.lease) {
        try {
          n.lease = await leases.create(nodeLeaseNamespace, simLease(n.spec.name, now));
          return;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          n.lease = await leases.get(nodeLeaseNamespace, n.spec.name);
        }
      }
      n.lease = await leases.update(nodeLeaseNamespace, simLease(n.spec.name, now, n.lease));
    } catch (err) {
      // A conflict or a vanished lease is fixed by starting over on the next beat.
      n.lease = undefined;
      if (!isConflict(err) && !isNotFound(err))
        this.log.warn({ err, node: n.spec.name }, 'lease renewal failed');
    }
  }

  private scheduleHeartbeat(): void {
    if (this.stopped) return;
    this.heartbeat = this.clock.after(this.o.leaseRenewMs ?? 10_000, () => {
      // A node the API shows not Ready (the node lifecycle controller marked it Unknown, e.g. after
      // renewals ran late on a busy server) gets its status posted again, as a kubelet posts its
      // status when the API's differs from its own.
      for (const [name, ready] of this.nodeReady) if (!ready) this.repostStatus(name);
      void Promise.all(
        [...this.nodes.values()].map((n) => this.heartbeatLimiter.run(() => this.renew(n))),
      ).finally(() => this.scheduleHeartbeat());
    });
  }

  /**
   * The pod's IP on its node, handed out in turn (.2 … .254): from the podCIDR node IPAM assigned
   * (read once, when the node's first pod needs an address) so that pods of nodes in different sim
   * processes never share an address; from the index-based range while no podCIDR is assigned.
   */
  private async podIP(n: SimNodeState): Promise<string> {
    if (!n.cidrFromIpam) {
      try {
        const node = await this.o.client.resource<Node>('', 'v1', 'nodes').get(undefined, n.spec.name);
        const m = /^(\d+\.\d+\.\d+\.)0\/(\d+)$/.exec((node.spec as { podCIDR?: string })?.podCIDR ?? '');
        if (m && Number(m[2]) <= 24) {
          n.podPrefix = m[1]!;
          n.cidrFromIpam = true;
        }
      } catch {
        // Keep the index-based range; the next pod asks again.
      }
    }
    const ip = `${n.podPrefix}${(n.nextIP % 253) + 2}`;
    n.nextIP++;
    return ip;
  }

  private async applyStage(pod: RPod, stage: Stage): Promise<void> {
    const pods = this.o.client.resource<Pod>('', 'v1', 'pods');
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    try {
      if ('delete' in stage.next) {
        const uid = pod.metadata.uid;
        await pods.delete(ns, name, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
        return;
      }
      const node = this.nodes.get(pod.spec?.nodeName ?? '');
      if (!node) return;
      const podIP = pod.status?.podIP ?? (await this.podIP(node));
      const status = statusFor(
        stage.next.status,
        pod,
        () => ({ hostIP: node.hostIP, podIP }),
        this.clock.now(),
      );
      await pods.patch(ns, name, 'merge', { status }, { subresource: 'status' });
    } catch (err) {
      // The pod went away (or was replaced) meanwhile: nothing to do.
      // A delete refused on the uid precondition means the pod was replaced; any other conflict
      // ("too many concurrent writers") is retried like any failure.
      if (
        isNotFound(err) ||
        (isConflict(err) &&
          'delete' in stage.next &&
          /Precondition failed: UID/.test(String((err as Error).message)))
      )
        return;
      throw err;
    }
  }
}
