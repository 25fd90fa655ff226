/**
 * The networking pod workers `berth agent` hosts for its node, from its flags: the service proxy
 * (src/node/proxy), NetworkPolicy enforcement (src/node/netpol) and cluster DNS (src/dns). All are
 * on by default when the agent runs containerd (nodes without pods have nothing to route or guard)
 * and each can be turned off: `--no-service-proxy`, `--no-network-policy`, `--no-dns-server`.
 * The proxy's rules are removed when the agent stops unless `--keep-proxy-rules`.
 */
import { isIPv4 } from 'node:net';
import type { PodWorker } from '../node/agent/agent.ts';
import { NetworkPolicyWorker } from '../node/netpol/worker.ts';
import { parseIpv4Cidr } from '../node/proxy/ipv4.ts';
import { ServiceProxyWorker } from '../node/proxy/worker.ts';
import { ClusterDnsWorker } from '../dns/worker.ts';
import { CliError } from './cli-error.ts';

/** The agent flags these workers read (commander turns `--no-x` into `x: false`). */
export interface AgentNetworkFlags {
  runtime: string;
  clusterCidr?: string;
  serviceProxy?: boolean;
  networkPolicy?: boolean;
  dnsServer?: boolean;
  serviceCidr?: string;
  lbPool?: string;
  nodeportAddresses?: string;
  /** The address pods get as their nameserver (default 10.96.0.10). */
  clusterDns?: string;
  clusterDomain?: string;
  dnsPort?: string;
  /** Extra UDP threads of the node's DNS server (default 0). */
  dnsUdpThreads?: string;
  proxyTable?: string;
  /** Leave the service proxy's nft table in place when the agent stops (default: remove it). */
  keepProxyRules?: boolean;
  netpolTable?: string;
}

/** What the agent adds: the workers, and the pods' nameserver and domain. */
export interface AgentNetwork {
  workers: PodWorker[];
  clusterDNS: string[];
  clusterDomain: string;
}

function cidr(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    parseIpv4Cidr(v);
  } catch {
    throw new CliError(`--${flag} must be an IPv4 CIDR like 10.96.0.0/12, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks the flags and builds the workers (none with `--runtime none`). */
export function agentNetworkFrom(f: AgentNetworkFlags): AgentNetwork {
  const serviceCIDR = cidr('service-cidr', f.serviceCidr);
  const lbPool = cidr('lb-pool', f.lbPool);
  const clusterDns = f.clusterDns ?? '10.96.0.10';
  if (!isIPv4(clusterDns))
    throw new CliError(`--cluster-dns must be an IPv4 address, got ${JSON.stringify(clusterDns)}`);
  const clusterDomain = (f.clusterDomain ?? 'cluster.local').replace(/\.$/, '');
  const port = Number(f.dnsPort ?? 53);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--dns-port must be a port number, got ${JSON.stringify(f.dnsPort)}`);
  const udpThreads = Number(f.dnsUdpThreads ?? 0);
  if (!Number.isInteger(udpThreads) || udpThreads < 0 || udpThreads > 64)
    throw new CliError(`--dns-udp-threads must be 0..64, got ${JSON.stringify(f.dnsUdpThreads)}`);
  const extraNodeIPs = (f.nodeportAddresses ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const ip of extraNodeIPs)
    if (!isIPv4(ip)) throw new CliError(`--nodeport-addresses: not an IPv4 address: ${JSON.stringify(ip)}`);
  const out: AgentNetwork = { workers: [], clusterDNS: [clusterDns], clusterDomain };
  if (f.runtime !== 'containerd') return out;
  if (f.serviceProxy !== false)
    out.workers.push(
      new ServiceProxyWorker({
        clusterCIDR: f.clusterCidr,
        serviceCIDR,
        lbPool,
        extraNodeIPs,
        table: f.proxyTable,
        keepRules: f.keepProxyRules === true,
      }),
    );
  if (f.networkPolicy !== false) out.workers.push(new NetworkPolicyWorker({ table: f.netpolTable }));
  if (f.dnsServer !== false)
    out.workers.push(new ClusterDnsWorker({ port, domain: clusterDomain, udpThreads }));
  return out;
}
