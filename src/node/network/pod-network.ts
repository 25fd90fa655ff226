/**
 * The pod network across nodes, as a pod worker of the agent: every node routes the other nodes'
 * pod CIDRs to their InternalIPs (host-gateway on a shared L2), kept in step with the Nodes as they
 * join, leave or change address, and masquerades its own pods' traffic to anything outside the
 * cluster's pod network. Pod-to-pod traffic between nodes is not NATed.
 *
 * The CNI config for the node's podCIDR is written by the pods worker (src/node/pods); this worker
 * only routes and masquerades. Routes carry their own protocol number (routes.ts) and only those
 * are managed; the masquerade rule lives in an nft table of its own (masquerade.ts). Both stay in
 * place when the agent stops, so a restarting agent does not cut its pods off.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import { SharedInformer } from '../../client/informer.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { silentLogger } from '../../client/logger.ts';
import type { AgentContext, PodWorker } from '../agent/agent.ts';
import { applyMasquerade, MASQUERADE_TABLE } from './masquerade.ts';
import {
  desiredPodRoutes,
  internalIPv4,
  podCidrOf,
  RouteTable,
  type NodeLike,
  type PodRoute,
  type Runner,
} from './routes.ts';

/** The default pod network (node IPAM's default cluster CIDR). */
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';

export interface PodNetworkOptions {
  /** The whole pod network; traffic to it keeps the pod's source address (default 10.244.0.0/16). */
  clusterCidr?: string;
  /** Masquerade pod egress leaving the pod network (default true). */
  masquerade?: boolean;
  /** Routing protocol number of the routes this worker owns (default 250). */
  routeProto?: number;
  /** nft table for the masquerade rule (default berth-podnet). */
  masqueradeTable?: string;
  /** Program another namespace than the agent's own (tests). */
  netns?: string;
  /** Test seam: runs `ip` and `nft`. */
  runner?: Runner;
  /** Longest wait between retries after a failed sync, in ms (default 30 s; the first is 500 ms). */
  maxRetryMs?: number;
}

type Node = KubeObject & NodeLike;

/** What one sync did (for logs and tests). */
export interface PodNetworkSync {
  routes: PodRoute[];
  replaced: PodRoute[];
  removed: PodRoute[];
  masquerade?: { podCidr: string; clusterCidr: string };
}

/** The pod network worker (see the module comment). */
export class PodNetworkWorker implements PodWorker {
  readonly name = 'pod-network';
  readonly #o: PodNetworkOptions;
  readonly #routes: RouteTable;
  #ctx: AgentContext | undefined;
  #log: ClientLogger = silentLogger;
  #informer: SharedInformer<Node> | undefined;
  #running: Promise<void> | undefined;
  #dirty = false;
  #stopped = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryMs = 0;
  #masqueraded = '';
  #last: PodNetworkSync | undefined;
  #waiters: Array<() => void> = [];

  constructor(o: PodNetworkOptions = {}) {
    this.#o = o;
    this.#routes = new RouteTable({ proto: o.routeProto, netns: o.netns, runner: o.runner });
  }

  /** The outcome of the last successful sync. */
  get lastSync(): PodNetworkSync | undefined {
    return this.#last;
  }

  async start(ctx: AgentContext): Promise<void> {
    this.#ctx = ctx;
    this.#log = ctx.log;
    this.#stopped = false;
    const informer = new SharedInformer<Node>(ctx.client.resource<Node>('', 'v1', 'nodes'), {
      logger: ctx.log,
      resyncPeriodMs: 60_000,
    });
    this.#informer = informer;
    informer.addEventHandler({
      onAdd: () => this.kick(),
      onUpdate: (a, b) => {
        if (a === b || relevant(a) !== relevant(b)) this.kick();
      },
      onDelete: () => this.kick(),
    });
    informer.run();
    // Never prune routes before the first full list: an empty cache would look like "no nodes".
    if (!(await informer.waitForSync(ctx.signal))) return;
    this.kick();
    await this.settled();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    await this.#informer?.stop();
    await this.#running;
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Asks for a sync soon (coalesced with one in progress). */
  kick(): void {
    if (this.#stopped) return;
    this.#dirty = true;
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when no sync is pending or running (for tests and start). */
  settled(): Promise<void> {
    if (!this.#running && !this.#dirty) return Promise.resolve();
    return new Promise((r) => this.#waiters.push(r));
  }

  async #loop(): Promise<void> {
    while (this.#dirty && !this.#stopped) {
      this.#dirty = false;
      try {
        this.#last = await this.syncOnce();
        this.#retryMs = 0;
      } catch (err) {
        this.#retryMs = Math.min(this.#retryMs ? this.#retryMs * 2 : 500, this.#o.maxRetryMs ?? 30_000);
        this.#log.warn(
          { err, node: this.#ctx?.nodeName, inMs: this.#retryMs },
          'pod network sync failed; retrying',
        );
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.kick(), this.#retryMs);
        this.#retryTimer.unref();
        break;
      }
    }
    if (!this.#dirty) for (const w of this.#waiters.splice(0)) w();
  }

  /** One pass: routes to every other node's pod CIDR, then the masquerade rule for our own. */
  async syncOnce(): Promise<PodNetworkSync> {
    const ctx = this.#ctx;
    const informer = this.#informer;
    if (!ctx || !informer) throw new Error('pod network worker not started');
    const nodes = informer.lister.list() as readonly NodeLike[];
    const self = nodes.find((n) => n.metadata.name === ctx.nodeName) ?? (ctx.node() as NodeLike | undefined);
    const selfIP = self ? internalIPv4(self) : undefined;
    const routes = desiredPodRoutes(nodes, ctx.nodeName, selfIP);
    const changed = await this.#routes.sync(routes);
    for (const r of changed.replaced) this.#log.info({ dst: r.dst, via: r.via }, 'pod route set');
    for (const r of changed.removed) this.#log.info({ dst: r.dst, via: r.via }, 'pod route removed');
    const out: PodNetworkSync = { routes, ...changed };
    const podCidr = self ? podCidrOf(self) : undefined;
    if (podCidr && this.#o.masquerade !== false) {
      const clusterCidr = this.#o.clusterCidr ?? DEFAULT_CLUSTER_CIDR;
      const key = `${podCidr} ${clusterCidr}`;
      if (key !== this.#masqueraded) {
        await applyMasquerade({
          podCidr,
          clusterCidr,
          table: this.#o.masqueradeTable ?? MASQUERADE_TABLE,
          netns: this.#o.netns,
          runner: this.#o.runner,
        });
        this.#masqueraded = key;
        this.#log.info({ podCidr, clusterCidr }, 'pod egress masquerade set');
      }
      out.masquerade = { podCidr, clusterCidr };
    }
    return out;
  }
}

/** The parts of a Node that change routes: its pod CIDR and InternalIP. */
function relevant(n: DeepReadonly<Node>): string {
  return `${podCidrOf(n as NodeLike) ?? ''} ${internalIPv4(n as NodeLike) ?? ''}`;
}
