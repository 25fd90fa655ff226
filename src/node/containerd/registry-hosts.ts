/**
 * Per-registry settings for containerd (`certs.d/HOST:PORT/hosts.toml`, read at each pull). Needed
 * for a plain-HTTP registry anywhere but 127.0.0.1/localhost — e.g. Berth's own image repository on
 * another machine — for a private CA, and for a client certificate (how nodes pull from Berth's own
 * image repository, see src/node/agent/registry-trust.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegistryHostOptions {
  /** `host:port` as written in image names (e.g. 172.30.0.1:5000). */
  host: string;
  /** Speak plain HTTP to it. */
  insecureHttp?: boolean;
  /** PEM file of a CA that signs the registry's certificate. */
  caFile?: string;
  /** Skip certificate verification (tests only). */
  skipVerify?: boolean;
  /** PEM files of a client certificate and its key that containerd presents to the registry. */
  client?: { certFile: string; keyFile: string };
}

/** Writes `<certsDir>/<host>/hosts.toml`; returns its path. */
export function writeRegistryHost(certsDir: string, o: RegistryHostOptions): string {
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(o.host)) throw new Error(`invalid registry host "${o.host}"`);
  const scheme = o.insecureHttp ? 'http' : 'https';
  const server = JSON.stringify(`${scheme}://${o.host}`);
  const tls = [
    ...(o.caFile ? [`ca = ${JSON.stringify(o.caFile)}`] : []),
    ...(o.skipVerify ? ['skip_verify = true'] : []),
    ...(o.client
      ? [`client = [[${JSON.stringify(o.client.certFile)}, ${JSON.stringify(o.client.keyFile)}]]`]
      : []),
  ];
  // The TLS settings go both on the [host] entry and at the top, for `server`: containerd tries the
  // hosts first and `server` last, so after a 404 (a missing tag) it asks `server` again, and
  // without them there that second request fails with "certificate signed by unknown authority"
  // instead of saying "not found".
  const lines = [
    `server = ${server}`,
    ...tls,
    '',
    `[host.${server}]`,
    '  capabilities = ["pull", "resolve", "push"]',
    ...tls.map((l) => `  ${l}`),
    '',
  ];
  const dir = join(certsDir, o.host);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'hosts.toml');
  writeFileSync(path, lines.join('\n'));
  return path;
}
