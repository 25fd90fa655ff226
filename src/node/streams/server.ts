/**
 * The agent's HTTPS endpoint for the API server (kubelet port, 10250 by default): container logs,
 * exec, attach and port-forward, in the kubelet's URL layout:
 *   GET /containerLogs/NS/POD/CONTAINER?follow&previous&tailLines&sinceSeconds|sinceTime&timestamps&limitBytes
 *   /exec/NS/POD/CONTAINER?command=…&input&output&error&tty     WebSocket (v5/v4 channels) or SPDY
 *   /attach/NS/POD/CONTAINER?input&output&error&tty              WebSocket (v5/v4 channels) or SPDY
 *   /portForward/NS/POD[?port=N]                                  WebSocket (SPDY tunnel or channels) or SPDY
 *   GET /stats/summary                                            CPU and memory (stats-endpoint.ts)
 * Only the API server may call it: the TLS client certificate must chain to the cluster CA and name
 * `kube-apiserver-kubelet-client` (which the cluster's CSR signer never issues). Users are
 * authorized by the API server before it proxies here. Failures answer a Kubernetes Status.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import {
  isWebSocketRequest,
  proxyUpgrade,
  upgradeOf,
  upgradeResponse,
  type Upgrade,
} from '../../apiserver/http/upgrade-proxy.ts';
import type { ClientLogger } from '../../client/logger.ts';
import type { RuntimeService } from '../cri/service.ts';
import {
  channelProtocolV4,
  channelProtocolV5,
  chooseProtocol,
  execProtocols,
  portForwardProtocolV1,
  spdyTunnelPortForward,
} from './channel.ts';
import {
  containerRunning,
  findLogContainer,
  findRunningContainer,
  findSandbox,
  StreamError,
  type PodRef,
} from './container-lookup.ts';
import { parseLogQuery } from './cri-log.ts';
import { bridgeExec, openRuntimeExec, type ExecStreams } from './exec-bridge.ts';
import { readContainerLog } from './log-reader.ts';
import { tunnelPortForward } from './port-forward.ts';
import { dialRuntime } from './runtime-dial.ts';
import { serveStatsSummary, type StatsSource } from './stats-endpoint.ts';

/** The only client the agent serves. */
export const apiserverClientName = 'kube-apiserver-kubelet-client';

export interface StreamServerOptions {
  cri: RuntimeService;
  nodeName: string;
  /** Serving certificate and key (PEM), from the kubelet-serving CSR. */
  cert: string;
  key: string;
  /** The cluster CA (PEM): client certificates must chain to it. */
  clientCA: string;
  log: ClientLogger;
  /** Common names allowed to call (default: the API server's kubelet client). */
  allowedClients?: string[];
  /** The CPU and memory figures behind GET /stats/summary. */
  stats?: StatsSource;
}

/** WebSocket subprotocols served, in order of preference. */
const wsProtocols = [channelProtocolV5, channelProtocolV4, spdyTunnelPortForward, portForwardProtocolV1];

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

function answer(res: ServerResponse, code: number, reason: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = statusBody(code, reason, message);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const flag = (q: URLSearchParams, ...names: string[]) =>
  names.some((n) => q.get(n) === '1' || q.get(n) === 'true');

export class StreamServer {
  readonly server: Server;
  private readonly o: StreamServerOptions;
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => wsProtocols.find((p) => offered.has(p)) ?? false,
  });

  constructor(o: StreamServerOptions) {
    this.o = o;
    this.server = createServer(
      { cert: o.cert, key: o.key, ca: o.clientCA, requestCert: true, rejectUnauthorized: true },
      (req, res) => void this.serve(req, res),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      void this.serve(req, upgradeResponse(req, socket, head));
    });
    this.server.on('tlsClientError', () => {});
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** Swaps the serving certificate (after renewal) for new connections. */
  setCertificate(cert: string, key: string): void {
    this.server.setSecureContext({ cert, key, ca: this.o.clientCA });
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private allowed(req: IncomingMessage): boolean {
    const sock = req.socket as TLSSocket;
    if (!sock.authorized) return false;
    const cn = sock.getPeerCertificate()?.subject?.CN;
    const names = this.o.allowedClients ?? [apiserverClientName];
    return typeof cn === 'string' && names.includes(cn);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://agent');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (parts[0] === 'healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      if (!this.allowed(req))
        throw new StreamError(403, 'Forbidden', 'only the API server may use this endpoint');
      const [what, namespace, name, container] = parts;
      if (what === 'stats' && namespace === 'summary' && parts.length === 2)
        return await serveStatsSummary(req.method, res, this.o.stats);
      const pod: PodRef = { namespace: namespace ?? '', name: name ?? '' };
      if (what === 'containerLogs' && parts.length === 4)
        return await this.logs(req, res, pod, container, url.searchParams);
      const up = upgradeOf(req);
      if ((what === 'exec' || what === 'attach') && parts.length === 4) {
        if (!up) throw new StreamError(400, 'BadRequest', 'Upgrade request required');
        return await this.exec(what, req, res, up, pod, container, url.searchParams);
      }
      if (what === 'portForward' && parts.length === 3) {
        if (!up) throw new StreamError(400, 'BadRequest', 'Upgrade request required');
        return await this.portForward(req, res, up, pod, url.searchParams);
      }
      throw new StreamError(404, 'NotFound', `no handler for ${url.pathname}`);
    } catch (err) {
      if (err instanceof StreamError) return answer(res, err.code, err.reason, err.message);
      this.o.log.warn({ err, path: url.pathname }, 'stream request failed');
      answer(res, 500, 'InternalError', (err as Error).message);
    }
  }

  private async logs(
    _req: IncomingMessage,
    res: ServerResponse,
    pod: PodRef,
    container: string,
    q: URLSearchParams,
  ): Promise<void> {
    let opts;
    try {
      opts = parseLogQuery(q);
    } catch (err) {
      throw new StreamError(400, 'BadRequest', (err as Error).message);
    }
    const c = await findLogContainer(this.o.cri, this.o.nodeName, pod, container, opts.previous);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.flushHeaders();
    const sink = async (chunk: Buffer) => {
      if (res.write(chunk) || abort.signal.aborted) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          abort.signal.removeEventListener('abort', done);
          resolve();
        };
        res.on('drain', done);
        abort.signal.addEventListener('abort', done);
      });
    };
    try {
      await readContainerLog(c.logPath, opts, sink, {
        isRunning: () => containerRunning(this.o.cri, c.id),
        signal: abort.signal,
      });
    } catch (err) {
      this.o.log.warn(
        { err, pod: `${pod.namespace}/${pod.name}`, container },
        'reading container log failed',
      );
    }
    res.end();
  }

  private async exec(
    what: 'exec' | 'attach',
    req: IncomingMessage,
    res: ServerResponse,
    up: Upgrade,
    pod: PodRef,
    container: string,
    q: URLSearchParams,
  ): Promise<void> {
    const s: ExecStreams = {
      stdin: flag(q, 'input', 'stdin'),
      stdout: flag(q, 'output', 'stdout'),
      stderr: flag(q, 'error', 'stderr'),
      tty: flag(q, 'tty'),
    };
    const cmd = q.getAll('command');
    if (what === 'exec' && !cmd.length)
      throw new StreamError(400, 'BadRequest', 'you must specify at least 1 command');
    if (!s.stdin && !s.stdout && !s.stderr)
      throw new StreamError(400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
    const ws = isWebSocketRequest(req);
    if (ws && !chooseProtocol(String(req.headers['sec-websocket-protocol'] ?? '').split(','), execProtocols))
      throw new StreamError(400, 'BadRequest', `supported WebSocket protocols: ${execProtocols.join(', ')}`);
    const c = await findRunningContainer(this.o.cri, this.o.nodeName, pod, container);
    const streams = {
      container_id: c.id,
      tty: s.tty,
      stdin: s.stdin,
      stdout: s.stdout,
      stderr: s.stderr && !s.tty,
    };
    const url =
      what === 'exec' ? await this.o.cri.exec({ ...streams, cmd }) : await this.o.cri.attach(streams);
    if (!ws) {
      // SPDY from the client: the runtime speaks it too, so the bytes pass through unread.
      proxyUpgrade(req, up, res, { url: new URL(url) }, (err) =>
        answer(res, 500, 'InternalError', err.message),
      );
      return;
    }
    const rt = await openRuntimeExec(url, s);
    this.wss.handleUpgrade(req, up.socket, up.head, (sock) => bridgeExec(sock, rt));
  }

  private async portForward(
    req: IncomingMessage,
    res: ServerResponse,
    up: Upgrade,
    pod: PodRef,
    q: URLSearchParams,
  ): Promise<void> {
    const sandbox = await findSandbox(this.o.cri, this.o.nodeName, pod);
    if (!sandbox.ready) throw new StreamError(400, 'BadRequest', `pod "${pod.name}" is not running`);
    const ports = [...q.getAll('port'), ...q.getAll('ports')].flatMap((p) => p.split(',')).filter(Boolean);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',');
    const url = new URL(await this.o.cri.portForward(sandbox.id, ports.map(Number)));
    if (isWebSocketRequest(req) && chooseProtocol(offered, [spdyTunnelPortForward])) {
      const rt = await dialRuntime(url.href, [portForwardProtocolV1]);
      this.wss.handleUpgrade(req, up.socket, up.head, (sock) => tunnelPortForward(sock, rt));
      return;
    }
    // SPDY, or the WebSocket channel protocol (data and error channel per port), which the runtime
    // serves itself given the ports in the query.
    for (const p of ports) url.searchParams.append('port', p);
    proxyUpgrade(req, up, res, { url }, (err) => answer(res, 500, 'InternalError', err.message));
  }
}
