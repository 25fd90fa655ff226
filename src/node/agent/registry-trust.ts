/**
 * Makes the node's containerd trust Berth's image repository and pull from it as this node: under
 * `certs.d/HOST:PORT/` it writes the cluster CA (`ca.crt`, which signs the registry's serving
 * certificate), the node's own client certificate and key (`client.crt`, `client.key`, mode 0600)
 * and a hosts.toml naming them. The registry lets a verified node certificate pull from every
 * namespace (src/registry/access/node-clients.ts), so pods need no imagePullSecrets for it. Written
 * on every agent start, so a renewed node certificate is picked up; containerd reads hosts.toml at
 * each pull. The address comes from `--registry` or, without it, from what `berth up` published,
 * followed while the agent runs (`followRegistry`): a registry restarted on another port is
 * trusted at its new address, and the files for the old one are removed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '../../client/client.ts';
import {
  discoverRegistryAddress,
  watchRegistryAddress,
  type RegistryAddressWatch,
} from '../../registry/discovery.ts';
import { writeRegistryHost } from '../containerd/registry-hosts.ts';

export interface RegistryTrustOptions {
  /** containerd's `config_path` (runtimePaths(dataDir).certsDir). */
  certsDir: string;
  /** The registry as image names spell it: HOST:PORT. */
  address: string;
  /** PEM of the cluster CA. */
  caCert: string;
  /** The node's client certificate and key (PEM), from its kubeconfig. */
  clientCert: string;
  clientKey: string;
}

/** Checks a `--registry` value: HOST:PORT (a DNS name or IPv4 address, and a port). */
export function parseRegistryAddress(v: string): string {
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
    throw new Error(`--registry: expected HOST:PORT (as image names spell it), got ${JSON.stringify(v)}`);
  return v;
}

/** Writes the files; returns the hosts.toml path. */
export function trustRegistry(o: RegistryTrustOptions): string {
  const dir = join(o.certsDir, parseRegistryAddress(o.address));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, 'ca.crt');
  const certFile = join(dir, 'client.crt');
  const keyFile = join(dir, 'client.key');
  writeFileSync(caFile, o.caCert, { mode: 0o644 });
  writeFileSync(certFile, o.clientCert, { mode: 0o644 });
  writeFileSync(keyFile, o.clientKey, { mode: 0o600 });
  return writeRegistryHost(o.certsDir, { host: o.address, caFile, client: { certFile, keyFile } });
}

/**
 * The registry `berth up` published (kube-public/berth-registry, see src/registry/discovery.ts),
 * for an agent started without `--registry`; undefined when none is published, it cannot be read,
 * or it is not a HOST:PORT (each but the first logged: the agent runs on without a registry).
 */
export async function discoverRegistry(
  client: Client,
  log: { warn(obj: object, msg?: string): void },
): Promise<string | undefined> {
  let address: string | undefined;
  try {
    address = await discoverRegistryAddress(client);
  } catch (err) {
    log.warn(
      { err },
      'cannot read kube-public/berth-registry; pulling from the image registry is not set up',
    );
    return undefined;
  }
  if (address === undefined) return undefined;
  try {
    return parseRegistryAddress(address);
  } catch {
    log.warn({ address }, 'kube-public/berth-registry holds no usable HOST:PORT; ignored');
    return undefined;
  }
}

/**
 * Trusts the registry `berth up` published (kube-public/berth-registry) and keeps following it:
 * each new address gets the files `trustRegistry` writes, the previous address's files are removed.
 * Resolves once the first read was answered, so the first pods find the registry trusted; stop()
 * ends the watch. An unusable value is logged and ignored (the last good address stays trusted);
 * a failure is logged and retried while the agent runs on.
 */
export async function followRegistry(
  client: Client,
  log: { warn(obj: object, msg?: string): void; info?(obj: object, msg?: string): void },
  trust: Omit<RegistryTrustOptions, 'address'>,
  opts: { retryMs?: number; pollMs?: number } = {},
): Promise<RegistryAddressWatch> {
  let trusted: string | undefined;
  const onChange = (address: string | undefined): void => {
    let next: string | undefined;
    try {
      next = address === undefined ? undefined : parseRegistryAddress(address);
    } catch {
      log.warn({ address }, 'kube-public/berth-registry holds no usable HOST:PORT; ignored');
      return;
    }
    if (next === trusted) return;
    if (next) trustRegistry({ ...trust, address: next });
    if (trusted) rmSync(join(trust.certsDir, trusted), { recursive: true, force: true });
    log.info?.({ from: trusted, to: next }, 'image registry address changed');
    trusted = next;
  };
  const watch = watchRegistryAddress(client, onChange, { log, ...opts });
  await watch.ready;
  return watch;
}
