/**
 * Answering a request whose body is still arriving: a refused upload. A client that is still
 * writing must be able to read our answer: closing a socket with unread bytes in it makes the
 * kernel send a reset, and the reset discards the answer on the client's side ("broken pipe"
 * instead of the error). So the rest of the body is read and dropped — up to a limit in bytes and
 * time, past which the connection is closed anyway, so a refused client cannot hold the server busy.
 *
 * Reading on after the answer is not enough by itself: once a response has ended, Node's HTTP
 * server closes a `Connection: close` socket (the client asked for one connection per request, or
 * spoke HTTP/1.0) at once, unread bytes or not. So the whole answer is written at once — with its
 * Content-Length, the client knows it has all of it — but the response is ended only when the body
 * has all been read; then the connection closes cleanly, or stays open for the next request.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Bytes of a refused body read and dropped before the connection is closed instead. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
/** How long a refused body may take to arrive before the connection is closed instead. */
export const DRAIN_LIMIT_MS = 30_000;

/**
 * Sends `status`, `headers` and `body` (Content-Length is set here) to `req`. If its body has not
 * all arrived, the rest is read and dropped (bounded, see the module comment) before the response
 * ends; past the bounds the connection is closed once the answer has been handed to the kernel.
 */
export function answerRefused(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: Buffer,
  limits: { bytes?: number; ms?: number } = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Length': body.byteLength });
  // A destroyed request cannot be read any more (so readers of a body must not destroy it early).
  if (req.complete || req.destroyed) {
    res.end(body);
    return;
  }
  const maxBytes = limits.bytes ?? DRAIN_LIMIT_BYTES;
  // Past the bounds it is the connection that is closed: the client may still be writing.
  const socket = req.socket;
  let seen = 0;
  let written = false;
  let closing = false;
  const stop = (): void => {
    clearTimeout(timer);
    req.removeListener('data', onData);
  };
  // Past the bounds: close, but not before the answer has left (destroy drops unwritten bytes).
  const close = (): void => {
    stop();
    closing = true;
    if (written) socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen > maxBytes) close();
  };
  const timer = setTimeout(close, limits.ms ?? DRAIN_LIMIT_MS);
  timer.unref();
  res.write(body, () => {
    written = true;
    if (closing) socket.destroy();
  });
  req.on('data', onData);
  req.once('end', () => {
    stop();
    if (!closing) res.end();
  });
  // The client went away mid-body: nothing more to answer.
  req.once('close', () => {
    stop();
    if (!res.writableEnded) res.destroy();
  });
  req.resume();
}
