/** Writing responses: JSON objects, Status errors, and pre-serialized JSON text. */
import type { ServerResponse } from 'node:http';
import type { Status } from '../../api/errors.ts';

/** Writes a JSON value with the given status code. */
export function writeJson(
  res: ServerResponse,
  code: number,
  value: unknown,
  contentType = 'application/json',
): void {
  writeText(res, code, JSON.stringify(value), contentType);
}

/** Writes already-serialized JSON (the watch cache keeps objects as text to avoid re-encoding). */
export function writeText(
  res: ServerResponse,
  code: number,
  text: string,
  contentType = 'application/json',
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text, 'utf8'),
    'Cache-Control': 'no-cache, private',
  });
  // A string body, not a Buffer copy of it: Node then joins headers and body into one socket write
  // instead of a writev of two chunks (writev was ~5% of the server's CPU under create load).
  res.end(text, 'utf8');
}

export function writeStatus(res: ServerResponse, status: Status): void {
  writeJson(res, status.code, status);
}
