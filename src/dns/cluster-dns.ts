/**
 * Cluster DNS as one running thing: informers on Services and EndpointSlices feeding a
 * ClusterIndex (watch events only, no polling), the cluster zone over it, a caching forwarder to
 * the host's resolvers, and the UDP/TCP server. Optionally makes sure the `kube-dns` Service
 * object exists so pods' resolv.conf address (10.96.0.10) has a Service behind it.
 */
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
  logger?: ClientLogger;
}

/** A running cluster DNS. */
export interface ClusterDns {
  /** The port bound (UDP and TCP). */
  port: number;
  server: DnsServer;
  index: ClusterIndex;
  forwarder: Forwarder | undefined;
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

function watch(factory: InformerFactory, index: ClusterIndex): void {
  const services = factory.forResource<Service>('', 'v1', 'services');
  services.addEventHandler({
    onAdd: (s) => index.upsertService(s),
    onUpdate: (_old, s) => index.upsertService(s),
    onDelete: (s) => index.deleteService(deletedObject(s)),
  });
  const slices = factory.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  slices.addEventHandler({
    onAdd: (s: DeepReadonly<EndpointSlice>) => index.upsertSlice(s),
    onUpdate: (_old, s) => index.upsertSlice(s),
    onDelete: (s) => index.deleteSlice(deletedObject(s)),
  });
}

/** Starts watching, waits (bounded) for the first list, then serves. */
export async function startClusterDns(opts: ClusterDnsOptions): Promise<ClusterDns> {
  const log = opts.logger ?? stderrLogger;
  const index = new ClusterIndex(opts.domain);
  const factory = informerFactory(opts.client, { logger: log });
  watch(factory, index);
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

  // Never forward to ourselves: a resolv.conf naming this very address would loop.
  const upstreams = (opts.upstreams ?? hostResolvers()).filter(
    (u) => !(u.host === opts.listen.host && u.port === opts.listen.port),
  );
  const forwarder = upstreams.length
    ? new Forwarder({ upstreams, timeoutMs: opts.upstreamTimeoutMs })
    : undefined;
  const server = new DnsServer({ zone: new ClusterZone(index, { ttl: opts.ttl }), forwarder, logger: log });
  let port: number;
  try {
    port = await server.listen(opts.listen.host, opts.listen.port);
  } catch (err) {
    forwarder?.close();
    await factory.shutdown();
    throw err;
  }
  log.info(
    { listen: `${opts.listen.host}:${port}`, domain: index.domain, services: index.serviceCount, upstreams },
    'cluster DNS serving',
  );
  return {
    port,
    server,
    index,
    forwarder,
    async close() {
      await server.close();
      forwarder?.close();
      await factory.shutdown();
    },
  };
}
