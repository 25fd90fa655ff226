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
  if (!writeTextHead(res, code, Buffer.byteLength(text, 'utf8'), contentType)) return;
  // A string body, not a Buffer copy of it: Node then joins headers and body into one socket write
  // instead of a writev of two chunks (writev was ~5% of the server's CPU under create load).
  res.end(text, 'utf8');
}

/**
 * The head of a text answer of `length` bytes; false (and the response ended) when a head was sent
 * already, so the caller writes no body.
 */
function writeTextHead(res: ServerResponse, code: number, length: number, contentType: string): boolean {
  if (res.headersSent) {
    res.end();
    return false;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': length,
    'Cache-Control': 'no-cache, private',
  });
  return true;
}

/** Bytes of JSON text per socket write when a response is written in pieces (writeJoined). */
const PIECE_BYTES = 256 * 1024;

/**
 * Writes `head`, the `items` joined by commas, then `tail`, as one JSON text with its Content-Length,
 * without ever building that text: a 10,000-pod list is ~14 MB, and joining it into one string, then
 * measuring, prefixing with the headers and encoding it each made another 14 MB copy in V8's large
 * object space — allocations that brought on full collections of a heap holding every pod. Items are
 * sent in batches of about PIECE_BYTES instead.
 */
export function writeJoined(
  res: ServerResponse,
  code: number,
  head: string,
  items: readonly string[],
  tail: string,
  contentType = 'application/json',
): void {
  let length =
    Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8') + Math.max(0, items.length - 1);
  for (const item of items) length += Buffer.byteLength(item, 'utf8');
  if (!writeTextHead(res, code, length, contentType)) return;
  let batch: string[] = [head];
  let size = head.length;
  for (let i = 0; i < items.length; i++) {
    const item = i === 0 ? items[i]! : ',' + items[i]!;
    batch.push(item);
    size += item.length;
    if (size >= PIECE_BYTES) {
      res.write(batch.join(''), 'utf8');
      batch = [];
      size = 0;
    }
  }
  batch.push(tail);
  res.end(batch.join(''), 'utf8');
}

export function writeStatus(res: ServerResponse, status: Status): void {
  writeJson(res, status.code, status);
}
