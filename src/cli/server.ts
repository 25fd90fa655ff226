/**
 * `berth server`: one cluster's control plane in this process, on a data directory. Prints one line
 * saying where the API listens and where the admin kubeconfig is; stops cleanly on SIGTERM/SIGINT.
 */
import { resolve } from 'node:path';
import { controllerIdentity, controllerManagerUser, schedulerUser } from '../controllers/identities.ts';
import { startManagerThread } from '../controllers/manager-thread.ts';
import { startControllerManager } from '../controllers/start.ts';
import { withAuthenticatedGroup } from '../apiserver/authn/user.ts';
import { schedulerController } from '../scheduler/scheduler.ts';
import { startControlPlane, type ControlPlane } from '../apiserver/start.ts';
import { StoreError } from '../store/types.ts';
import { createLogger } from './log.ts';
import { parseListen } from './listen.ts';
import { parseNodeFlags, type NodeFlags } from './node-flags.ts';
import { CliError } from './cli-error.ts';

export interface ServerFlags extends NodeFlags {
  dataDir: string;
  listen: string;
  datastore: string;
  /** TLS to an `etcds://` datastore: the CA of etcd's certificate and the client pair. */
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  tokenAuthFile?: string;
  serviceCidr: string;
  logLevel?: string;
  /** Run the controller manager and the scheduler on worker threads (see runServer). */
  componentThreads?: boolean;
}

/** Starts the control plane; resolves once it serves. */
export async function runServer(flags: ServerFlags, banner = 'berth server'): Promise<ControlPlane> {
  const log = createLogger(flags.logLevel);
  const { host, port } = parseListen(flags.listen);
  const dataDir = resolve(flags.dataDir);
  let node: ReturnType<typeof parseNodeFlags>;
  try {
    node = parseNodeFlags(flags);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const started = Date.now();
  let cp: ControlPlane;
  try {
    cp = await startControlPlane({
      dataDir,
      host,
      port,
      datastore: flags.datastore,
      etcdTls: { caFile: flags.etcdCafile, certFile: flags.etcdCertfile, keyFile: flags.etcdKeyfile },
      tokenAuthFile: flags.tokenAuthFile,
      serviceCidr: flags.serviceCidr,
      defaultNotReadyTolerationSeconds: node.defaultNotReadyTolerationSeconds,
      defaultUnreachableTolerationSeconds: node.defaultUnreachableTolerationSeconds,
      log,
    });
  } catch (err) {
    throw new CliError(describeStartError(err, dataDir, flags.listen, flags.datastore));
  }
  const [controllers, scheduler] = flags.componentThreads
    ? await componentThreads(cp, node, flags, log)
    : await componentsInProcess(cp, node, log);
  const closeApi = cp.close;
  cp.close = async () => {
    await Promise.all([controllers.stop(), scheduler.stop()]);
    await closeApi();
  };
  process.stdout.write(
    `${banner}: API listening on ${cp.url} (ready in ${Date.now() - started} ms); kubeconfig: ${cp.kubeconfig}\n`,
  );
  return cp;
}

type Component = { stop(): Promise<void> };

/**
 * The controller manager and the scheduler in this thread, as clients of the API over in-process
 * connections (the same request path, without TCP and TLS). None of them is in system:masters: the
 * manager (lease, shared informers), each controller (its own service account in kube-system) and
 * the scheduler hold only their bootstrap ClusterRoles. The default: no extra heap per component.
 */
async function componentsInProcess(
  cp: ControlPlane,
  node: ReturnType<typeof parseNodeFlags>,
  log: ReturnType<typeof createLogger>,
): Promise<[Component, Component]> {
  const inProcess = (user: { name: string; groups: string[] }) => {
    const bound = { ...user, groups: withAuthenticatedGroup(user.groups) };
    return {
      agent: cp.server.inProcess.agent(bound),
      sinks: cp.server.inProcess,
      direct: cp.server.inProcess.requester(bound),
    };
  };
  const controllers = await startControllerManager({
    connection: inProcess({ name: controllerManagerUser, groups: [] }),
    connectionFor: (name) => inProcess(controllerIdentity(name)),
    log,
    ...node.controllers,
    // Legacy service-account token Secrets are signed with the key this server verifies.
    serviceAccountSigningKey: cp.pki.saPrivateKey,
    // The root CA every namespace's kube-root-ca.crt ConfigMap and legacy token Secret carry.
    caCert: cp.pki.caCert,
    // The CSR signer issues node (and user) client certificates from the cluster CA.
    clusterSigning: { caCert: cp.pki.caCert, caKey: cp.pki.caKey },
  });
  // The scheduler elects its own leader (kube-system/kube-scheduler), as kube-scheduler does.
  const scheduler = await startControllerManager({
    connection: inProcess({ name: schedulerUser, groups: [] }),
    log,
    controllers: [schedulerController()],
    leaseName: 'kube-scheduler',
    userAgent: 'berth-scheduler/0.1',
  });
  return [controllers, scheduler];
}

/**
 * `--component-threads`: the controller manager and the scheduler on worker threads of this
 * process, so their CPU stays off the API server's event loop (the second core of a busy control
 * plane). Each is a client of the API over loopback HTTPS with certificates of its own, as separate
 * kube-controller-manager and kube-scheduler processes are, with the same bootstrap roles. Costs
 * ~100 MB of memory (two more V8 heaps with their own informer caches).
 */
async function componentThreads(
  cp: ControlPlane,
  node: ReturnType<typeof parseNodeFlags>,
  flags: ServerFlags,
  log: ReturnType<typeof createLogger>,
): Promise<[Component, Component]> {
  const thread = (role: 'controller-manager' | 'scheduler') =>
    startManagerThread(
      {
        role,
        url: cp.localUrl,
        caCert: cp.pki.caCert,
        caKey: cp.pki.caKey,
        pkiDir: cp.pki.dir,
        serviceAccountSigningKey: cp.pki.saPrivateKey,
        controllers: node.controllers,
        logLevel: flags.logLevel,
      },
      { log },
    );
  return Promise.all([thread('controller-manager'), thread('scheduler')]);
}

/** One-line explanations for the start failures users meet. */
function describeStartError(err: unknown, dataDir: string, listen: string, datastore: string): string {
  if (err instanceof StoreError && err.code === 'Unavailable')
    return `cannot open ${/^etcds?:/.test(datastore) ? 'the etcd datastore' : dataDir}: ${err.message}`;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') return `cannot listen on ${listen}: the address is already in use`;
  if (e.code === 'EACCES') return `cannot listen on ${listen} or write ${dataDir}: permission denied`;
  return e.message ?? String(err);
}

export { CliError, stopOnSignals } from './cli-error.ts';
