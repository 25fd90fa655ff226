/**
 * The console server process part: HTTPS with HTTP/2 (HTTP/1.1 allowed) on one address, answering
 * with the console handler. `close` stops listening and drops open connections, watches included.
 */
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { Socket } from 'node:net';
import { createConsoleHandler, type ConsoleHandlerDeps } from './console-handler.ts';
import { createExecBridge } from './exec-bridge.ts';

export interface ConsoleServerOptions extends ConsoleHandlerDeps {
  host: string;
  port: number;
  tls: { cert: string; key: string };
}

/** A listening console. `url` uses a loopback address for wildcard hosts. */
export interface ConsoleServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts listening; resolves once the socket is bound. */
export async function startConsoleServer(opts: ConsoleServerOptions): Promise<ConsoleServer> {
  const handler = createConsoleHandler(opts);
  const server: Http2SecureServer = createSecureServer(
    { cert: opts.tls.cert, key: opts.tls.key, allowHTTP1: true, minVersion: 'TLSv1.2' },
    handler,
  );
  // HTTP/1.1 WebSocket upgrades: the terminal's exec stream (browsers open WebSockets over HTTP/1.1).
  server.on('upgrade', createExecBridge(opts));
  const sockets = new Set<Socket>();
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shownHost =
    opts.host === '0.0.0.0' || opts.host === '::' || opts.host === '' ? '127.0.0.1' : opts.host;
  const hostPart = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return {
    url: `https://${hostPart}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        opts.clusters.close();
        opts.registry?.close();
      }),
  };
}
