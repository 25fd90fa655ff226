/**
 * The ingress controller `berth up` runs for its local cluster: the same controller as `berth
 * ingress` (controller.ts), inside the platform process, with nginx's files under DATA_DIR/ingress.
 * It listens on 127.0.0.1:8080 (HTTP) and 127.0.0.1:8443 (HTTPS) unless told otherwise: unprivileged
 * ports that a desktop rarely uses, on loopback because a local cluster is for this machine; the
 * listen address is also what served Ingresses get in status.loadBalancer (unless it is a wildcard).
 * Like the agent and the registry, it is skipped with a one-line reason, not a failed start, when
 * nginx is missing or one of its addresses is taken.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import type { ClientLogger } from '../client/logger.ts';
import { IngressController } from './controller.ts';
import { findNginx } from './nginx.ts';
import { isAddress, parseListen } from './nginx-syntax.ts';

/** The `--ingress-http-listen` and `--ingress-https-listen` defaults. */
export const defaultIngressListen = { http: '127.0.0.1:8080', https: '127.0.0.1:8443' } as const;

/** A running ingress controller. */
export interface UpIngress {
  /** http://HOST:PORT and https://HOST:PORT it serves on (127.0.0.1 for a wildcard address). */
  httpUrl: string;
  httpsUrl: string;
  close(): Promise<void>;
}

/** How `berth up` starts it. */
export interface UpIngressOptions {
  /** Path of the cluster's admin kubeconfig. */
  kubeconfig: string;
  /** `berth up`'s data directory (nginx's files go to DATA_DIR/ingress). */
  dataDir: string;
  httpListen?: string;
  httpsListen?: string;
  nginx?: string;
  logger: ClientLogger;
}

function checked(flag: string, value: string): string {
  try {
    parseListen(value);
  } catch (err) {
    throw new Error(`--${flag}: ${(err as Error).message}`, { cause: err });
  }
  return value;
}

/** `[ip:]port` → a URL a client on this machine can use. */
function urlOf(scheme: string, listen: string): string {
  const m = /^(?:(.*):)?(\d+)$/.exec(listen);
  let host = m?.[1] ?? '';
  if (host === '' || host === '0.0.0.0' || host === '*') host = '127.0.0.1';
  if (host === '[::]') host = '[::1]';
  return `${scheme}://${host}:${m?.[2] ?? listen}`;
}

/**
 * Starts the controller and waits until nginx serves; returns the reason instead when it cannot
 * (nginx missing, an address in use). Bad listen addresses throw, naming the flag.
 */
export async function startUpIngress(
  o: UpIngressOptions,
): Promise<{ ingress: UpIngress } | { reason: string }> {
  const httpListen = checked('ingress-http-listen', o.httpListen ?? defaultIngressListen.http);
  const httpsListen = checked('ingress-https-listen', o.httpsListen ?? defaultIngressListen.https);
  const nginx = o.nginx ?? findNginx();
  if (nginx.startsWith('/') && !existsSync(nginx))
    return { reason: `nginx is not installed (${nginx}; apt-get install nginx)` };
  const host = /^(.*):\d+$/.exec(httpListen)?.[1];
  const transport = httpTransport(await loadKubeconfig(o.kubeconfig), { userAgent: 'berth-up-ingress/0.1' });
  const controller = new IngressController({
    client: new Client(transport),
    dataDir: join(o.dataDir, 'ingress'),
    httpListen,
    httpsListen,
    ...(host && isAddress(host) && host !== '0.0.0.0' ? { publishAddress: host } : {}),
    nginxBinary: nginx,
    logger: o.logger,
  });
  try {
    await controller.start();
  } catch (err) {
    await controller.stop().catch(() => {});
    transport.close();
    const msg = (err as Error).message;
    if (/in use/i.test(msg)) return { reason: `cannot listen on ${httpListen} or ${httpsListen}: in use` };
    if (/ENOENT/.test(msg)) return { reason: `nginx is not installed (${nginx}; apt-get install nginx)` };
    throw err;
  }
  return {
    ingress: {
      httpUrl: urlOf('http', httpListen),
      httpsUrl: urlOf('https', httpsListen),
      async close() {
        await controller.stop();
        transport.close();
      },
    },
  };
}
