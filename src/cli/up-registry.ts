/**
 * The image repository `berth up` runs, inside the platform process: the same component as
 * `berth registry serve` (src/registry), on its own HTTPS port, with a serving certificate from the
 * Berth cluster CA (so whatever trusts the cluster's ca.crt trusts it), data in DATA_DIR/registry,
 * and the console's `admin` password. It asks TLS clients for a certificate and verifies it against
 * the cluster CA only: node agents pull every namespace with their node certificate
 * (src/registry/access/node-clients.ts); everyone else uses the token flow. Its address is
 * published in kube-public/berth-registry, where agents started without --registry find it, and a
 * node certificate pulls only while its Node exists, and only if it was issued to that Node rather than
 * to an earlier Node of the same name (src/registry/node-presence.ts). In process rather than a
 * child because it shares the CA key without copying it anywhere, and stops with the platform.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateAuthority } from '../apiserver/pki/issue.ts';
import { Client } from '../client/client.ts';
import { httpTransport, type HttpTransport } from '../client/http.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { ensureConsoleCert, consoleServingNames } from '../platform/console-tls.ts';
import { ADMIN_USER } from '../registry/access/accounts.ts';
import { registryRoot } from '../registry/cli.ts';
import type { RegistryLogger } from '../registry/context.ts';
import { publishRegistryAddress } from '../registry/discovery.ts';
import { watchNodes, type NodePresence } from '../registry/node-presence.ts';
import { openRegistry, type Registry } from '../registry/server.ts';
import { parseSpaceReserve, type SpaceReserve } from '../registry/storage/free-space.ts';
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
  /**
   * The admin kubeconfig: when given, the address is published in kube-public/berth-registry for
   * agents started without --registry (src/registry/discovery.ts), and node certificates pull
   * only while their Node exists (src/registry/node-presence.ts).
   */
  kubeconfig?: string;
  /** `--registry-storage-reserve` as given (default: storage/free-space.ts defaultSpaceReserve). */
  storageReserve?: string | undefined;
}): Promise<UpRegistry> {
  let host: string;
  let port: number;
  let spaceReserve: SpaceReserve | undefined;
  try {
    ({ host, port } = parseListen(o.listen));
    if (o.storageReserve !== undefined) spaceReserve = parseSpaceReserve(o.storageReserve);
  } catch (err) {
    throw new CliError((err as Error).message.replace('--listen', '--registry-listen'));
  }
  const root = registryRoot(o.dataDir);
  const tls = await ensureConsoleCert(join(root, 'tls'), o.ca, consoleServingNames(host), {
    file: 'registry',
    commonName: 'berth-registry',
  });
  // With the admin kubeconfig the registry is connected to the cluster: a node certificate pulls
  // only while its Node exists (watched), and the address is published for agents.
  const cluster = o.kubeconfig
    ? await connect(o.kubeconfig, o.log, join(root, 'node-incarnations.json'))
    : undefined;
  const disconnect = async (): Promise<void> => {
    await cluster?.nodes.stop();
    cluster?.transport.close();
  };
  let registry: Registry;
  try {
    registry = await openRegistry({
      root,
      log: o.log,
      ...(spaceReserve ? { spaceReserve } : {}),
      auth: { nodeClients: true, ...(cluster ? { nodeExists: cluster.nodes.exists } : {}) },
    });
  } catch (err) {
    await disconnect();
    throw err;
  }
  const close = async (): Promise<void> => {
    await registry.close();
    await disconnect();
  };
  try {
    // One admin for the platform: the registry's takes the console's password (kept in sync on
    // every start), and its own admin-password file says the same.
    registry.context.accounts.setPassword(ADMIN_USER, o.adminPassword, true);
    await writeFile(join(root, 'admin-password'), `${o.adminPassword}\n`, { mode: 0o600 });
    const url = await registry.listen({ host, port, tls: { ...tls, clientCa: o.ca.caCert } });
    const u = new URL(url);
    const wildcard = host === '0.0.0.0' || host === '::' || host === '';
    const address = `${wildcard ? '127.0.0.1' : u.hostname}:${u.port}`;
    if (cluster) await publish(cluster.client, address, o.log);
    return { url, address, close };
  } catch (err) {
    await close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new CliError(
        `cannot listen on ${o.listen} for the image registry: the address is already in use (use --registry-listen or --no-registry)`,
      );
    throw err;
  }
}

/** How long start waits for the first list of Nodes (node pulls are refused until it arrives). */
const NODES_SYNC_WAIT_MS = 10_000;

async function connect(
  kubeconfig: string,
  log: RegistryLogger,
  stateFile: string,
): Promise<{ transport: HttpTransport; client: Client; nodes: NodePresence }> {
  const transport = httpTransport(await loadKubeconfig(kubeconfig));
  const client = new Client(transport);
  const nodes = watchNodes(client, { logger: log, stateFile });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    nodes.synced(),
    new Promise((resolve) => (timer = setTimeout(resolve, NODES_SYNC_WAIT_MS))),
  ]);
  clearTimeout(timer);
  return { transport, client, nodes };
}

/** Publishes the address; a failure is logged, not fatal (agents can still be given --registry). */
async function publish(client: Client, address: string, log: RegistryLogger): Promise<void> {
  try {
    await publishRegistryAddress(client, address);
  } catch (err) {
    log.warn({ err }, 'cannot publish the registry address in kube-public/berth-registry');
  }
}
