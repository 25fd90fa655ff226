/**
 * The image repository `berth up` runs, inside the platform process: the same component as
 * `berth registry serve` (src/registry), on its own HTTPS port, with a serving certificate from the
 * Berth cluster CA (so whatever trusts the cluster's ca.crt trusts it), data in DATA_DIR/registry,
 * and the console's `admin` password. It asks TLS clients for a certificate and verifies it against
 * the cluster CA only: node agents pull every namespace with their node certificate
 * (src/registry/access/node-clients.ts); everyone else uses the token flow. In process rather than a
 * child because it shares the CA key without copying it anywhere, and stops with the platform.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateAuthority } from '../apiserver/pki/issue.ts';
import { ensureConsoleCert, consoleServingNames } from '../platform/console-tls.ts';
import { ADMIN_USER } from '../registry/access/accounts.ts';
import { registryRoot } from '../registry/cli.ts';
import type { RegistryLogger } from '../registry/context.ts';
import { openRegistry } from '../registry/server.ts';
import { parseListen } from './listen.ts';
import { CliError } from './cli-error.ts';

/** A running image repository. */
export interface UpRegistry {
  /** https://HOST:PORT it listens on. */
  url: string;
  /** HOST:PORT as image names spell it (127.0.0.1 when it listens on every address). */
  address: string;
  close(): Promise<void>;
}

/** The `--registry-listen` default. */
export const defaultRegistryListen = '127.0.0.1:5000';

/** Starts the registry; a one-line CliError when the flag or the address is unusable. */
export async function startUpRegistry(o: {
  dataDir: string;
  listen: string;
  ca: CertificateAuthority;
  adminPassword: string;
  log: RegistryLogger;
}): Promise<UpRegistry> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseListen(o.listen));
  } catch (err) {
    throw new CliError((err as Error).message.replace('--listen', '--registry-listen'));
  }
  const root = registryRoot(o.dataDir);
  const tls = await ensureConsoleCert(join(root, 'tls'), o.ca, consoleServingNames(host), {
    file: 'registry',
    commonName: 'berth-registry',
  });
  const registry = await openRegistry({ root, log: o.log, auth: { nodeClients: true } });
  try {
    // One admin for the platform: the registry's takes the console's password (kept in sync on
    // every start), and its own admin-password file says the same.
    registry.context.accounts.setPassword(ADMIN_USER, o.adminPassword, true);
    await writeFile(join(root, 'admin-password'), `${o.adminPassword}\n`, { mode: 0o600 });
    const url = await registry.listen({ host, port, tls: { ...tls, clientCa: o.ca.caCert } });
    const u = new URL(url);
    const wildcard = host === '0.0.0.0' || host === '::' || host === '';
    return {
      url,
      address: `${wildcard ? '127.0.0.1' : u.hostname}:${u.port}`,
      close: () => registry.close(),
    };
  } catch (err) {
    await registry.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new CliError(
        `cannot listen on ${o.listen} for the image registry: the address is already in use (use --registry-listen or --no-registry)`,
      );
    throw err;
  }
}
