/**
 * The per-node service proxy (kube-proxy's job) on nftables. It watches Services, EndpointSlices and
 * its own Node through informers, renders the whole rule set as a pure function of that state
 * (ruleset.ts), and applies the difference from what it applied last as one `nft -f` transaction
 * (nft-text.ts): a change rewrites only the chains and map elements it touches. The first sync, and
 * the retry after a failure, replace the table; a periodic resync rewrites every chain in place
 * (affinity state survives). Syncs are coalesced and at least `minSyncIntervalMs` apart.
 *
 * With `lbPool` it also acts as the load balancer "cloud": LoadBalancer Services get an address from
 * the pool written to status.loadBalancer.ingress (see lb-allocator.ts) and traffic to it is
 * handled like a NodePort on every node.
 *
 * Hosting: `new ServiceProxy({ client, nodeName, ... })`, `await proxy.start()`, and `await
 * proxy.stop()` on shutdown. Stopping leaves the rules in place; `cleanup()` (or `berth proxy
 * --cleanup`) removes the table, which the agent's worker does on stop unless told to keep them.
 */
import type { Client } from '../../client/client.ts';
import { realClock, type Clock } from '../../client/clock.ts';
import { informerFactory, type InformerFactory, type SharedInformer } from '../../client/informer.ts';
import { stderrLogger, type ClientLogger } from '../../client/logger.ts';
import { StatusError } from '../../api/errors.ts';
import { parseIpv4Cidr } from './ipv4.ts';
import { planLoadBalancers } from './lb-allocator.ts';
import { nodeAddresses, serviceNameLabel, servicePorts } from './model.ts';
import { deleteTable, nftCommand, type NftRunner } from './nft-runner.ts';
import { diffTransaction, fullTransaction, type DiffSummary } from './nft-text.ts';
import { renderCache, renderRuleset, type Ruleset } from './ruleset.ts';
import { SyncLoop } from './sync-loop.ts';
import type { EndpointSlice, Node, ProxyState, Service, ServicePortInfo } from './types.ts';

/** How a ServiceProxy is set up. Only `client` and `nodeName` are required. */
export interface ServiceProxyOptions {
  client: Client;
  nodeName: string;
  /** Pod network (e.g. 10.244.0.0/16): ClusterIP traffic from outside it is masqueraded. */
  clusterCIDR?: string;
  /** Service ClusterIP range; unknown addresses in it are rejected. Default 10.96.0.0/12. */
  serviceCIDR?: string;
  /** LoadBalancer address pool (e.g. 172.31.0.0/24); unset: no allocation, no LoadBalancer addresses. */
  lbPool?: string;
  /** nft table (family ip) the proxy owns. Default "berth". */
  table?: string;
  /** NodePort addresses beyond the Node's InternalIP/ExternalIP addresses. */
  extraNodeIPs?: string[];
  runner?: NftRunner;
  minSyncIntervalMs?: number;
  fullSyncIntervalMs?: number;
  clock?: Clock;
  logger?: ClientLogger;
  /** Told after every successful sync (tests and metrics). */
  onSync?: (r: SyncReport) => void;
}

/** What one sync did. Times in milliseconds. */
export interface SyncReport {
  full: boolean;
  startedAt: number;
  renderMs: number;
  applyMs: number;
  /** Characters of nft input sent (0 when nothing changed). */
  bytes: number;
  servicePorts: number;
  summary: DiffSummary;
}

const fieldManager = 'berth-proxy';

/** One node's service proxy: informers in, nft transactions out. */
export class ServiceProxy {
  private readonly o: ServiceProxyOptions;
  private readonly runner: NftRunner;
  private readonly log: ClientLogger;
  private readonly clock: Clock;
  private readonly table: string;
  private readonly pool;
  private factory: InformerFactory | undefined;
  private services: SharedInformer<Service> | undefined;
  private slices: SharedInformer<EndpointSlice> | undefined;
  private nodes: SharedInformer<Node> | undefined;
  private loop: SyncLoop | undefined;
  private lbLoop: SyncLoop | undefined;
  private applied: Ruleset | undefined;
  private readonly rendered = renderCache();
  /** Model of each Service by key, reused while its resourceVersion and its slices' stay the same. */
  private readonly models = new Map<string, { fingerprint: string; ports: ServicePortInfo[] }>();
  private last: SyncReport | undefined;

  constructor(opts: ServiceProxyOptions) {
    this.o = opts;
    this.runner = opts.runner ?? nftCommand();
    this.log = opts.logger ?? stderrLogger;
    this.clock = opts.clock ?? realClock;
    this.table = opts.table ?? 'berth';
    this.pool = opts.lbPool ? parseIpv4Cidr(opts.lbPool) : undefined;
    // Fail at construction, not at the first sync, on a CIDR typo.
    if (opts.clusterCIDR) parseIpv4Cidr(opts.clusterCIDR);
    parseIpv4Cidr(opts.serviceCIDR ?? '10.96.0.0/12');
  }

  /** The last successful sync, if any. */
  get lastSync(): SyncReport | undefined {
    return this.last;
  }

  /** Starts watching, waits for the caches, and starts syncing (the first sync is full). */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.factory) return;
    const f = informerFactory(this.o.client, { logger: this.log, clock: this.clock });
    this.factory = f;
    this.services = f.forResource<Service>('', 'v1', 'services');
    this.slices = f.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
    this.nodes = f.forResource<Node>('', 'v1', 'nodes', {
      fieldSelector: `metadata.name=${this.o.nodeName}`,
    });
    this.loop = new SyncLoop({
      sync: (full) => this.sync(full),
      minIntervalMs: this.o.minSyncIntervalMs,
      fullIntervalMs: this.o.fullSyncIntervalMs,
      clock: this.clock,
      logger: this.log,
    });
    const changed = {
      onAdd: () => this.changed(),
      onUpdate: () => this.changed(),
      onDelete: () => this.changed(),
    };
    this.services.addEventHandler(changed);
    this.slices.addEventHandler({
      onAdd: () => this.loop?.request(),
      onUpdate: () => this.loop?.request(),
      onDelete: () => this.loop?.request(),
    });
    this.nodes.addEventHandler({
      onAdd: () => this.loop?.request(),
      onUpdate: () => this.loop?.request(),
      onDelete: () => this.loop?.request(),
    });
    if (this.pool) {
      this.lbLoop = new SyncLoop({
        sync: () => this.allocate(),
        minIntervalMs: this.o.minSyncIntervalMs,
        fullIntervalMs: 0,
        clock: this.clock,
        logger: this.log,
      });
    }
    f.start();
    if (!(await f.waitForCacheSync(signal))) throw new Error('service proxy: stopped before caches synced');
    this.loop.start();
    this.lbLoop?.start();
  }

  /** Stops watching and syncing; the rules stay in the kernel. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.lbLoop?.stop();
    await this.factory?.shutdown();
  }

  /** Removes the proxy's table (every rule, map and set it made). */
  async cleanup(): Promise<void> {
    await deleteTable(this.runner, this.table);
    this.applied = undefined;
  }

  private changed(): void {
    this.loop?.request();
    this.lbLoop?.request();
  }

  /** The proxy's current input, built from the informer caches. */
  state(): ProxyState {
    const byService = new Map<string, EndpointSlice[]>();
    for (const s of this.slices?.store.list() ?? []) {
      const svc = s.metadata.labels?.[serviceNameLabel];
      if (!svc) continue;
      const key = `${s.metadata.namespace ?? ''}/${svc}`;
      const list = byService.get(key);
      if (list) list.push(s as EndpointSlice);
      else byService.set(key, [s as EndpointSlice]);
    }
    const ports: ServicePortInfo[] = [];
    const seen = new Set<string>();
    for (const svc of this.services?.store.list() ?? []) {
      const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
      const slices = byService.get(key) ?? [];
      const fingerprint = [
        svc.metadata.resourceVersion,
        ...slices.map((s) => `${s.metadata.name}@${s.metadata.resourceVersion}`).sort(),
      ].join(',');
      let model = this.models.get(key);
      if (!model || model.fingerprint !== fingerprint) {
        // Unchanged Services keep their ServicePortInfo objects, so their rendered chains are reused.
        model = { fingerprint, ports: servicePorts(svc as Service, slices, this.o.nodeName) };
        this.models.set(key, model);
      }
      seen.add(key);
      ports.push(...model.ports);
    }
    for (const key of this.models.keys()) if (!seen.has(key)) this.models.delete(key);
    const node = this.nodes?.store.list().find((n) => n.metadata.name === this.o.nodeName) as
      Node | undefined;
    const nodeIPs = [...new Set([...nodeAddresses(node), ...(this.o.extraNodeIPs ?? [])])].sort();
    return {
      settings: {
        table: this.table,
        clusterCIDR: this.o.clusterCIDR,
        serviceCIDR: this.o.serviceCIDR ?? '10.96.0.0/12',
        lbPool: this.o.lbPool,
        nodeIPs,
      },
      services: ports,
    };
  }

  private async sync(full: boolean): Promise<void> {
    const startedAt = this.clock.now();
    const t0 = performance.now();
    const st = this.state();
    const next = renderRuleset(st, this.rendered);
    const summary: DiffSummary = { chainsWritten: 0, chainsDeleted: 0, elementsAdded: 0, elementsDeleted: 0 };
    let text = '';
    let wholeTable = !this.applied;
    if (this.applied) {
      try {
        text = diffTransaction(this.applied, next, { rewriteAll: full, summary });
      } catch {
        wholeTable = true; // a set changed definition: only a fresh table can take it
      }
    }
    if (wholeTable) text = fullTransaction(next, summary);
    const t1 = performance.now();
    // Until this transaction succeeds, what the kernel holds is unknown: a failure leads to a full sync.
    this.applied = undefined;
    if (text !== '') await this.runner.apply(text);
    this.applied = next;
    const report: SyncReport = {
      full: full || wholeTable,
      startedAt,
      renderMs: t1 - t0,
      applyMs: performance.now() - t1,
      bytes: text.length,
      servicePorts: st.services.length,
      summary,
    };
    this.last = report;
    this.o.onSync?.(report);
  }

  private async allocate(): Promise<void> {
    if (!this.pool || !this.services) return;
    const all = this.services.store.list() as Service[];
    const changes = planLoadBalancers(all, this.pool);
    const client = this.o.client.resource<Service>('', 'v1', 'services');
    for (const ch of changes) {
      const cur = this.services.store.get(`${ch.namespace}/${ch.name}`) as Service | undefined;
      if (!cur) continue;
      const status = {
        ...(cur.status ?? {}),
        loadBalancer: ch.ip ? { ingress: [{ ip: ch.ip, ipMode: 'VIP' }] } : {},
      };
      const obj = { ...structuredClone(cur), status } as Service;
      try {
        await client.updateStatus(ch.namespace, obj, { fieldManager });
        this.log.info({ service: `${ch.namespace}/${ch.name}`, ip: ch.ip ?? null }, 'load balancer address');
      } catch (err) {
        // A conflict means someone (maybe another node's proxy) wrote first; the watch brings their
        // version and a new plan. Anything else is retried by the loop.
        if (err instanceof StatusError && (err.code === 409 || err.code === 404)) continue;
        throw err;
      }
    }
  }
}
