/**
 * Cluster DNS as a pod worker of the node agent: every node answers DNS on its own InternalIP
 * (port 53 by default) and publishes that address as an EndpointSlice of the selector-less
 * kube-system/kube-dns Service, so the node's service proxy routes 10.96.0.10 to a DNS server
 * (the local one or another node's). Per node rather than one in the platform process: DNS keeps
 * working on a node cut off from the control plane host, the load spreads with the nodes, and no
 * address outside the cluster's nodes has to be reachable from pods.
 *
 * The server binds once the Node has an InternalIP; a bind failure (port taken) is logged and
 * retried with backoff. The slice is written after the server listens and deleted when the worker
 * stops (it is also owned by the Node, so deleting the Node removes it).
 */
import type { DeepReadonly } from '../api/object.ts';
import type { AgentContext, Node, PodWorker } from '../node/agent/agent.ts';
import { isNotFound } from '../client/status.ts';
import { startClusterDns, type ClusterDns } from './cluster-dns.ts';
import type { Endpoint } from './exchange.ts';
import { kubeDnsNamespace, kubeDnsSlice, kubeDnsSliceName } from './kube-dns.ts';
import type { EndpointSlice } from './types.ts';

export interface ClusterDnsWorkerOptions {
  /** Listen address; default the Node's InternalIP. */
  host?: string;
  /** Port (default 53; 0 = any free port, published in the slice). */
  port?: number;
  /** Cluster domain (default cluster.local). */
  domain?: string;
  /** TTL of cluster records, seconds (default 5). */
  ttl?: number;
  /** Resolvers for other names (default /etc/resolv.conf's). */
  upstreams?: Endpoint[];
  /** Longest wait between retries, ms (default 30 s). */
  maxRetryMs?: number;
  /**
   * Extra threads answering UDP (cluster-dns.ts udpThreads). Default 0 on a node: each thread
   * holds its own copy of the index (~40 MB with 1,000 Services), and the agent's memory matters
   * more than the last milliseconds of p99.
   */
  udpThreads?: number;
}

/** The node's InternalIP (first IPv4 one). */
export function internalIP(node: DeepReadonly<Node> | undefined): string | undefined {
  const list = (node?.status as { addresses?: readonly { type?: string; address?: string }[] } | undefined)
    ?.addresses;
  return list?.find((a) => a.type === 'InternalIP' && /^\d+\.\d+\.\d+\.\d+$/.test(a.address ?? ''))?.address;
}

/** Runs cluster DNS on this node and publishes it behind kube-dns. */
export class ClusterDnsWorker implements PodWorker {
  readonly name = 'cluster-dns';
  readonly #o: ClusterDnsWorkerOptions;
  #ctx: AgentContext | undefined;
  #dns: ClusterDns | undefined;
  #run: Promise<void> | undefined;
  #serving: Promise<Endpoint>;
  #resolveServing!: (e: Endpoint) => void;
  #wake: (() => void) | undefined;

  constructor(o: ClusterDnsWorkerOptions = {}) {
    this.#o = o;
    this.#serving = new Promise((r) => (this.#resolveServing = r));
  }

  /** Resolves with the address once DNS answers and its slice is published. */
  serving(): Promise<Endpoint> {
    return this.#serving;
  }

  async start(ctx: AgentContext): Promise<void> {
    this.#ctx = ctx;
    const unsubscribe = ctx.onNodeChange(() => this.#wake?.());
    this.#run = this.#serve(ctx).finally(unsubscribe);
  }

  async stop(): Promise<void> {
    this.#wake?.();
    await this.#run;
    const ctx = this.#ctx;
    if (!this.#dns || !ctx) return;
    await this.#dns.close();
    this.#dns = undefined;
    try {
      await ctx.client
        .resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices')
        .delete(kubeDnsNamespace, kubeDnsSliceName(ctx.nodeName));
    } catch (err) {
      if (!isNotFound(err)) ctx.log.warn({ err }, 'could not remove the kube-dns EndpointSlice of this node');
    }
  }

  /** Waits until woken (node change, stop) or `ms` passed. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.#wake = done;
    });
  }

  async #serve(ctx: AgentContext): Promise<void> {
    let retryMs = 0;
    while (!ctx.signal.aborted) {
      const host = this.#o.host ?? internalIP(ctx.node());
      if (!host) {
        await this.#pause(5_000);
        continue;
      }
      try {
        this.#dns ??= await startClusterDns({
          client: ctx.client,
          listen: { host, port: this.#o.port ?? 53 },
          domain: this.#o.domain,
          ttl: this.#o.ttl,
          upstreams: this.#o.upstreams,
          udpThreads: this.#o.udpThreads ?? 0,
          logger: ctx.log,
        });
        if (ctx.signal.aborted) return;
        await this.#publish(ctx, host, this.#dns.port);
        ctx.log.info({ node: ctx.nodeName, listen: `${host}:${this.#dns.port}` }, 'cluster DNS serving');
        this.#resolveServing({ host, port: this.#dns.port });
        return;
      } catch (err) {
        retryMs = Math.min(retryMs ? retryMs * 2 : 500, this.#o.maxRetryMs ?? 30_000);
        ctx.log.warn({ err, node: ctx.nodeName, inMs: retryMs }, 'cluster DNS not serving yet; retrying');
        await this.#pause(retryMs);
      }
    }
  }

  /** Creates or corrects this node's kube-dns EndpointSlice. */
  async #publish(ctx: AgentContext, ip: string, port: number): Promise<void> {
    const slices = ctx.client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
    const node = ctx.node();
    const want = kubeDnsSlice({ name: ctx.nodeName, uid: node?.metadata.uid }, ip, port);
    let cur: EndpointSlice;
    try {
      cur = await slices.get(kubeDnsNamespace, want.metadata.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await slices.create(kubeDnsNamespace, want);
      return;
    }
    const same =
      JSON.stringify([cur.endpoints, cur.ports, cur.metadata.labels]) ===
      JSON.stringify([want.endpoints, want.ports, want.metadata.labels]);
    if (same) return;
    await slices.update(kubeDnsNamespace, {
      ...want,
      metadata: { ...want.metadata, resourceVersion: cur.metadata.resourceVersion },
    });
  }
}
