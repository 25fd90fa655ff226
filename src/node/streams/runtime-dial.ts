/**
 * Opens an upgraded connection to the container runtime's stream server (the URL CRI Exec, Attach
 * or PortForward returned): `POST` with `Upgrade: SPDY/3.1` and the stream protocols we speak.
 * The runtime answers 101 with the protocol it chose; anything else is an error carrying its body.
 */
import { request } from '../../client/node-http.ts';
import type { Duplex } from 'node:stream';

export interface RuntimeConnection {
  socket: Duplex;
  /** Bytes that arrived after the 101 answer, before the socket was handed over. */
  head: Buffer;
  /** The protocol the runtime chose (X-Stream-Protocol-Version). */
  protocol: string;
}

/** Upgrades to SPDY at `url`, offering `protocols` (best first). */
export function dialRuntime(
  url: string,
  protocols: readonly string[],
  timeoutMs = 10_000,
): Promise<RuntimeConnection> {
  const u = new URL(url);
  if (u.protocol !== 'http:') return Promise.reject(new Error(`unsupported stream URL ${url}`));
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port || 80,
      method: 'POST',
      path: `${u.pathname}${u.search}`,
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': [...protocols],
        'Content-Length': 0,
      },
      timeout: timeoutMs,
    });
    req.on('upgrade', (res, socket, head) => {
      socket.setTimeout(0);
      resolve({ socket, head, protocol: String(res.headers['x-stream-protocol-version'] ?? '') });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        reject(
          new Error(
            `the container runtime refused the stream (${res.statusCode}): ${Buffer.concat(chunks).toString().trim()}`,
          ),
        ),
      );
    });
    req.on('timeout', () =>
      req.destroy(new Error(`the container runtime's stream server at ${u.host} did not answer`)),
    );
    req.on('error', reject);
    req.end();
  });
}
