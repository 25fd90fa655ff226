/**
 * A minimal HTTPS client bound to one Connection, for tests and benchmarks that talk to the API
 * server without kubectl. One keep-alive agent per client, so load tests measure requests, not TLS
 * handshakes (create a client per worker to spread connections).
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Connection } from './kubeconfig.ts';

/** A complete response: status, headers, body text. */
export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Request options beyond method and path. */
export interface RequestOptions {
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** An HTTPS client for one server with the connection's CA and credentials. */
export interface HttpsClient {
  request(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  close(): void;
}

/** Creates a client; `maxSockets` bounds open connections (default 1: one worker, one connection). */
export function httpsClient(conn: Connection, maxSockets = 1): HttpsClient {
  const base = new URL(conn.server);
  const agent = new Agent({
    keepAlive: true,
    maxSockets,
    ...(conn.ca ? { ca: conn.ca } : {}),
    ...(conn.cert ? { cert: conn.cert } : {}),
    ...(conn.key ? { key: conn.key } : {}),
  });
  return {
    request(method, path, opts = {}) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
        if (conn.token) headers.authorization = `Bearer ${conn.token}`;
        if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
        const req = httpsRequest(
          {
            hostname: base.hostname,
            port: base.port || 443,
            method,
            path,
            headers,
            agent,
            timeout: opts.timeoutMs ?? 10_000,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
        req.on('error', reject);
        req.end(opts.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
