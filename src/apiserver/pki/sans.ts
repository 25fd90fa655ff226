/**
 * The names the API server's serving certificate must carry, and the check for names it lacks.
 * Every address a client might dial is included: loopback, every interface address, the host name,
 * the in-cluster `kubernetes` service names and its ClusterIP. Comparison is canonical (DNS names
 * lower-cased, IPv6 compressed), so `0:0::1` and `::1` are the same name.
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { X509Certificate } from 'node:crypto';

/** DNS names and IP addresses for a serving certificate. */
export interface ServingNames {
  dnsNames: string[];
  ips: string[];
}

/** The in-cluster names of the API server, the way pods reach it. */
export const kubernetesServiceNames = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** ClusterIP of the `kubernetes` Service: the first address of the default service range. */
export const kubernetesServiceIp = '10.96.0.1';

/** Canonical text of an IP address; an optional IPv6 zone (`%eth0`) is dropped. */
export function canonicalIp(ip: string): string {
  const bare = ip.split('%')[0];
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Every name the serving certificate must carry on this host, plus the caller's extras. */
export function defaultServingNames(opts: { hostnames?: string[]; ips?: string[] } = {}): ServingNames {
  const interfaceIps: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) interfaceIps.push(a.address);
  }
  const dnsNames = ['localhost', hostname(), ...kubernetesServiceNames, ...(opts.hostnames ?? [])];
  const ips = ['127.0.0.1', '::1', kubernetesServiceIp, ...interfaceIps, ...(opts.ips ?? [])];
  return {
    dnsNames: unique(dnsNames.filter((n) => n !== '').map((n) => n.toLowerCase())),
    ips: unique(ips.filter((ip) => isIP(ip.split('%')[0]) !== 0).map(canonicalIp)),
  };
}

/**
 * The SANs a certificate carries, canonicalized. Read with node:crypto (not the issuing library),
 * so a server that only loads its certificates never loads the X.509 toolkit.
 */
export function subjectAltNames(certPem: string): ServingNames {
  const text = new X509Certificate(certPem).subjectAltName ?? '';
  const out: ServingNames = { dnsNames: [], ips: [] };
  for (const entry of text.split(', ')) {
    if (entry.startsWith('DNS:')) out.dnsNames.push(entry.slice(4).toLowerCase());
    else if (entry.startsWith('IP Address:')) out.ips.push(canonicalIp(entry.slice(11)));
  }
  return out;
}

/** The wanted names (DNS names and IPs, canonical) that the certificate does not carry. */
export function missingSubjectAltNames(certPem: string, wanted: ServingNames): string[] {
  const have = subjectAltNames(certPem);
  const dns = new Set(have.dnsNames);
  const ips = new Set(have.ips);
  return [
    ...wanted.dnsNames.map((n) => n.toLowerCase()).filter((n) => !dns.has(n)),
    ...wanted.ips.map(canonicalIp).filter((ip) => !ips.has(ip)),
  ];
}
