/**
 * The resolv.conf a pod gets, from its dnsPolicy and dnsConfig:
 * - ClusterFirst (the default): the cluster DNS server, search `<ns>.svc.<domain> svc.<domain>
 *   <domain>` followed by the host's search domains, `ndots:5`. A hostNetwork pod falls back to
 *   Default unless its policy is ClusterFirstWithHostNet.
 * - Default: the host's resolv.conf as it is.
 * - None: only what dnsConfig says.
 * dnsConfig is merged on top: nameservers and searches appended (duplicates dropped), options
 * replacing same-named ones.
 */
import { readFileSync } from 'node:fs';
import type { DNSConfig } from '../cri/types.ts';
import type { RPod } from './types.ts';

export interface DnsSettings {
  /** Cluster DNS server addresses (default 10.96.0.10). */
  clusterDNS: string[];
  /** Cluster domain (default cluster.local). */
  clusterDomain: string;
  /** The host's resolver configuration, parsed (see parseResolvConf). */
  host: DNSConfig;
}

/** Reads and parses the host's resolv.conf; an unreadable file gives an empty config. */
export function hostResolvConf(path = '/etc/resolv.conf'): DNSConfig {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return { servers: [], searches: [], options: [] };
  }
}

/** nameserver / search / domain / options lines of a resolv.conf. */
export function parseResolvConf(text: string): DNSConfig {
  const out: Required<DNSConfig> = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

/** The CRI DNS config for `pod`. */
export function podDnsConfig(pod: RPod, s: DnsSettings): DNSConfig {
  const spec = pod.spec ?? {};
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  let base: Required<DNSConfig>;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (policy === 'Default')
    base = {
      servers: [...(s.host.servers ?? [])],
      searches: [...(s.host.searches ?? [])],
      options: [...(s.host.options ?? [])],
    };
  else {
    const ns = pod.metadata.namespace ?? 'default';
    const d = s.clusterDomain;
    base = {
      servers: [...s.clusterDNS],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...(s.host.searches ?? [])],
      options: ['ndots:5'],
    };
  }
  const extra = spec.dnsConfig;
  if (extra) {
    base.servers = unique([...base.servers, ...(extra.nameservers ?? [])]);
    base.searches = unique([...base.searches, ...(extra.searches ?? [])]);
    for (const o of extra.options ?? []) {
      base.options = base.options.filter((x) => x.split(':')[0] !== o.name);
      base.options.push(o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name);
    }
  }
  // glibc reads at most 3 nameservers and 32 search domains (kubelet trims the same way).
  return {
    servers: base.servers.slice(0, 3),
    searches: unique(base.searches).slice(0, 32),
    options: base.options,
  };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
