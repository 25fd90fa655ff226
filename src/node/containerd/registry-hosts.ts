/**
 * Per-registry settings for containerd (`certs.d/HOST:PORT/hosts.toml`, read at each pull). Needed
 * for a plain-HTTP registry anywhere but 127.0.0.1/localhost — e.g. Berth's own image repository on
 * another machine — and for a private CA.
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
}

/** Writes `<certsDir>/<host>/hosts.toml`; returns its path. */
export function writeRegistryHost(certsDir: string, o: RegistryHostOptions): string {
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(o.host)) throw new Error(`invalid registry host "${o.host}"`);
  const scheme = o.insecureHttp ? 'http' : 'https';
  const server = JSON.stringify(`${scheme}://${o.host}`);
  const lines = [
    `server = ${server}`,
    '',
    `[host.${server}]`,
    '  capabilities = ["pull", "resolve", "push"]',
    ...(o.caFile ? [`  ca = ${JSON.stringify(o.caFile)}`] : []),
    ...(o.skipVerify ? ['  skip_verify = true'] : []),
    '',
  ];
  const dir = join(certsDir, o.host);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'hosts.toml');
  writeFileSync(path, lines.join('\n'));
  return path;
}
