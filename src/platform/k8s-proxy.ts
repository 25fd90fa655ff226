/**
 * `/api/clusters/NAME/k8s/PATH` → `SERVER/PATH` of the named cluster, with the credentials the
 * console holds for it. Bodies stream both ways unbuffered, so watches (chunked, long-lived) pass
 * through event by event; a browser that goes away closes the upstream request with it. Only the
 * Kubernetes API paths are reachable, and the browser's own cookies and credentials never travel on.
 */
import { request } from 'node:https';
import type { ClusterRegistry } from './cluster-registry.ts';
import { sendStatus, setHeader, type ConsoleRequest, type ConsoleResponse } from './http-types.ts';

/** The proxy's path prefix before the cluster name. */
export const clusterPathPrefix = '/api/clusters/';

/** Request headers passed to the API server; everything else (Cookie, Authorization, ...) stays behind. */
const forwardRequestHeaders = ['accept', 'content-type', 'content-length', 'accept-encoding'];

/** Response headers passed back; hop-by-hop and cookie headers are not. */
const forwardResponseHeaders = ['content-type', 'content-encoding', 'content-length', 'warning', 'audit-id'];

/** Splits `/api/clusters/NAME/k8s/REST?Q` into its cluster and upstream path, or undefined. */
export function parseProxyPath(url: string): { cluster: string; path: string } | undefined {
  if (!url.startsWith(clusterPathPrefix)) return undefined;
  const rest = url.slice(clusterPathPrefix.length);
  const m = /^([a-z0-9-]+)\/k8s(\/.*)$/.exec(rest);
  if (!m) return undefined;
  const path = m[2];
  const pathname = path.split('?')[0];
  // Only the API itself; no `..` or encoded slashes that could walk elsewhere on the server.
  if (!/^\/(api|apis)(\/|$)|^\/version$/.test(pathname)) return undefined;
  // WHATWG URLs treat %2e as a dot, so encoded dot segments would be resolved too.
  if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(pathname)) return undefined;
  return { cluster: m[1], path };
}

/** Forwards `req` to the cluster's API server and streams the answer back. */
export function proxyToCluster(
  clusters: ClusterRegistry,
  req: ConsoleRequest,
  res: ConsoleResponse,
  target: { cluster: string; path: string },
): void {
  const entry = clusters.get(target.cluster);
  if (!entry) {
    sendStatus(res, 404, 'NotFound', `cluster "${target.cluster}" not found`);
    return;
  }
  const { connection, agent } = entry;
  const url = new URL(connection.server + target.path);
  const headers: Record<string, string> = { 'user-agent': 'berth-console/0.1' };
  for (const name of forwardRequestHeaders) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  if (connection.token) headers.authorization = `Bearer ${connection.token}`;
  const upstream = request(url, { method: req.method, headers, agent }, (up) => {
    res.statusCode = up.statusCode ?? 502;
    for (const name of forwardResponseHeaders) {
      const v = up.headers[name];
      if (typeof v === 'string') setHeader(res, name, v);
    }
    setHeader(res, 'cache-control', 'no-store');
    // Send the headers now: a watch may stay silent for a long time before its first event.
    const r = res as { flushHeaders?: () => void; writeHead?: (code: number) => void };
    if (typeof r.flushHeaders === 'function') r.flushHeaders();
    up.on('end', () => (finished = true));
    up.on('error', () => res.destroy());
    up.pipe(res as NodeJS.WritableStream);
  });
  let finished = false;
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendStatus(
      res,
      502,
      'ServiceUnavailable',
      `cluster "${target.cluster}" is unreachable: ${(err as Error).message}`,
    );
  });
  // A closed browser tab ends the watch upstream too, instead of leaking one stream per reload.
  res.on('close', () => {
    if (!finished) upstream.destroy();
  });
  (req as NodeJS.ReadableStream).pipe(upstream);
}
