/**
 * The HTTPS transport: talks to an API server described by a kubeconfig, authenticating with the
 * client certificate or bearer token it names and trusting its CA. One keep-alive agent per
 * transport so a controller's many calls reuse a few TLS connections. Credentials never travel over
 * plain http: a kubeconfig that pairs an http:// server with credentials is refused.
 */
import type http from 'node:http';
import { http as nodeHttp } from './node-http.ts';
import https from 'node:https';
import type { LoadedKubeconfig } from './kubeconfig.ts';
import {
  encodeBody,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  type TransportStream,
} from './transport.ts';

export interface HttpTransportOptions {
  /** Whole-request limit for `request` calls (default 30 s). Streams have no overall limit. */
  timeoutMs?: number;
  /** Limit for connecting and receiving response headers, also for streams (default 10 s). */
  connectTimeoutMs?: number;
  /** Idle limit on an open stream: no bytes for this long ends it (default 0 = none). */
  streamIdleTimeoutMs?: number;
  /** Maximum sockets per host (default 16). */
  maxSockets?: number;
  userAgent?: string;
  /**
   * Connections from this agent instead of the network (an API server's in-process agent, whose
   * connections carry their identity). Only with an http:// server URL and no credentials.
   */
  agent?: http.Agent;
}

/** A Transport over HTTP(S) that owns a connection pool; `close` destroys pooled sockets. */
export interface HttpTransport extends Transport {
  readonly server: string;
  close(): void;
}

/** Builds the transport; throws when the kubeconfig would send credentials in the clear. */
export function httpTransport(kc: LoadedKubeconfig, opts: HttpTransportOptions = {}): HttpTransport {
  const base = new URL(kc.server);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') throw new Error(`unsupported server URL ${kc.server}`);
  if (!secure && (kc.token !== undefined || kc.clientKey !== undefined)) {
    throw new Error(`refusing to send credentials over plain http to ${kc.server}`);
  }
  if (opts.agent && secure) throw new Error('an in-process agent takes an http:// server URL');
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 16 };
  const agent = opts.agent
    ? opts.agent
    : secure
      ? new https.Agent({
          ...agentOpts,
          ca: kc.caCert,
          cert: kc.clientCert,
          key: kc.clientKey,
          rejectUnauthorized: !kc.insecureSkipTlsVerify,
        })
      : new nodeHttp.Agent(agentOpts);
  const prefix = base.pathname.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const userAgent = opts.userAgent ?? 'berth-client/0.1';

  function start(req: TransportRequest, streaming: boolean): Promise<http.IncomingMessage> {
    const body = encodeBody(req);
    const headers: Record<string, string> = {
      accept: req.accept ?? 'application/json',
      'user-agent': userAgent,
    };
    if (body) {
      headers['content-type'] = body.contentType;
      headers['content-length'] = String(body.data.length);
    }
    if (kc.token !== undefined) headers.authorization = `Bearer ${kc.token}`;
    if (req.headers) Object.assign(headers, req.headers);
    const q = req.query?.toString();
    const options: http.RequestOptions = {
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || (secure ? 443 : 80),
      method: req.method,
      path: prefix + req.path + (q ? `?${q}` : ''),
      headers,
      agent,
      signal: req.signal,
    };
    return new Promise((resolve, reject) => {
      const r = (secure ? https : nodeHttp).request(options, (res) => {
        clearTimeout(connectTimer);
        if (streaming && opts.streamIdleTimeoutMs) {
          res.socket.setTimeout(opts.streamIdleTimeoutMs, () =>
            res.destroy(new Error('watch stream idle timeout')),
          );
        }
        resolve(res);
      });
      const connectTimer = setTimeout(
        () => r.destroy(new Error(`${req.method} ${req.path}: no response within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      r.on('error', (err) => {
        clearTimeout(connectTimer);
        reject(err);
      });
      r.end(body?.data);
    });
  }

  return {
    server: kc.server,
    async request(req: TransportRequest): Promise<TransportResponse> {
      const res = await start(req, false);
      const timer = setTimeout(
        () => res.destroy(new Error(`${req.method} ${req.path}: timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      try {
        const parts: Buffer[] = [];
        for await (const c of res) parts.push(c as Buffer);
        return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) };
      } finally {
        clearTimeout(timer);
      }
    },
    async stream(req: TransportRequest): Promise<TransportStream> {
      const res = await start(req, true);
      let closed = false;
      return {
        status: res.statusCode ?? 0,
        headers: res.headers,
        close() {
          closed = true;
          res.destroy();
        },
        async *[Symbol.asyncIterator]() {
          try {
            for await (const c of res) yield c as Buffer;
          } catch (err) {
            // A stream we closed ourselves (or that the caller aborted) ends quietly.
            if (!closed && !req.signal?.aborted) throw err;
          }
        },
      };
    },
    close() {
      agent.destroy();
    },
  };
}
