/**
 * NetworkPolicy enforcement for the pods of one node, on nftables. It watches NetworkPolicies, Pods
 * (all namespaces: peers may run anywhere) and Namespaces (labels for namespaceSelector) through
 * informers, builds the model of what each local pod admits (model.ts), renders the table
 * (ruleset.ts) and applies the difference from what it applied last as one `nft -f` transaction:
 * a pod or label change usually adds or removes set elements only. The first sync, and the retry
 * after any failure, replace the whole table atomically; a periodic resync rewrites every chain.
 *
 * Hosting (the agent, or `berth netpol`): `new NetworkPolicyController({ client, nodeName, ... })`,
 * `await c.start()`, `await c.stop()` on shutdown. Stopping leaves the rules in place, so pods stay
 * protected while the agent restarts; `cleanup()` removes the table.
 *
 * Bridged pod-to-pod traffic reaches the inet forward hook only with br_netfilter and
 * net.bridge.bridge-nf-call-iptables=1 in the node's network namespace (see docs/network-policy.md).
 */
import type { Client } from '../../client/client.ts';
import { realClock, type Clock } from '../../client/clock.ts';
import { informerFactory, type InformerFactory, type SharedInformer } from '../../client/informer.ts';
import { stderrLogger, type ClientLogger } from '../../client/logger.ts';
import { nftCommand, type NftRunner } from '../proxy/nft-runner.ts';
import { diffTransaction, fullTransaction, type DiffSummary } from '../proxy/nft-text.ts';
import type { Ruleset } from '../proxy/ruleset.ts';
import { SyncLoop } from '../proxy/sync-loop.ts';
import { buildModel } from './model.ts';
import { asInet, deleteTableText, renderRuleset, type NetpolSettings } from './ruleset.ts';
import type { Namespace, NetpolModel, NetworkPolicy, Pod } from './types.ts';

/** How a controller is set up. Only `client` and `nodeName` are required. */
export interface NetworkPolicyControllerOptions {
  client: Client;
  nodeName: string;
  /** This node's pod CIDR: only local pods with an address in it are enforced. */
  podCIDR?: string;
  /** The pod bridge (e.g. "cni0"): dispatch only traffic through it. Unset: match on addresses only. */
  bridge?: string;
  /** nft table (family inet). Default "berth-netpol". */
  table?: string;
  /** Denied traffic: "drop" (default) or "reject" (TCP reset / ICMP admin-prohibited). */
  deny?: NetpolSettings['deny'];
  runner?: NftRunner;
  minSyncIntervalMs?: number;
  fullSyncIntervalMs?: number;
  clock?: Clock;
  logger?: ClientLogger;
  /** Told after every successful sync (tests and metrics). */
  onSync?: (r: NetpolSyncReport) => void;
}

/** What one sync did. Times in milliseconds. */
export interface NetpolSyncReport {
  full: boolean;
  startedAt: number;
  renderMs: number;
  applyMs: number;
  /** Characters of nft input sent (0 when nothing changed). */
  bytes: number;
  /** Pods of this node isolated in at least one direction. */
  isolatedPods: number;
  summary: DiffSummary;
}

/** One node's NetworkPolicy enforcer: informers in, nft transactions out. */
export class NetworkPolicyController {
  private readonly o: NetworkPolicyControllerOptions;
  private readonly runner: NftRunner;
  private readonly log: ClientLogger;
  private readonly clock: Clock;
  private readonly settings: NetpolSettings;
  private factory: InformerFactory | undefined;
  private policies: SharedInformer<NetworkPolicy> | undefined;
  private pods: SharedInformer<Pod> | undefined;
  private namespaces: SharedInformer<Namespace> | undefined;
  private loop: SyncLoop | undefined;
  private applied: Ruleset | undefined;
  private last: NetpolSyncReport | undefined;

  constructor(opts: NetworkPolicyControllerOptions) {
    this.o = opts;
    this.runner = opts.runner ?? nftCommand();
    this.log = opts.logger ?? stderrLogger;
    this.clock = opts.clock ?? realClock;
    this.settings = { table: opts.table ?? 'berth-netpol', bridge: opts.bridge, deny: opts.deny ?? 'drop' };
  }

  /** The last successful sync, if any. */
  get lastSync(): NetpolSyncReport | undefined {
    return this.last;
  }

  /** Starts watching, waits for the caches, and starts syncing (the first sync is full). */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.factory) return;
    const f = informerFactory(this.o.client, { logger: this.log, clock: this.clock });
    this.factory = f;
    this.policies = f.forResource<NetworkPolicy>('networking.k8s.io', 'v1', 'networkpolicies');
    this.pods = f.forResource<Pod>('', 'v1', 'pods');
    this.namespaces = f.forResource<Namespace>('', 'v1', 'namespaces');
    this.loop = new SyncLoop({
      sync: (full) => this.sync(full),
      minIntervalMs: this.o.minSyncIntervalMs,
      fullIntervalMs: this.o.fullSyncIntervalMs,
      clock: this.clock,
      logger: this.log,
    });
    const changed = {
      onAdd: () => this.loop?.request(),
      onUpdate: () => this.loop?.request(),
      onDelete: () => this.loop?.request(),
    };
    this.policies.addEventHandler(changed);
    this.pods.addEventHandler(changed);
    this.namespaces.addEventHandler(changed);
    f.start();
    if (!(await f.waitForCacheSync(signal))) throw new Error('netpol: stopped before caches synced');
    this.loop.start();
  }

  /** Stops watching and syncing; the rules stay in the kernel. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.factory?.shutdown();
  }

  /** Removes the controller's table (every chain, map and set it made). */
  async cleanup(): Promise<void> {
    await this.runner.apply(deleteTableText(this.settings.table));
    this.applied = undefined;
  }

  /** The current model, built from the informer caches. */
  model(): NetpolModel {
    return buildModel({
      nodeName: this.o.nodeName,
      podCIDR: this.o.podCIDR,
      policies: (this.policies?.store.list() ?? []) as NetworkPolicy[],
      pods: (this.pods?.store.list() ?? []) as Pod[],
      namespaces: (this.namespaces?.store.list() ?? []) as Namespace[],
    });
  }

  private async sync(full: boolean): Promise<void> {
    const startedAt = this.clock.now();
    const t0 = performance.now();
    const model = this.model();
    const next = renderRuleset(model, this.settings);
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
    text = asInet(text, this.settings.table);
    const t1 = performance.now();
    // Until this transaction succeeds what the kernel holds is unknown: a failure leads to a full sync.
    this.applied = undefined;
    if (text !== '') await this.runner.apply(text);
    this.applied = next;
    const report: NetpolSyncReport = {
      full: full || wholeTable,
      startedAt,
      renderMs: t1 - t0,
      applyMs: performance.now() - t1,
      bytes: text.length,
      isolatedPods: model.pods.length,
      summary,
    };
    this.last = report;
    this.o.onSync?.(report);
  }
}
