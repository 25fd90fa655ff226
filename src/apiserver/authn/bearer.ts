/**
 * Reads a bearer token from a request: the `Authorization: Bearer <token>` header, or — for browser
 * WebSockets, which cannot set headers — a `base64url.bearer.authorization.k8s.io.<token>` entry in
 * Sec-WebSocket-Protocol, as Kubernetes accepts.
 */
import type { IncomingMessage } from 'node:http';

const wsProtocolPrefix = 'base64url.bearer.authorization.k8s.io.';

/** The bearer token the request offers, or undefined when it offers none. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^bearer\s+(\S+)\s*$/i.exec(header.trim());
    if (match) return match[1];
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',')) {
      const entry = p.trim();
      if (entry.startsWith(wsProtocolPrefix)) {
        const token = Buffer.from(entry.slice(wsProtocolPrefix.length), 'base64url').toString('utf8');
        if (token !== '') return token;
      }
    }
  }
  return undefined;
}
