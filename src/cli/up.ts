/**
 * `berth up`: everything Berth has, on this machine, with defaults — the control plane of a local
 * cluster on the embedded datastore, the web console, and a node agent for this host (real
 * containers; skipped with a one-line reason without root or containerd). Prints what to do next.
 */
import { join } from 'node:path';
import { consoleBanner, startConsole } from '../platform/start-console.ts';
import { parseListen } from './listen.ts';
import { createLogger } from './log.ts';
import { CliError, runServer, stopOnSignals } from './server.ts';
import { startUpAgent } from './up-agent.ts';
import { upDataDir } from './up-data-dir.ts';
import { startUpIngress } from '../ingress/up.ts';
import { defaultRegistryListen, startUpRegistry, type UpRegistry } from './up-registry.ts';

export interface UpFlags {
  dataDir?: string;
  listen: string;
  /** HOST:PORT of the web console (HTTPS). */
  consoleListen?: string;
  /** Run a node agent for this host (default true; `--no-agent` turns it off). */
  agent?: boolean;
  /** HOST:PORT of the image registry (HTTPS). */
  registryListen?: string;
  /** Run the image registry (default true; `--no-registry` turns it off). */
  registry?: boolean;
  /** Free space the registry leaves on its volume (`--registry-storage-reserve`, e.g. 1Gi,5%). */
  registryStorageReserve?: string;
  /** Run the ingress controller (default true; `--no-ingress` turns it off); its [ip:]port addresses. */
  ingress?: boolean;
  ingressHttpListen?: string;
  ingressHttpsListen?: string;
  logLevel?: string;
}

export async function runUp(flags: UpFlags): Promise<void> {
  const dataDir = upDataDir(flags.dataDir);
  const cp = await runServer(
    {
      dataDir: join(dataDir, 'server'),
      listen: flags.listen,
      datastore: 'sqlite',
      serviceCidr: '10.96.0.0/12',
      logLevel: flags.logLevel,
    },
    'berth up',
  );
  // The console: admin password in DATA_DIR/admin-password, certificate from the cluster CA.
  const consoleListen = flags.consoleListen ?? '127.0.0.1:9443';
  let consoleAddr: { host: string; port: number };
  try {
    consoleAddr = parseListen(consoleListen);
  } catch (err) {
    await cp.close();
    throw new CliError((err as Error).message.replace('--listen', '--console-listen'));
  }
  const web = await startConsole({
    dataDir,
    ...consoleAddr,
    ca: { caCert: cp.pki.caCert, caKey: cp.pki.caKey },
    kubeconfig: cp.kubeconfig,
    log: createLogger(flags.logLevel, 'berth-console'),
  }).catch(async (err: NodeJS.ErrnoException) => {
    await cp.close();
    if (err.code === 'EADDRINUSE') {
      throw new CliError(`cannot listen on ${consoleListen}: the address is already in use`);
    }
    throw err;
  });
  // The image registry, in this process (see up-registry.ts).
  let registry: UpRegistry | undefined;
  // Like the agent, the registry is skipped with a one-line reason when its address is taken.
  let noRegistry = 'turned off with --no-registry';
  if (flags.registry !== false) {
    registry = await startUpRegistry({
      dataDir,
      listen: flags.registryListen ?? defaultRegistryListen,
      storageReserve: flags.registryStorageReserve,
      ca: { caCert: cp.pki.caCert, caKey: cp.pki.caKey },
      adminPassword: web.admin.password,
      log: createLogger(flags.logLevel, 'berth-registry'),
      kubeconfig: cp.kubeconfig,
    }).catch(async (err: unknown) => {
      if (err instanceof CliError && /already in use/.test(err.message)) {
        noRegistry = err.message;
        return undefined;
      }
      await web.close();
      await cp.close();
      throw err;
    });
  }
  // The console's image repository pages reach it as the platform admin (see registry-link.ts).
  if (registry)
    web.registry.attach({
      url: `https://${registry.address}`,
      address: registry.address,
      caCert: cp.pki.caCert,
      username: 'admin',
      password: web.admin.password,
    });
  else web.registry.off(`berth up runs without an image registry: ${noRegistry}`);
  // The ingress controller (nginx) for the cluster's Ingresses, in this process (src/ingress/up.ts).
  const ingress =
    flags.ingress === false
      ? { reason: 'turned off with --no-ingress' }
      : await startUpIngress({
          kubeconfig: cp.kubeconfig,
          dataDir,
          httpListen: flags.ingressHttpListen,
          httpsListen: flags.ingressHttpsListen,
          logger: createLogger(flags.logLevel, 'berth-ingress'),
        }).catch(async (err: Error) => {
          await registry?.close();
          await web.close();
          await cp.close();
          throw new CliError(err.message);
        });
  // The node agent for this host, as a child process (it joins with the admin kubeconfig and then
  // runs as its own node identity).
  const started =
    flags.agent === false
      ? { reason: 'turned off with --no-agent' }
      : startUpAgent({
          kubeconfig: cp.kubeconfig,
          dataDir,
          logLevel: flags.logLevel,
          ...(registry ? { registry: registry.address } : {}),
        });
  const closeServer = cp.close;
  cp.close = async () => {
    if ('agent' in started) await started.agent.stop();
    if ('ingress' in ingress) await ingress.ingress.close();
    await registry?.close();
    await web.close();
    await closeServer();
  };
  process.stdout.write(
    [
      '',
      ...consoleBanner(web),
      registry
        ? `Image registry: ${registry.url}  (user admin, same password; images as ${registry.address}/NAMESPACE/NAME:TAG)`
        : `No image registry: ${noRegistry}.`,
      'ingress' in ingress
        ? `Ingress (class berth): ${ingress.ingress.httpUrl} and ${ingress.ingress.httpsUrl}`
        : `No ingress controller: ${ingress.reason}.`,
      '',
      'agent' in started
        ? 'A node agent runs this machine as a node (real containers, containerd).'
        : `No node agent: ${started.reason}. Try simulated nodes: berth sim --kubeconfig ${cp.kubeconfig} --nodes 3`,
      '',
      'Berth is up. Next:',
      `  export KUBECONFIG=${cp.kubeconfig}`,
      '  kubectl get nodes',
      '',
      'Stop with Ctrl-C; run `berth up` again to carry on with the same data.',
      '',
    ].join('\n'),
  );
  stopOnSignals(() => cp.close());
}
