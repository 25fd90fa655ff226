/**
 * The worker-thread side of manager-thread.ts: runs the controller manager or the scheduler on a
 * thread of its own, a client of the API over loopback HTTPS like any other. Each identity it acts
 * as (the manager or scheduler user, and every controller's service account) gets a client
 * certificate from the cluster CA, issued once into the PKI directory and reused after. It answers
 * `stop` by stopping its controllers and releasing its Lease, then says `stopped`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ensureComponentCert } from '../apiserver/pki/component-cert.ts';
import { createLogger } from '../cli/log.ts';
import { schedulerController } from '../scheduler/scheduler.ts';
import {
  controllerIdentity,
  controllerManagerUser,
  controllerServiceAccount,
  schedulerUser,
} from './identities.ts';
import type { ManagerThreadData, ManagerThreadMessage } from './manager-thread.ts';
import { defaultControllers, startControllerManager, type ApiConnection } from './start.ts';

const data = workerData as ManagerThreadData;
const log = createLogger(data.logLevel, data.role === 'scheduler' ? 'berth-scheduler' : 'berth-controllers');
const ca = { caCert: data.caCert, caKey: data.caKey };

/** A connection that authenticates as `name` (CN) in `groups` (O) with a certificate kept as `file`. */
async function connectionAs(file: string, name: string, groups: string[]): Promise<ApiConnection> {
  const issued = await ensureComponentCert(data.pkiDir, ca, {
    file,
    commonName: name,
    organizations: groups.filter((g) => g !== 'system:authenticated'),
  });
  return { url: data.url, caCert: data.caCert, cert: issued.cert, key: issued.key };
}

async function start(): Promise<{ stop(): Promise<void>; whenRunning(): Promise<void> }> {
  if (data.role === 'scheduler') {
    return startControllerManager({
      connection: await connectionAs('kube-scheduler-client', schedulerUser, []),
      log,
      controllers: [schedulerController()],
      // The scheduler elects its own leader (kube-system/kube-scheduler), as kube-scheduler does.
      leaseName: 'kube-scheduler',
      userAgent: 'berth-scheduler/0.1',
    });
  }
  const options = {
    ...data.controllers,
    // Legacy service-account token Secrets are signed with the key the API server verifies.
    serviceAccountSigningKey: data.serviceAccountSigningKey,
    // The root CA every namespace's kube-root-ca.crt ConfigMap and legacy token Secret carry.
    caCert: data.caCert,
    // The CSR signer issues node (and user) client certificates from the cluster CA.
    clusterSigning: ca,
  };
  const controllers = defaultControllers(options);
  // Controllers sharing a service account share its certificate; each is issued before starting.
  const byName = new Map<string, ApiConnection>();
  for (const c of controllers) {
    const id = controllerIdentity(c.name);
    const file = `sa-${controllerServiceAccount(c.name)}-client`;
    byName.set(c.name, await connectionAs(file, id.name, id.groups));
  }
  return startControllerManager({
    ...options,
    connection: await connectionAs('kube-controller-manager-client', controllerManagerUser, []),
    connectionFor: (name) => byName.get(name)!,
    log,
    controllers,
  });
}

const post = (m: ManagerThreadMessage): void => parentPort!.postMessage(m);
const running = start();
// Running once this instance leads with synced informers — or after a while regardless, since
// another server may hold the Lease (this one then stands by).
const settled = running.then((m) =>
  Promise.race([
    m.whenRunning(),
    new Promise<void>((r) => setTimeout(r, data.runningWaitMs ?? 10_000).unref()),
  ]),
);
settled.then(
  () => post({ type: 'running' }),
  (err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
);
parentPort!.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  void (async () => {
    try {
      await (await running).stop();
    } catch (err) {
      log.error({ err }, `${data.role}: stop failed`);
    }
    (log as { flush?: () => void }).flush?.();
    post({ type: 'stopped' });
    parentPort!.close();
  })();
});
