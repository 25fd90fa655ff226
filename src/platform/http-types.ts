/**
 * The console server answers HTTP/2 (browsers multiplex every watch over one connection, so the
 * six-connections-per-host limit of HTTP/1.1 never stalls a page) and HTTP/1.1 (curl, tests). These
 * helpers work on either kind of request/response, and write errors as Kubernetes `Status` objects
 * so the browser shows every failure the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/** A request from either protocol. */
export type ConsoleRequest = IncomingMessage | Http2ServerRequest;
/** A response for either protocol. */
export type ConsoleResponse = ServerResponse | Http2ServerResponse;

/** Headers every console response carries. */
export const securityHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // antd writes its styles at run time, hence 'unsafe-inline' for styles only; scripts are 'self'.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** The Host (HTTP/1.1) or :authority (HTTP/2) the client addressed. */
export function requestHost(req: ConsoleRequest): string | undefined {
  const h2 = req.headers[':authority'];
  if (typeof h2 === 'string') return h2;
  return req.headers.host;
}

/** The client's address, for rate limiting. */
export function clientAddress(req: ConsoleRequest): string {
  return req.socket?.remoteAddress ?? 'unknown';
}

/** Sets a header on either kind of response. */
export function setHeader(res: ConsoleResponse, name: string, value: string | string[]): void {
  (res as ServerResponse).setHeader(name, value);
}

/** Writes `body` as JSON with `code`. */
export function sendJson(res: ConsoleResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  setHeader(res, 'content-type', 'application/json');
  setHeader(res, 'cache-control', 'no-store');
  (res as ServerResponse).end(text);
}

/** A Kubernetes Status with `code`, `reason` and `message`, the one error shape the console reads. */
export function sendStatus(res: ConsoleResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

/** Reads a small request body (at most `limit` bytes) as text; rejects larger bodies. */
export async function readBody(req: ConsoleRequest, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
