/**
 * Proxying of upgraded connections (WebSocket, SPDY), shared by the API server (to node agents,
 * over TLS with its kubelet-client certificate) and the agent (to the container runtime's stream
 * server): the request goes on with its upgrade headers, and once the far side answers 101 the
 * proxy writes that answer back verbatim and pipes bytes both ways without looking at them — so any
 * protocol negotiated end to end (v5.channel.k8s.io, SPDY/3.1, SPDY inside WebSocket) passes.
 * A non-101 answer is passed back as an ordinary response.
 *
 * Node's HTTP server hands upgrade requests to an 'upgrade' listener with the raw socket and no
 * response object; `upgradeResponse` makes one on that socket so handlers can still answer errors
 * (a Status) the usual way, and `upgradeOf` tells a handler the socket is its to take over.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpRequest, ServerResponse } from '../../client/node-http.ts';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Upgrade {
  socket: Duplex;
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, Upgrade>();

/**
 * A ServerResponse writing to the raw socket of an upgrade request, closed after it finishes (an
 * answered upgrade request ends the connection). Remembers socket and head for `upgradeOf`.
 */
export function upgradeResponse(req: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  upgrades.set(req, { socket, head });
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', () => socket.end());
  socket.on('error', () => socket.destroy());
  return res;
}

/** The socket and head of a request that came in as an upgrade, or undefined for a plain request. */
export function upgradeOf(req: IncomingMessage): Upgrade | undefined {
  return upgrades.get(req);
}

/** True when the request asks for a WebSocket. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return (
    String(req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    /\bupgrade\b/i.test(String(req.headers.connection ?? ''))
  );
}

/** Where to proxy to. */
export interface ProxyTarget {
  /** http: or https: URL, path and query included. */
  url: URL;
  /** Client certificate and the CA that must have issued the server's certificate (https). */
  tls?: { ca: string; cert: string; key: string };
}

/** Headers never passed on: the caller's credentials stay with the hop that checked them. */
const dropped = new Set(['host', 'authorization', 'proxy-authorization', 'cookie']);

/** The request's headers for the next hop (its own Host; no credentials or impersonation). */
export function forwardHeaders(req: IncomingMessage, host: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { host };
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const lower = name.toLowerCase();
    if (dropped.has(lower) || lower.startsWith('impersonate-')) continue;
    const prev = out[name];
    const v = req.rawHeaders[i + 1];
    out[name] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [String(prev)]), v];
  }
  return out;
}

function send(target: ProxyTarget, method: string, headers: OutgoingHttpHeaders) {
  const u = target.url;
  const common = {
    host: u.hostname,
    port: u.port,
    method,
    path: `${u.pathname}${u.search}`,
    headers,
    agent: false as const,
  };
  return u.protocol === 'https:' ? httpsRequest({ ...common, ...(target.tls ?? {}) }) : httpRequest(common);
}

/**
 * Proxies an upgrade request. `res` (from `upgradeResponse`) answers a refusal or failure; after a
 * 101 the two sockets are piped and either closing closes the other. `onError` hears a failure to
 * reach the target (the caller turns it into a Status on `res`).
 */
export function proxyUpgrade(
  req: IncomingMessage,
  up: Upgrade,
  res: ServerResponse,
  target: ProxyTarget,
  onError: (err: Error) => void,
): void {
  const out = send(target, req.method ?? 'GET', forwardHeaders(req, target.url.host));
  let done = false;
  out.on('upgrade', (pres, psocket, phead) => {
    done = true;
    const lines = [`HTTP/1.1 ${pres.statusCode} ${pres.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < pres.rawHeaders.length; i += 2)
      lines.push(`${pres.rawHeaders[i]}: ${pres.rawHeaders[i + 1]}`);
    up.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (phead.length) up.socket.write(phead);
    if (up.head.length) psocket.write(up.head);
    pipeBoth(up.socket, psocket);
  });
  out.on('response', (pres) => {
    done = true;
    res.writeHead(pres.statusCode ?? 502, pres.statusMessage, filterResponseHeaders(pres));
    pres.pipe(res);
  });
  out.on('error', (err) => {
    if (!done) onError(err);
    else up.socket.destroy();
  });
  up.socket.on('close', () => {
    if (!done) out.destroy();
  });
  out.end();
}

/** Pipes two connections both ways; an error or close on either ends both. */
export function pipeBoth(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

function filterResponseHeaders(pres: IncomingMessage): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(pres.headers))
    if (v !== undefined && !['connection', 'keep-alive', 'transfer-encoding'].includes(k)) h[k] = v;
  return h;
}

/**
 * Proxies a plain request (e.g. a log stream), passing the answer through as it arrives; the
 * far request is abandoned when the client goes away. `onError` hears a failure to reach the target.
 */
export function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
  onError: (err: Error) => void,
): void {
  const headers: OutgoingHttpHeaders = { host: target.url.host, accept: req.headers.accept ?? '*/*' };
  const out = send(target, req.method ?? 'GET', headers);
  let answered = false;
  out.on('response', (pres) => {
    answered = true;
    res.writeHead(pres.statusCode ?? 502, filterResponseHeaders(pres));
    res.flushHeaders();
    pres.pipe(res);
    pres.on('error', () => res.destroy());
  });
  out.on('error', (err) => {
    if (!answered) onError(err);
    else res.destroy();
  });
  res.on('close', () => out.destroy());
  out.end();
}
