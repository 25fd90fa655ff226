/**
 * Cluster DNS as one running thing: informers on Services and EndpointSlices feeding a
 * ClusterIndex (watch events only, no polling), the cluster zone over it, a caching forwarder to
 * the host's resolvers, and the UDP/TCP server. Optionally makes sure the `kube-dns` Service
 * object exists so pods' resolv.conf address (10.96.0.10) has a Service behind it.
 */
import { availableParallelism } from 'node:os';
import type { DeepReadonly } from '../api/object.ts';
import type { Client } from '../client/client.ts';
import { deletedObject, informerFactory, type InformerFactory } from '../client/informer.ts';
import { stderrLogger, type ClientLogger } from '../client/logger.ts';
import { isNotFound } from '../client/status.ts';
import { ClusterIndex } from './cluster-index.ts';
import type { Endpoint } from './exchange.ts';
import { Forwarder } from './forwarder.ts';
import { kubeDnsService } from './kube-dns.ts';
import { hostResolvers } from './resolv-conf.ts';
import { DnsServer } from './server.ts';
import type { EndpointSlice, Service } from './types.ts';
import { UdpThreadPool, type IndexEvent } from './udp-pool.ts';
import { ClusterZone } from './zone.ts';

export interface ClusterDnsOptions {
  client: Client;
  listen: Endpoint;
  /** Default cluster.local. */
  domain?: string;
  /** TTL of cluster records, seconds (default 5). */
  ttl?: number;
  /** Resolvers for everything else (default: /etc/resolv.conf's). Empty: such names are REFUSED. */
  upstreams?: Endpoint[];
  /** Per-try upstream timeout, ms (default 2000). */
  upstreamTimeoutMs?: number;
  /** Create kube-system/kube-dns with this ClusterIP when missing (undefined: leave it alone). */
  ensureServiceIP?: string;
  /** Longest wait for the first list before serving anyway (default 10 s). */
  syncTimeoutMs?: number;
  /**
   * Extra threads answering UDP on the same address (SO_REUSEPORT), each with its own index
   * replica. Default: as many as CPUs, at most 3. 0: the main thread answers UDP alone.
   */
  udpThreads?: number;
  logger?: ClientLogger;
}

/** A running cluster DNS. */
export interface ClusterDns {
  /** The port bound (UDP and TCP). */
  port: number;
  server: DnsServer;
  index: ClusterIndex;
  forwarder: Forwarder | undefined;
  /** UDP threads running beside the main thread. */
  udpThreads: number;
  close(): Promise<void>;
}

export { kubeDnsService } from './kube-dns.ts';

/** Creates kube-system/kube-dns when it is missing; true when it was created. */
export async function ensureKubeDnsService(client: Client, clusterIP: string): Promise<boolean> {
  const services = client.resource<Service>('', 'v1', 'services');
  try {
    await services.get('kube-system', 'kube-dns');
    return false;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await services.create('kube-system', kubeDnsService(clusterIP));
  return true;
}

/** Feeds informer events to the index and, in the same order, to the UDP threads' replicas. */
function watch(factory: InformerFactory, index: ClusterIndex, pool: UdpThreadPool): void {
  const both = (ev: IndexEvent, local: () => void): void => {
    local();
    pool.apply(ev);
  };
  const services = factory.forResource<Service>('', 'v1', 'services');
  const svc = (s: DeepReadonly<Service>): void =>
    both({ op: 'upsertService', obj: s }, () => index.upsertService(s));
  const svcGone = (s: DeepReadonly<Service>): void =>
    both({ op: 'deleteService', obj: s }, () => index.deleteService(s));
  services.addEventHandler({
    onAdd: svc,
    onUpdate: (_old, s) => svc(s),
    onDelete: (s) => svcGone(deletedObject(s)),
  });
  const slices = factory.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  const sl = (s: DeepReadonly<EndpointSlice>): void =>
    both({ op: 'upsertSlice', obj: s }, () => index.upsertSlice(s));
  const slGone = (s: DeepReadonly<EndpointSlice>): void =>
    both({ op: 'deleteSlice', obj: s }, () => index.deleteSlice(s));
  slices.addEventHandler({
    onAdd: sl,
    onUpdate: (_old, s) => sl(s),
    onDelete: (s) => slGone(deletedObject(s)),
  });
}

/**
 * The default number of UDP threads: as many as CPUs, at most 3 (so with the main thread's socket
 * there is one more socket than cores). On a busy 2-core host more sockets than cores measured a
 * shorter latency tail than one per core: each thread is scheduled on its own.
 */
export function defaultUdpThreads(): number {
  return Math.min(3, availableParallelism());
}

/** Starts watching, waits (bounded) for the first list, then serves. */
export async function startClusterDns(opts: ClusterDnsOptions): Promise<ClusterDns> {
  const log = opts.logger ?? stderrLogger;
  const index = new ClusterIndex(opts.domain);
  const factory = informerFactory(opts.client, { logger: log });
  const threads = opts.udpThreads ?? defaultUdpThreads();
  // Upstreams are known before the informers start; the pool only records events until it starts.
  const upstreams = (opts.upstreams ?? hostResolvers()).filter(
    (u) => !(u.host === opts.listen.host && u.port === opts.listen.port),
  );
  const pool = new UdpThreadPool({
    threads,
    domain: index.domain,
    ttl: opts.ttl,
    upstreams,
    upstreamTimeoutMs: opts.upstreamTimeoutMs,
    logger: log,
  });
  watch(factory, index, pool);
  factory.start();
  if (opts.ensureServiceIP) {
    try {
      if (await ensureKubeDnsService(opts.client, opts.ensureServiceIP))
        log.info({ clusterIP: opts.ensureServiceIP }, 'created Service kube-system/kube-dns');
    } catch (err) {
      log.warn({ err }, 'could not make sure Service kube-system/kube-dns exists; serving anyway');
    }
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.syncTimeoutMs ?? 10_000);
  const synced = await factory.waitForCacheSync(abort.signal);
  clearTimeout(timer);
  if (!synced) log.warn({}, 'Services/EndpointSlices not listed yet; serving what is known');

  // Never forward to ourselves (filtered above): a resolv.conf naming this very address would loop.
  const forwarder = upstreams.length
    ? new Forwarder({ upstreams, timeoutMs: opts.upstreamTimeoutMs })
    : undefined;
  const server = new DnsServer({
    zone: new ClusterZone(index, { ttl: opts.ttl }),
    forwarder,
    reusePort: threads > 0,
    logger: log,
  });
  let port: number;
  try {
    port = await server.listen(opts.listen.host, opts.listen.port);
    if (threads > 0) await pool.start(opts.listen.host, port);
  } catch (err) {
    await server.close();
    forwarder?.close();
    await factory.shutdown();
    throw err;
  }
  log.info(
    {
      listen: `${opts.listen.host}:${port}`,
      domain: index.domain,
      services: index.serviceCount,
      upstreams,
      udpThreads: threads,
    },
    'cluster DNS serving',
  );
  return {
    port,
    server,
    index,
    forwarder,
    udpThreads: threads,
    async close() {
      await pool.close();
      await server.close();
      forwarder?.close();
      await factory.shutdown();
    },
  };
}
