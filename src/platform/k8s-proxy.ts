/**
 * `/api/clusters/NAME/k8s/PATH` → `SERVER/PATH` of the named cluster, with the credentials the
 * console holds for it. Bodies stream both ways unbuffered, so watches (chunked, long-lived) pass
 * through event by event; a browser that goes away closes the upstream request with it. A write
 * (create, update, patch) carrying a request key is the exception: read whole, run to its end, and
 * its answer replayed to a resend (replay-cache.ts). Only the Kubernetes API paths are reachable, and the browser's own cookies
 * and credentials never travel on.
 */
import { request } from 'node:https';
import type { ClusterRegistry } from './cluster-registry.ts';
import { sendStatus, setHeader, type ConsoleRequest, type ConsoleResponse } from './http-types.ts';
import { ReplayCache, requestKeyHeader, type ReplayAnswer } from './replay-cache.ts';

/** Answers of keyed writes, so a write the browser resent after a dropped connection runs once. */
const replays = new ReplayCache();

/**
 * Writes that may carry a request key: creates, and the updates and patches whose second run
 * would not answer like the first (a PUT with a resourceVersion would get a 409 for the user's own
 * write, a JSON patch would apply twice).
 */
const keyedMethods = new Set(['POST', 'PUT', 'PATCH']);

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
  const key = req.headers[requestKeyHeader];
  if (keyedMethods.has(req.method ?? '') && typeof key === 'string' && key !== '') {
    replayOnce(`${target.cluster} ${target.path} ${key}`, req, res, () =>
      request(url, { method: req.method, headers, agent }),
    );
    return;
  }
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

/** Largest keyed request body buffered (the API server itself refuses bodies over 3 MiB). */
const maxKeyedBody = 4 << 20;

/**
 * A keyed request: its body is read whole first (a body cut short never reaches the cluster), then
 * it runs upstream to its end even if the browser went away, and its whole answer is kept; a
 * resend with the same key waits for that answer and gets it too, or runs itself if that failed.
 */
function replayOnce(
  key: string,
  req: ConsoleRequest,
  res: ConsoleResponse,
  send: () => ReturnType<typeof request>,
): void {
  const body = readWhole(req);
  body.catch(() => undefined);
  const run = (): Promise<ReplayAnswer> => {
    const a = body.then((b) => forwardWhole(send, b));
    replays.set(key, a);
    return a;
  };
  const prior = replays.get(key);
  const answer = prior ? prior.catch(run) : run();
  answer.then(
    (a) => {
      if (res.destroyed) return;
      res.statusCode = a.status;
      for (const [name, v] of Object.entries(a.headers)) setHeader(res, name, v);
      setHeader(res, 'cache-control', 'no-store');
      (res as NodeJS.WritableStream).end(a.body);
    },
    (err: unknown) => {
      if (!res.destroyed && !res.headersSent)
        sendStatus(res, 502, 'ServiceUnavailable', `the request did not complete: ${(err as Error).message}`);
    },
  );
}

/** The request body, once it has arrived whole and within `maxKeyedBody`. */
function readWhole(req: ConsoleRequest): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let whole = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxKeyedBody) chunks.push(c);
    });
    req.on('aborted', () => reject(new Error('the request body did not arrive whole')));
    req.on('error', reject);
    req.on('end', () => {
      whole = true;
      if (size > maxKeyedBody) reject(new Error(`the request body is larger than ${maxKeyedBody} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('close', () => {
      if (!whole) reject(new Error('the request body did not arrive whole'));
    });
  });
}

/** Sends `body` upstream and reads the whole answer (the response headers that are passed on). */
function forwardWhole(send: () => ReturnType<typeof request>, body: Buffer): Promise<ReplayAnswer> {
  return new Promise<ReplayAnswer>((resolve, reject) => {
    const upstream = send();
    upstream.on('response', (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('error', reject);
      up.on('end', () => {
        const headers: Record<string, string> = {};
        for (const name of forwardResponseHeaders) {
          const v = up.headers[name];
          if (typeof v === 'string' && name !== 'content-length') headers[name] = v;
        }
        resolve({ status: up.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
      });
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}
