/**
 * `berth dns`: runs cluster DNS for the cluster of a kubeconfig until SIGINT/SIGTERM. Flags are
 * checked here so bad input fails before anything starts.
 */
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { createLogger } from '../cli/log.ts';
import { CliError, stopOnSignals } from '../cli/server.ts';
import { startClusterDns, type ClusterDns } from './cluster-dns.ts';
import { hostResolvers, parseListen, parseUpstreams } from './resolv-conf.ts';

export interface DnsFlags {
  kubeconfig: string;
  listen: string;
  clusterDomain: string;
  /** Comma-separated IP[:port]; default: the nameservers of --resolv-conf. */
  upstream?: string;
  resolvConf: string;
  ttl: string;
  /** ClusterIP for kube-system/kube-dns, created when missing; 'none' leaves it alone. */
  serviceIp: string;
  /** Extra UDP threads (default: CPUs, at most 3). */
  udpThreads?: string;
  logLevel?: string;
}

function checked<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new CliError(`--${flag}: ${(err as Error).message}`);
  }
}

/** Starts cluster DNS from CLI flags and stops it on a signal. */
export async function runDns(flags: DnsFlags): Promise<ClusterDns> {
  const listen = checked('listen', () => parseListen(flags.listen));
  const upstreams = flags.upstream
    ? checked('upstream', () => parseUpstreams(flags.upstream!))
    : hostResolvers(flags.resolvConf);
  const ttl = Number(flags.ttl);
  if (!Number.isInteger(ttl) || ttl < 0)
    throw new CliError(`--ttl: want whole seconds, got ${JSON.stringify(flags.ttl)}`);
  const domain = flags.clusterDomain.replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(domain))
    throw new CliError(`--cluster-domain: not a domain name: ${JSON.stringify(flags.clusterDomain)}`);
  const udpThreads = flags.udpThreads === undefined ? undefined : Number(flags.udpThreads);
  if (udpThreads !== undefined && !(Number.isInteger(udpThreads) && udpThreads >= 0 && udpThreads <= 64))
    throw new CliError(`--udp-threads: want 0..64, got ${JSON.stringify(flags.udpThreads)}`);
  const log = createLogger(flags.logLevel, 'berth-dns');
  const transport = httpTransport(await loadKubeconfig(flags.kubeconfig));
  const dns = await startClusterDns({
    client: new Client(transport),
    listen,
    domain,
    ttl,
    upstreams,
    ensureServiceIP: flags.serviceIp === 'none' ? undefined : flags.serviceIp,
    udpThreads,
    logger: log,
  });
  // Readiness line for scripts and tests: the address actually bound.
  process.stdout.write(`berth dns listening on ${listen.host}:${dns.port}\n`);
  stopOnSignals(async () => {
    await dns.close();
    transport.close();
  });
  return dns;
}
