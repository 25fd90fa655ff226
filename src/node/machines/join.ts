/**
 * How a machine reaches the cluster's API server. Inside a machine's namespace 127.0.0.1 is the
 * machine's own loopback, so a loopback server address (what `berth server` writes into its admin
 * kubeconfig and join command) is swapped for an address of this host that the machines can reach
 * and that the server's certificate names: the bridge's gateway address when the certificate has
 * it (a server started after the bridge existed), else another address of this host in the
 * certificate (machines reach every host address through their default route).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:tls';
import { parse, stringify } from 'yaml';
import { subnetContains, type Subnet } from './addressing.ts';

/** True for loopback and wildcard hosts a machine cannot use. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h === '0.0.0.0' || h === '::' || /^127\./.test(h);
}

/** The IP addresses in the serving certificate the server at `url` presents. */
export function servingCertIps(url: URL, timeoutMs = 5_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      rejectUnauthorized: false, // only reading the names, nothing is sent
      servername: isIPv4(url.hostname) ? undefined : url.hostname,
    });
    const timer = setTimeout(() => sock.destroy(new Error(`no TLS answer from ${url.origin}`)), timeoutMs);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      const san = sock.getPeerCertificate().subjectaltname ?? '';
      sock.end();
      resolve(
        san
          .split(', ')
          .filter((e) => e.startsWith('IP Address:'))
          .map((e) => e.slice(11)),
      );
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach ${url.origin}: ${err.message}`));
    });
  });
}

/** This host's own non-loopback IPv4 addresses. */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((l) => l ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/**
 * The server URL to give a machine's agent. Non-loopback URLs are kept; a loopback one gets the
 * gateway address or another certified host address (see the module comment), with a note saying
 * which. Throws when the certificate names no address a machine can reach.
 */
export async function serverForMachines(
  server: string,
  gateway: string,
  subnet: Subnet,
): Promise<{ server: string; note?: string }> {
  const url = new URL(server);
  if (!isLoopbackHost(url.hostname)) return { server: url.origin };
  const sans = await servingCertIps(url);
  const port = url.port || '443';
  if (sans.includes(gateway)) return { server: `https://${gateway}:${port}` };
  const local = new Set(hostAddresses());
  const other = sans.find((ip) => isIPv4(ip) && local.has(ip) && !subnetContains(subnet, ip));
  if (other)
    return {
      server: `https://${other}:${port}`,
      note: `the server's certificate does not name ${gateway}; machines reach it at ${other} (restart berth server to add ${gateway})`,
    };
  throw new Error(
    `${server} is loopback and its certificate names no address of this host that machines can reach: restart berth server after the bridge exists (it then certifies ${gateway})`,
  );
}

interface KubeconfigDoc {
  clusters?: Array<{ name?: string; cluster?: { server?: string } }>;
}

/** The server of a kubeconfig's first cluster. */
export function kubeconfigServer(path: string): string {
  const doc = parse(readFileSync(path, 'utf8')) as KubeconfigDoc;
  const server = doc.clusters?.[0]?.cluster?.server;
  if (!server) throw new Error(`${path} names no cluster server`);
  return server;
}

/** Writes a copy of the kubeconfig at `from` with every cluster's server set to `server`. */
export function writeKubeconfigFor(from: string, to: string, server: string): void {
  const doc = parse(readFileSync(from, 'utf8')) as KubeconfigDoc;
  for (const c of doc.clusters ?? []) if (c.cluster) c.cluster.server = server;
  writeFileSync(to, stringify(doc), { mode: 0o600 });
}
