/**
 * The console's terminal: a browser WebSocket on `/api/clusters/NAME/k8s/api/v1/namespaces/NS/pods/
 * POD/exec?...` (or `/attach`) is bridged, frame by frame, to the same path on the cluster's API
 * server, opened with the credentials the console holds. The browser speaks the Kubernetes channel
 * protocol itself (`v5.channel.k8s.io` or `v4.channel.k8s.io`: first byte of each binary frame is the
 * channel — 0 stdin, 1 stdout, 2 stderr, 3 error Status, 4 resize), so this bridge never parses a
 * frame; it only checks who is asking and where to.
 *
 * A WebSocket cannot carry the console's CSRF header, so the upgrade must come with an Origin equal
 * to this server's own host (browsers always send it, and another site cannot fake it) and with a
 * live session cookie. When the API server refuses (no such container, pod not running, ...), the
 * browser socket is still accepted and gets the refusal as a Status on channel 3, then a close: a
 * browser cannot read the body of a failed upgrade, so this is the only way it learns why.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { ClusterRegistry } from './cluster-registry.ts';
import { parseCookies, sessionCookieName } from './cookies.ts';
import { parseProxyPath } from './k8s-proxy.ts';
import type { SessionStore } from './sessions.ts';

/** Subprotocols the bridge passes on, most preferred first (the browser's order is kept). */
export const execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

/** The Kubernetes channel that carries the error/exit Status. */
export const errorChannel = 3;

export interface ExecBridgeDeps {
  clusters: ClusterRegistry;
  sessions: SessionStore;
  log: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

/** Cluster and upstream path of an exec/attach URL, or undefined for anything else. */
export function parseExecPath(url: string): { cluster: string; path: string } | undefined {
  const target = parseProxyPath(url);
  if (!target) return undefined;
  const pathname = target.path.split('?')[0];
  if (!/^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/(exec|attach)$/.test(pathname)) return undefined;
  return target;
}

/** Why an upgrade is refused before any cluster is contacted (status + message), or undefined. */
export function upgradeRefusal(
  deps: Pick<ExecBridgeDeps, 'sessions'>,
  headers: IncomingMessage['headers'],
): { code: number; message: string } | undefined {
  const origin = headers.origin;
  if (typeof origin !== 'string') return { code: 403, message: 'missing Origin header' };
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return { code: 403, message: 'malformed Origin header' };
  }
  if (host !== headers.host) return { code: 403, message: `cross-origin request from ${origin} refused` };
  const token = parseCookies(headers.cookie).get(sessionCookieName);
  if (!deps.sessions.get(token)) return { code: 401, message: 'not logged in' };
  return undefined;
}

/** The offered subprotocols this bridge supports, in the browser's order. */
export function offeredProtocols(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => execProtocols.includes(p));
}

/** A channel-3 frame carrying a failure Status, as the API server would send it. */
export function statusFrame(message: string, reason = 'InternalError', code = 500): Buffer {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  return Buffer.concat([Buffer.from([errorChannel]), Buffer.from(JSON.stringify(status))]);
}

function refuse(socket: Duplex, code: number, message: string): void {
  const reason =
    code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'Not Found' : 'Bad Request';
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Close codes a peer may send; the reserved ones (1005, 1006, 1015) become 1000/1011. */
const sendableCode = (code: number): number =>
  code === 1000 ||
  (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) ||
  (code >= 3000 && code < 5000)
    ? code
    : code === 1005
      ? 1000
      : 1011;

/** Builds the server's 'upgrade' listener; see the module comment. */
export function createExecBridge(
  deps: ExecBridgeDeps,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  /** The subprotocol to answer each browser with: the one the API server chose (or the first offered). */
  const chosen = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 1 << 20,
    handleProtocols: (_offered, req) => chosen.get(req) ?? false,
  });
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = parseExecPath(req.url ?? '');
    if (!target) return refuse(socket, 404, 'no WebSocket endpoint here');
    const refusal = upgradeRefusal(deps, req.headers);
    if (refusal) return refuse(socket, refusal.code, refusal.message);
    const protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (protocols.length === 0) {
      return refuse(socket, 400, `offer one of the subprotocols ${execProtocols.join(', ')}`);
    }
    const entry = deps.clusters.get(target.cluster);
    if (!entry) return refuse(socket, 404, `cluster "${target.cluster}" not found`);
    const c = entry.connection;
    const upstreamUrl = c.server.replace(/^http/, 'ws') + target.path;
    const upstream = new WebSocket(upstreamUrl, protocols, {
      ca: c.caCert,
      cert: c.clientCert,
      key: c.clientKey,
      headers: c.token ? { authorization: `Bearer ${c.token}` } : {},
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    });
    let settled = false;
    const fail = (message: string, reason?: string, code?: number) => {
      if (settled) return;
      settled = true;
      chosen.set(req, protocols[0]);
      wss.handleUpgrade(req, socket, head, (browser) => {
        browser.send(statusFrame(message, reason, code), { binary: true });
        browser.close(1000);
      });
    };
    // A browser that leaves before the cluster answered ends the upstream attempt.
    socket.once('close', () => {
      if (!settled) upstream.terminate();
    });
    upstream.on('unexpected-response', (_r, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        let message = `the API server answered ${res.statusCode}`;
        let reason: string | undefined;
        try {
          const s = JSON.parse(Buffer.concat(chunks).toString()) as { message?: string; reason?: string };
          if (s.message) message = s.message;
          reason = s.reason;
        } catch {
          // not a Status; keep the generic message
        }
        fail(message, reason, res.statusCode);
      });
      res.on('error', () => fail(message502(target.cluster, 'connection reset'), 'ServiceUnavailable', 502));
    });
    upstream.on('error', (err) => {
      if (!settled) fail(message502(target.cluster, err.message), 'ServiceUnavailable', 502);
    });
    upstream.on('open', () => {
      if (settled) return upstream.terminate();
      settled = true;
      chosen.set(req, upstream.protocol || protocols[0]);
      wss.handleUpgrade(req, socket, head, (browser) => pipe(browser, upstream));
    });
  };
}

function message502(cluster: string, why: string): string {
  return `cluster "${cluster}" is unreachable: ${why}`;
}

/** Copies frames both ways and closes each side when the other closes. */
function pipe(browser: WebSocket, upstream: WebSocket): void {
  browser.on('message', (data: RawData, isBinary: boolean) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
  });
  upstream.on('message', (data: RawData, isBinary: boolean) => {
    if (browser.readyState === WebSocket.OPEN) browser.send(data, { binary: isBinary });
  });
  upstream.on('close', (code: number, reason: Buffer) => {
    if (browser.readyState === WebSocket.OPEN) browser.close(sendableCode(code), reason.subarray(0, 123));
    else browser.terminate();
  });
  browser.on('close', (code: number, reason: Buffer) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.close(sendableCode(code), reason.subarray(0, 123));
    else upstream.terminate();
  });
  browser.on('error', () => upstream.terminate());
  upstream.on('error', () => browser.terminate());
}
