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
  const body = Buffer.from(text, 'utf8');
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': body.length,
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

export function writeStatus(res: ServerResponse, status: Status): void {
  writeJson(res, status.code, status);
}
