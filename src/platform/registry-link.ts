/**
 * The console's way to the image registry `berth up` runs: `/api/registry` says whether there is
 * one (its address for push commands, or why not), and `/api/registry/api/v1/PATH` reaches the
 * registry's management API (namespaces, repositories, tags) while `DELETE
 * /api/registry/v2/NAME/manifests/DIGEST` deletes a manifest. The console presents the platform
 * admin's Basic credentials itself; the browser never sees them. Registry errors
 * (`{"errors":[{code,message}]}`) come back as Kubernetes Status objects with the registry's
 * message, the one error shape the pages read.
 */
import { Agent, request } from 'node:https';
import { readBody, sendJson, sendStatus, type ConsoleRequest, type ConsoleResponse } from './http-types.ts';

/** The path prefix of everything registry-related on the console server. */
export const registryPathPrefix = '/api/registry';

/** How to reach a running registry as its administrator. */
export interface RegistryTarget {
  /** https://HOST:PORT of the registry. */
  url: string;
  /** HOST:PORT as image names spell it. */
  address: string;
  /** PEM of the CA that signs the registry's serving certificate. */
  caCert: string;
  username: string;
  password: string;
}

/** What the browser may know: whether a registry runs, where (for push commands), or why not. */
export type RegistryInfo =
  { enabled: true; address: string; url: string; username: string } | { enabled: false; reason: string };

/** The registry the console talks to; empty until `attach` (the registry starts after the console). */
export class RegistryLink {
  private target: RegistryTarget | undefined;
  private agent: Agent | undefined;
  private reason: string;

  constructor(reason = 'no image registry runs with this console (it comes with `berth up`)') {
    this.reason = reason;
  }

  /** Points the console at a running registry. */
  attach(target: RegistryTarget): void {
    this.agent?.destroy();
    this.target = target;
    this.agent = new Agent({ keepAlive: true, maxSockets: 16, ca: target.caCert });
  }

  /** Records that no registry runs, and why (shown on the page). */
  off(reason: string): void {
    this.agent?.destroy();
    this.target = undefined;
    this.agent = undefined;
    this.reason = reason;
  }

  info(): RegistryInfo {
    const t = this.target;
    return t
      ? { enabled: true, address: t.address, url: t.url, username: t.username }
      : { enabled: false, reason: this.reason };
  }

  close(): void {
    this.agent?.destroy();
  }

  /** Answers a request under `/api/registry` (the session is already checked). */
  async handle(req: ConsoleRequest, res: ConsoleResponse, url: string): Promise<void> {
    const rest = url.slice(registryPathPrefix.length);
    if (rest === '' || rest === '/') return sendJson(res, 200, this.info());
    const upstreamPath = allowedPath(req.method ?? 'GET', rest);
    if (!upstreamPath) return sendStatus(res, 404, 'NotFound', `no registry API at ${url.split('?')[0]}`);
    const t = this.target;
    if (!t || !this.agent) return sendStatus(res, 503, 'ServiceUnavailable', this.reason);
    const body = req.method === 'POST' || req.method === 'PATCH' ? await readBody(req) : undefined;
    const answer = await send(this.agent, t, req.method ?? 'GET', upstreamPath, body).catch(
      (err: unknown) => err as Error,
    );
    if (answer instanceof Error)
      return sendStatus(res, 502, 'ServiceUnavailable', `the registry is unreachable: ${answer.message}`);
    if (answer.status >= 400) {
      // A 401 would read as "session over" in the browser: the console's own credentials failed.
      const status = answer.status === 401 ? 502 : answer.status;
      const message = registryMessage(answer.body, answer.status);
      return sendStatus(res, status, reasonFor(status), message);
    }
    sendJson(res, answer.status, answer.body === '' ? {} : (JSON.parse(answer.body) as unknown));
  }
}

/** The registry path for a console path, or undefined when the console does not pass it on. */
export function allowedPath(method: string, rest: string): string | undefined {
  const pathname = rest.split('?')[0];
  if (/(^|\/)\.\.?(\/|$)|%2f|%5c|\\/i.test(pathname.replace(/%2e/gi, '.'))) return undefined;
  if (/^\/api\/v1\/(namespaces|repositories)(\/|$|\?)/.test(rest)) return rest;
  if (method === 'DELETE' && /^\/v2\/[a-z0-9._\-/]+\/manifests\/sha256:[a-f0-9]{64}$/.test(rest)) return rest;
  return undefined;
}

function send(
  agent: Agent,
  t: RegistryTarget,
  method: string,
  path: string,
  body: string | undefined,
): Promise<{ status: number; body: string }> {
  const auth = Buffer.from(`${t.username}:${t.password}`).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, t.url),
      {
        method,
        agent,
        headers: {
          authorization: `Basic ${auth}`,
          accept: 'application/json',
          'user-agent': 'berth-console/0.1',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        timeout: 30_000,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () =>
          resolve({ status: up.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') }),
        );
        up.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function reasonFor(status: number): string {
  if (status === 403) return 'Forbidden';
  if (status === 404) return 'NotFound';
  if (status === 409) return 'Conflict';
  if (status < 500) return 'BadRequest';
  return 'InternalError';
}

/** `CODE: message` of a registry error body, or the status when the body is not one. */
export function registryMessage(body: string, status: number): string {
  try {
    const e = (JSON.parse(body) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
    if (e?.message) return e.message;
    if (e?.code) return e.code;
  } catch {
    // not a registry error body
  }
  return `the registry answered HTTP ${status}`;
}
