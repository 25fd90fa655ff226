/**
 * Draining a refused request body. A client that is still writing an upload we refused must be
 * able to read our answer: closing a socket with unread bytes in it makes the kernel send a reset,
 * and the reset discards the answer on the client's side ("broken pipe" instead of DENIED). So the
 * rest of the body is read and dropped — up to a limit in bytes and time, past which the
 * connection is closed anyway, so a refused client cannot hold the server busy.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bytes of a refused body read and dropped before the connection is closed instead. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
/** How long a refused body may take to arrive before the connection is closed instead. */
export const DRAIN_LIMIT_MS = 30_000;

/** Reads and drops the rest of `req`'s body (bounded, see the module comment). */
export function drainRefused(
  req: IncomingMessage,
  res: ServerResponse,
  limits: { bytes?: number; ms?: number } = {},
): void {
  const maxBytes = limits.bytes ?? DRAIN_LIMIT_BYTES;
  let seen = 0;
  // The response lets go of its socket once it is sent, so hold on to it here.
  const socket = req.socket ?? res.socket;
  const close = (): void => {
    req.removeListener('data', onData);
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen > maxBytes) close();
  };
  const timer = setTimeout(close, limits.ms ?? DRAIN_LIMIT_MS);
  timer.unref();
  req.on('data', onData);
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
