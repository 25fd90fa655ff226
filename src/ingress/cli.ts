/**
 * `berth ingress`: runs the ingress controller against a cluster (by kubeconfig) with nginx as the
 * data plane, until SIGINT/SIGTERM. Flags are checked before anything starts.
 */
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { IngressController } from './controller.ts';
import { isAddress, isHost, isPort, parseListen } from './nginx-syntax.ts';

export interface IngressFlags {
  kubeconfig: string;
  dataDir: string;
  httpListen?: string;
  httpsListen?: string;
  httpPort?: string;
  httpsPort?: string;
  publishAddress?: string;
  nginx?: string;
  nginxUser?: string;
  workerProcesses?: string;
  accessLog?: boolean;
  ingressClass?: string;
  logLevel?: string;
}

/** `--http-port N` replaces the port of `--http-listen` (and likewise for https). */
function listen(flag: string, listenValue: string, port: string | undefined): string {
  parseListen(listenValue);
  if (port === undefined) return listenValue;
  if (!isPort(Number(port)) || !/^\d+$/.test(port))
    throw new Error(`--${flag}-port: invalid port ${JSON.stringify(port)}`);
  const host = /^(.*):\d+$/.exec(listenValue)?.[1];
  return host ? `${host}:${port}` : port;
}

/** The controller options the flags describe (throws with the flag's name on bad input). */
export function controllerOptionsFromFlags(f: IngressFlags): {
  httpListen: string;
  httpsListen: string;
  publishAddress?: string;
  workerProcesses?: number | 'auto';
} {
  const httpListen = listen('http', f.httpListen ?? '0.0.0.0:80', f.httpPort);
  const httpsListen = listen('https', f.httpsListen ?? '0.0.0.0:443', f.httpsPort);
  if (f.publishAddress !== undefined && !isAddress(f.publishAddress) && !isHost(f.publishAddress))
    throw new Error(
      `--publish-address: want an IP address or host name, got ${JSON.stringify(f.publishAddress)}`,
    );
  let workerProcesses: number | 'auto' | undefined;
  if (f.workerProcesses !== undefined) {
    if (f.workerProcesses === 'auto') workerProcesses = 'auto';
    else if (/^\d{1,3}$/.test(f.workerProcesses) && Number(f.workerProcesses) > 0)
      workerProcesses = Number(f.workerProcesses);
    else
      throw new Error(
        `--worker-processes: want a number or "auto", got ${JSON.stringify(f.workerProcesses)}`,
      );
  }
  return { httpListen, httpsListen, publishAddress: f.publishAddress, workerProcesses };
}

/** Starts the controller; resolves once nginx serves the first configuration. */
export async function runIngress(
  f: IngressFlags,
  logger: import('../client/logger.ts').ClientLogger,
): Promise<{ close(): Promise<void> }> {
  const opts = controllerOptionsFromFlags(f);
  const transport = httpTransport(await loadKubeconfig(f.kubeconfig), { userAgent: 'berth-ingress/0.1' });
  const controller = new IngressController({
    client: new Client(transport),
    dataDir: f.dataDir,
    ...opts,
    nginxBinary: f.nginx,
    nginxUser: f.nginxUser,
    accessLog: f.accessLog,
    className: f.ingressClass,
    logger,
  });
  await controller.start();
  logger.info(
    { http: opts.httpListen, https: opts.httpsListen, pid: controller.nginx.pid },
    'ingress controller serving',
  );
  // The watches reconnect now and then with nothing pending: hold the process open until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  return {
    async close() {
      clearInterval(keepAlive);
      await controller.stop();
      transport.close();
    },
  };
}
