/**
 * NetworkPolicy enforcement as a pod worker of the node agent: runs a `NetworkPolicyController`
 * (controller.ts) for this node with the agent's client (system:node:NAME may list and watch
 * NetworkPolicies, Pods and Namespaces). It enforces the pods with an address in the node's
 * spec.podCIDR; when node IPAM assigns or changes that CIDR the controller is started again with it.
 * Starting does not wait for the first sync. Stopping leaves the rules in place, so pods stay
 * protected while the agent restarts; `cleanup()` removes the table.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { AgentContext, Node, PodWorker } from '../agent/agent.ts';
import { enableBridgeNetfilter } from '../proxy/bridge-netfilter.ts';
import { nftCommand, type NftRunner } from '../proxy/nft-runner.ts';
import { NetworkPolicyController, type NetworkPolicyControllerOptions } from './controller.ts';

/** What the agent passes through (everything but the client, node name and pod CIDR). */
export type NetworkPolicyWorkerOptions = Omit<
  NetworkPolicyControllerOptions,
  'client' | 'nodeName' | 'podCIDR' | 'logger' | 'runner'
> & {
  /** Program another network namespace than the agent's own (tests). */
  netns?: string;
  runner?: NftRunner;
  /** Turn on bridge-nf-call-iptables in the agent's namespace (default true unless `netns` is set). */
  bridgeNetfilter?: boolean;
};

/** Runs the node's NetworkPolicy controller inside the agent. */
export class NetworkPolicyWorker implements PodWorker {
  readonly name = 'network-policy';
  readonly #o: NetworkPolicyWorkerOptions;
  #ctx: AgentContext | undefined;
  #controller: NetworkPolicyController | undefined;
  #podCIDR: string | undefined;
  /** Serializes controller restarts. */
  #chain: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(o: NetworkPolicyWorkerOptions = {}) {
    this.#o = o;
  }

  /** The running controller (undefined before start). */
  get controller(): NetworkPolicyController | undefined {
    return this.#controller;
  }

  async start(ctx: AgentContext): Promise<void> {
    this.#ctx = ctx;
    if (this.#o.bridgeNetfilter ?? !this.#o.netns) enableBridgeNetfilter(ctx.log);
    this.#podCIDR = podCIDROf(ctx.node());
    this.#restart();
    this.#unsubscribe = ctx.onNodeChange((n) => {
      const cidr = podCIDROf(n);
      if (cidr === this.#podCIDR) return;
      this.#podCIDR = cidr;
      this.#restart();
    });
  }

  /** Resolves once the current controller started (or gave up). */
  started(): Promise<void> {
    return this.#chain;
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#chain;
    await this.#controller?.stop();
  }

  /** Removes the controller's nft table. */
  async cleanup(): Promise<void> {
    await this.#controller?.cleanup();
  }

  #restart(): void {
    const ctx = this.#ctx!;
    const { netns, runner, bridgeNetfilter: _b, ...rest } = this.#o;
    const podCIDR = this.#podCIDR;
    this.#chain = this.#chain.then(async () => {
      if (ctx.signal.aborted) return;
      await this.#controller?.stop();
      const c = new NetworkPolicyController({
        ...rest,
        client: ctx.client,
        nodeName: ctx.nodeName,
        podCIDR,
        runner: runner ?? nftCommand({ netns }),
        logger: ctx.log,
      });
      this.#controller = c;
      try {
        await c.start(ctx.signal);
        ctx.log.info({ node: ctx.nodeName, podCIDR: podCIDR ?? null }, 'network policy enforcement running');
      } catch (err) {
        if (!ctx.signal.aborted) ctx.log.error({ err, node: ctx.nodeName }, 'network policy did not start');
      }
    });
  }
}

function podCIDROf(n: DeepReadonly<Node> | undefined): string | undefined {
  return n?.spec?.podCIDR;
}
