/**
 * The agent's stream endpoint as a pod worker: once the Node is registered (its addresses are what
 * the serving certificate names, and what the approver checks them against) it gets the
 * kubelet-serving certificate, listens, publishes the port in the Node's
 * status.daemonEndpoints.kubeletEndpoint, and rotates container logs by size. Getting the
 * certificate waits for approval, so it runs in the background and retries with backoff: the rest
 * of the agent does not wait for it. When the Node's addresses change the certificate is renewed.
 */
import type { AddressInfo } from 'node:net';
import type { DeepReadonly } from '../../api/object.ts';
import type { AgentContext, Node, PodWorker } from '../agent/agent.ts';
import type { RuntimeService } from '../cri/service.ts';
import { StatsCollector, type StatsCollectorOptions } from '../stats/collector.ts';
import { LogRotator, type LogRotationOptions } from './log-rotation.ts';
import { StreamServer } from './server.ts';
import { ensureServingCert, servingCertUsable, type ServingCert } from './serving-cert.ts';

export interface StreamsWorkerOptions {
  cri: RuntimeService;
  /** The cluster CA (PEM): the API server's client certificate must chain to it. */
  caCert: string;
  /** Listen address (0.0.0.0) and port (10250; 0 = any free port, published once known). */
  host?: string;
  port?: number;
  /**
   * When the port is taken, listen on any free port instead (the Node publishes the port it got).
   * Otherwise a taken port is logged and retried until it frees up.
   */
  portFallback?: boolean;
  /** Log rotation limits (maxBytes, maxFiles, intervalMs); false turns rotation off. */
  logRotation?: Partial<Pick<LogRotationOptions, 'maxBytes' | 'maxFiles' | 'intervalMs'>> | false;
  /** CPU/memory collection for GET /stats/summary (window settings); false turns it off. */
  stats?: Partial<Pick<StatsCollectorOptions, 'windowMs' | 'minWindowMs'>> | false;
}

/** The Node's status.addresses values. */
export function addressesOf(node: DeepReadonly<Node> | undefined): string[] {
  const list = (node?.status as { addresses?: readonly { address?: string }[] } | undefined)?.addresses ?? [];
  return [...new Set(list.map((a) => a.address ?? '').filter(Boolean))];
}

export class StreamsWorker implements PodWorker {
  readonly name = 'streams';
  private readonly o: StreamsWorkerOptions;
  private server: StreamServer | undefined;
  private rotator: LogRotator | undefined;
  private stats: StatsCollector | undefined;
  private readonly abort = new AbortController();
  private run: Promise<void> | undefined;
  private cert: ServingCert | undefined;
  private readonly listening: Promise<AddressInfo>;
  private resolveListening!: (a: AddressInfo) => void;

  constructor(o: StreamsWorkerOptions) {
    this.o = o;
    this.listening = new Promise((resolve) => (this.resolveListening = resolve));
  }

  /** Resolves with the address once the endpoint listens. */
  ready(): Promise<AddressInfo> {
    return this.listening;
  }

  async start(ctx: AgentContext): Promise<void> {
    if (this.o.logRotation !== false) {
      this.rotator = new LogRotator({
        cri: this.o.cri,
        nodeName: ctx.nodeName,
        log: ctx.log,
        ...this.o.logRotation,
      });
      this.rotator.start();
    }
    if (this.o.stats !== false) {
      this.stats = new StatsCollector({ cri: this.o.cri, nodeName: ctx.nodeName, ...this.o.stats });
      this.stats.start();
    }
    this.run = this.serve(ctx);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.run;
    await this.rotator?.stop();
    this.stats?.stop();
    await this.server?.close();
  }

  private async serve(ctx: AgentContext): Promise<void> {
    const signal = this.abort.signal;
    for (let wait = 1000; !signal.aborted; wait = Math.min(wait * 2, 60_000)) {
      try {
        this.cert = await this.obtain(ctx);
        break;
      } catch (err) {
        if (signal.aborted) return;
        ctx.log.warn({ err, node: ctx.nodeName }, 'no serving certificate for logs/exec yet; retrying');
        await new Promise((r) => setTimeout(r, wait).unref());
      }
    }
    if (signal.aborted || !this.cert) return;
    this.server = new StreamServer({
      cri: this.o.cri,
      nodeName: ctx.nodeName,
      cert: this.cert.cert,
      key: this.cert.key,
      clientCA: this.o.caCert,
      log: ctx.log,
      stats: this.stats,
    });
    const addr = await this.listen(ctx);
    if (!addr) return;
    ctx.setKubeletPort?.(addr.port);
    ctx.log.info({ node: ctx.nodeName, port: addr.port }, 'logs/exec/port-forward endpoint listening');
    this.resolveListening(addr);
    // New addresses (or an expiring certificate, checked at each Node change) mean a new certificate.
    ctx.onNodeChange((n) => {
      const addrs = addressesOf(n);
      if (!this.cert || servingCertUsable(this.cert, addrs.sort(), this.o.caCert, Date.now())) return;
      this.obtain(ctx)
        .then((c) => {
          this.cert = c;
          this.server?.setCertificate(c.cert, c.key);
        })
        .catch((err: unknown) => ctx.log.warn({ err }, 'renewing the serving certificate failed'));
    });
  }

  /** Listens on the configured port (see portFallback); undefined once stopped. */
  private async listen(ctx: AgentContext): Promise<AddressInfo | undefined> {
    const host = this.o.host ?? '0.0.0.0';
    const port = this.o.port ?? 10250;
    const signal = this.abort.signal;
    for (let wait = 1000; !signal.aborted; wait = Math.min(wait * 2, 30_000)) {
      try {
        return await this.server!.listen(host, port);
      } catch (err) {
        if (signal.aborted) return undefined;
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (inUse && this.o.portFallback && port !== 0) {
          ctx.log.warn(
            { node: ctx.nodeName, port },
            `port ${port} is in use: logs/exec listen on a free port`,
          );
          return await this.server!.listen(host, 0);
        }
        ctx.log.error({ err, node: ctx.nodeName, port }, 'cannot listen for logs/exec; retrying');
        await new Promise((r) => setTimeout(r, wait).unref());
      }
    }
    return undefined;
  }

  private async obtain(ctx: AgentContext): Promise<ServingCert> {
    return ensureServingCert({
      client: ctx.client,
      nodeName: ctx.nodeName,
      dataDir: ctx.dataDir,
      addresses: addressesOf(ctx.node()),
      caCert: this.o.caCert,
      signal: this.abort.signal,
    });
  }
}
