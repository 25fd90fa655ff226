/**
 * The service proxy as a pod worker of the node agent: once the Node is registered it runs a
 * `ServiceProxy` (proxy.ts) for that node with the agent's own client (system:node:NAME, which the
 * node authorizer lets read Services, EndpointSlices and Nodes, and write Service status for the
 * LoadBalancer pool). Starting does not wait for the first sync: a slow or failing list is retried
 * in the background and never holds up the pods. Stopping removes the proxy's nft table, as
 * kube-proxy's --cleanup does, so a node whose agent is shut down keeps no stale Service rules;
 * with `keepRules` (the agent's --keep-proxy-rules) the rules stay, and Services keep working while
 * an agent restarts (the next start replaces the table whole).
 */
import type { AgentContext, PodWorker } from '../agent/agent.ts';
import { enableBridgeNetfilter } from './bridge-netfilter.ts';
import { nftCommand, type NftRunner } from './nft-runner.ts';
import { ServiceProxy, type ServiceProxyOptions } from './proxy.ts';

/** What the agent passes through to the proxy (everything but the client and node name). */
export type ServiceProxyWorkerOptions = Omit<
  ServiceProxyOptions,
  'client' | 'nodeName' | 'logger' | 'runner'
> & {
  /** Program another network namespace than the agent's own (tests). */
  netns?: string;
  runner?: NftRunner;
  /** Turn on bridge-nf-call-iptables in the agent's namespace (default true unless `netns` is set). */
  bridgeNetfilter?: boolean;
  /** Leave the nft table in place on stop (default: remove it). */
  keepRules?: boolean;
};

/** Runs the node's service proxy inside the agent. */
export class ServiceProxyWorker implements PodWorker {
  readonly name = 'service-proxy';
  readonly #o: ServiceProxyWorkerOptions;
  #proxy: ServiceProxy | undefined;
  #starting: Promise<void> | undefined;
  #log: AgentContext['log'] | undefined;

  constructor(o: ServiceProxyWorkerOptions = {}) {
    this.#o = o;
  }

  /** The running proxy (undefined before start). */
  get proxy(): ServiceProxy | undefined {
    return this.#proxy;
  }

  async start(ctx: AgentContext): Promise<void> {
    const { netns, runner, bridgeNetfilter, keepRules: _keep, ...rest } = this.#o;
    if (bridgeNetfilter ?? !netns) enableBridgeNetfilter(ctx.log);
    this.#log = ctx.log;
    const proxy = new ServiceProxy({
      ...rest,
      client: ctx.client,
      nodeName: ctx.nodeName,
      runner: runner ?? nftCommand({ netns }),
      logger: ctx.log,
    });
    this.#proxy = proxy;
    this.#starting = proxy.start(ctx.signal).then(
      () => ctx.log.info({ node: ctx.nodeName, table: rest.table ?? 'berth' }, 'service proxy running'),
      (err: unknown) => {
        if (!ctx.signal.aborted) ctx.log.error({ err, node: ctx.nodeName }, 'service proxy did not start');
      },
    );
  }

  /** Resolves once the proxy's caches synced and its loop runs (or it gave up). */
  started(): Promise<void> {
    return this.#starting ?? Promise.resolve();
  }

  /** Stops the proxy, then removes its table unless `keepRules`; a failed removal is logged. */
  async stop(): Promise<void> {
    await this.#starting;
    await this.#proxy?.stop();
    if (this.#o.keepRules || !this.#proxy) return;
    try {
      await this.#proxy.cleanup();
      this.#log?.info({ table: this.#o.table ?? 'berth' }, 'service proxy rules removed');
    } catch (err) {
      this.#log?.error({ err, table: this.#o.table ?? 'berth' }, 'cannot remove the service proxy rules');
    }
  }

  /** Removes the proxy's nft table. */
  async cleanup(): Promise<void> {
    await this.#proxy?.cleanup();
  }
}
