/**
 * The console's request handler: login/logout/session, the cluster list, the per-cluster API proxy
 * and the built pages. Every /api/ route but login needs a session cookie. Every request that can
 * change something (anything but GET/HEAD) must carry `X-Berth-Console: 1` and, when the browser
 * sends an Origin, come from this same origin: another site can neither set that header without a
 * CORS preflight (which this server never grants) nor hide its origin, so forged form posts and
 * cross-site fetches fail before they touch a cluster.
 */
import { checkCredentials } from './admin-password.ts';
import type { ClusterRegistry } from './cluster-registry.ts';
import { clearedSessionCookie, parseCookies, sessionCookie, sessionCookieName } from './cookies.ts';
import {
  clientAddress,
  readBody,
  requestHost,
  securityHeaders,
  sendJson,
  sendStatus,
  setHeader,
  type ConsoleRequest,
  type ConsoleResponse,
} from './http-types.ts';
import { parseProxyPath, proxyToCluster } from './k8s-proxy.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { registryPathPrefix, type RegistryLink } from './registry-link.ts';
import type { SessionStore } from './sessions.ts';
import type { StaticFiles } from './static-files.ts';

/** The header the console's own scripts add to every mutating request. */
export const csrfHeader = 'x-berth-console';

export interface ConsoleHandlerDeps {
  adminPassword: string;
  clusters: ClusterRegistry;
  sessions: SessionStore;
  limiter: LoginLimiter;
  files: StaticFiles;
  /** The image registry `berth up` runs next to the console; none when absent. */
  registry?: RegistryLink;
  log: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

const safeMethods = new Set(['GET', 'HEAD']);

/** Builds the handler for both HTTP/1.1 and HTTP/2 requests. */
export function createConsoleHandler(
  deps: ConsoleHandlerDeps,
): (req: ConsoleRequest, res: ConsoleResponse) => void {
  return (req, res) => {
    for (const [k, v] of Object.entries(securityHeaders)) setHeader(res, k, v);
    handle(deps, req, res).catch((err: unknown) => {
      deps.log.warn({ err: (err as Error).message, url: req.url }, 'console request failed');
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', (err as Error).message);
      else res.destroy();
    });
  };
}

async function handle(deps: ConsoleHandlerDeps, req: ConsoleRequest, res: ConsoleResponse): Promise<void> {
  const url = req.url ?? '/';
  const pathname = url.split('?')[0];
  if (!pathname.startsWith('/api/')) {
    if (!deps.files.serve(req, res, pathname)) sendStatus(res, 405, 'MethodNotAllowed', 'method not allowed');
    return;
  }
  const method = req.method ?? 'GET';
  if (!safeMethods.has(method)) {
    const refusal = csrfRefusal(req);
    if (refusal) {
      sendStatus(res, 403, 'Forbidden', refusal);
      return;
    }
  }
  if (pathname === '/api/login') {
    if (method !== 'POST') return sendStatus(res, 405, 'MethodNotAllowed', 'use POST');
    return login(deps, req, res);
  }
  const token = parseCookies(req.headers.cookie).get(sessionCookieName);
  if (pathname === '/api/logout') {
    if (method !== 'POST') return sendStatus(res, 405, 'MethodNotAllowed', 'use POST');
    deps.sessions.delete(token);
    setHeader(res, 'set-cookie', clearedSessionCookie());
    return sendJson(res, 200, {});
  }
  const session = deps.sessions.get(token);
  // "Who am I" answers 200 either way, so a logged-out page load logs no failed request.
  if (pathname === '/api/session') return sendJson(res, 200, { user: session?.user ?? null });
  if (!session) return sendStatus(res, 401, 'Unauthorized', 'not logged in');
  if (pathname === '/api/clusters') return sendJson(res, 200, { items: deps.clusters.list() });
  if (pathname === registryPathPrefix || pathname.startsWith(`${registryPathPrefix}/`)) {
    if (deps.registry) return deps.registry.handle(req, res, url);
    return sendJson(res, 200, { enabled: false, reason: 'no image registry runs with this console' });
  }
  const target = parseProxyPath(url);
  if (target) return proxyToCluster(deps.clusters, req, res, target);
  sendStatus(res, 404, 'NotFound', `no console API at ${pathname}`);
}

/** Why a mutating request is refused as cross-site, or undefined when it may go on. */
function csrfRefusal(req: ConsoleRequest): string | undefined {
  if (req.headers[csrfHeader] !== '1') return `missing ${csrfHeader} header`;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return 'malformed Origin header';
    }
    if (host !== requestHost(req)) return `cross-origin request from ${origin} refused`;
  }
  return undefined;
}

async function login(deps: ConsoleHandlerDeps, req: ConsoleRequest, res: ConsoleResponse): Promise<void> {
  const client = clientAddress(req);
  const wait = deps.limiter.retryAfterMs(client);
  if (wait > 0) {
    setHeader(res, 'retry-after', String(Math.ceil(wait / 1000)));
    return sendStatus(res, 429, 'TooManyRequests', 'too many failed logins; try again later');
  }
  let creds: unknown;
  try {
    creds = JSON.parse(await readBody(req, 4096));
  } catch {
    return sendStatus(res, 400, 'BadRequest', 'expected a JSON body {"username": ..., "password": ...}');
  }
  const { username, password } = (creds ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || typeof password !== 'string') {
    return sendStatus(res, 400, 'BadRequest', 'expected a JSON body {"username": ..., "password": ...}');
  }
  if (!checkCredentials(deps.adminPassword, username, password)) {
    deps.limiter.fail(client);
    deps.log.warn({ client, username }, 'console login refused');
    return sendStatus(res, 401, 'Unauthorized', 'invalid user name or password');
  }
  deps.limiter.succeed(client);
  const token = deps.sessions.create(username);
  setHeader(res, 'set-cookie', sessionCookie(token, deps.sessions.maxAgeMs / 1000));
  deps.log.info({ client, username }, 'console login');
  sendJson(res, 200, { user: username });
}
