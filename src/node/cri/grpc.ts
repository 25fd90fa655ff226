/**
 * Unary gRPC over node:http2, enough for the CRI: one HTTP/2 connection (to a unix socket or
 * host:port), each call a POST with one length-prefixed message, the answer's grpc-status and
 * grpc-message trailers turned into a GrpcError. No compression, no streaming, no retries: a
 * dropped connection fails the calls in flight as UNAVAILABLE and the next call dials again.
 */
import http2 from 'node:http2';
import net from 'node:net';

/** gRPC status codes (the numbers every gRPC implementation uses). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A call that ended with a non-OK status; `details` is the server's grpc-message. */
export class GrpcError extends Error {
  readonly code: number;
  readonly details: string;

  constructor(code: number, details: string) {
    super(`${code} ${statusName(code)}: ${details}`);
    this.name = 'GrpcError';
    this.code = code;
    this.details = details;
  }
}

function statusName(code: number): string {
  return Object.entries(GrpcStatus).find(([, n]) => n === code)?.[0] ?? 'UNKNOWN';
}

export interface GrpcChannelOptions {
  /** Largest answer accepted, in bytes (default 17 MiB: ExecSync may carry 16 MiB of output). */
  maxReceiveBytes?: number;
}

/** The socket path of a `unix://` / `unix:` target, or undefined for host:port. */
function unixPath(target: string): string | undefined {
  if (target.startsWith('unix://')) return target.slice('unix://'.length);
  if (target.startsWith('unix:')) return target.slice('unix:'.length);
  if (target.startsWith('/')) return target;
  return undefined;
}

/** HTTP status → gRPC code, for answers that are not gRPC at all (per the gRPC HTTP/2 spec). */
function fromHttpStatus(status: number): number {
  if (status === 400) return GrpcStatus.INTERNAL;
  if (status === 401) return GrpcStatus.UNAUTHENTICATED;
  if (status === 403) return GrpcStatus.PERMISSION_DENIED;
  if (status === 404) return GrpcStatus.UNIMPLEMENTED;
  if ([429, 502, 503, 504].includes(status)) return GrpcStatus.UNAVAILABLE;
  return GrpcStatus.UNKNOWN;
}

/** grpc-timeout: at most 8 digits and a unit. */
function grpcTimeout(ms: number): string {
  const n = Math.max(1, Math.ceil(ms));
  return n < 1e8 ? `${n}m` : `${Math.min(99_999_999, Math.ceil(n / 1000))}S`;
}

function decodeMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** One lazily dialled HTTP/2 connection carrying unary gRPC calls. Call close() when done. */
export class GrpcChannel {
  readonly target: string;
  readonly #maxReceive: number;
  #session: http2.ClientHttp2Session | undefined;
  #sessionError: Error | undefined;
  #active = 0;
  #closed = false;

  constructor(target: string, opts: GrpcChannelOptions = {}) {
    this.target = target;
    this.#maxReceive = opts.maxReceiveBytes ?? 17 * 1024 * 1024;
  }

  #connect(): http2.ClientHttp2Session {
    const s = this.#session;
    if (s && !s.closed && !s.destroyed) return s;
    const path = unixPath(this.target);
    const authority = path === undefined ? `http://${this.target}` : 'http://localhost';
    const session = http2.connect(authority, {
      ...(path === undefined ? {} : { createConnection: () => net.connect(path) }),
      settings: { enablePush: false, initialWindowSize: 4 * 1024 * 1024 },
    });
    this.#sessionError = undefined;
    session.on('error', (err) => {
      this.#sessionError = err;
    });
    const forget = (): void => {
      if (this.#session === session) this.#session = undefined;
    };
    // After GOAWAY the connection finishes its streams but takes no new ones: dial afresh.
    session.on('goaway', forget);
    session.on('close', forget);
    session.on('connect', () => session.setLocalWindowSize(16 * 1024 * 1024));
    if (this.#active === 0) session.unref();
    this.#session = session;
    return session;
  }

  /**
   * Calls `path` (`/package.Service/Method`) with one serialized request and resolves with the
   * serialized answer; rejects with GrpcError (DEADLINE_EXCEEDED after `timeoutMs`, UNAVAILABLE
   * when the connection fails).
   */
  unary(path: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.#closed) return Promise.reject(new GrpcError(GrpcStatus.UNAVAILABLE, 'channel closed'));
    return new Promise((resolve, reject) => {
      let session: http2.ClientHttp2Session;
      try {
        session = this.#connect();
      } catch (err) {
        reject(new GrpcError(GrpcStatus.UNAVAILABLE, err instanceof Error ? err.message : String(err)));
        return;
      }
      const headers: http2.OutgoingHttpHeaders = {
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'user-agent': 'berth-cri',
      };
      if (Number.isFinite(timeoutMs)) headers['grpc-timeout'] = grpcTimeout(timeoutMs);
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request(headers);
      } catch (err) {
        reject(new GrpcError(GrpcStatus.UNAVAILABLE, err instanceof Error ? err.message : String(err)));
        return;
      }
      if (this.#active++ === 0) session.ref();

      const chunks: Buffer[] = [];
      let received = 0;
      let code: number | undefined;
      let details = '';
      let httpStatus = 0;
      let streamError: Error | undefined;
      let settled = false;

      const settle = (err: GrpcError | undefined, value?: Buffer): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (--this.#active === 0 && !session.destroyed) session.unref();
        if (err) reject(err);
        else resolve(value!);
      };
      const readStatus = (h: http2.IncomingHttpHeaders): void => {
        const s = h['grpc-status'];
        if (s === undefined) return;
        code = Number(s);
        const m = h['grpc-message'];
        details = typeof m === 'string' ? decodeMessage(m) : '';
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            settle(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'));
            stream.close(http2.constants.NGHTTP2_CANCEL);
          }, timeoutMs)
        : undefined;

      stream.on('response', (h) => {
        httpStatus = Number(h[':status']);
        readStatus(h); // a trailers-only answer carries its status in the headers
      });
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > this.#maxReceive + 5) {
          settle(
            new GrpcError(GrpcStatus.RESOURCE_EXHAUSTED, `answer larger than ${this.#maxReceive} bytes`),
          );
          stream.close(http2.constants.NGHTTP2_CANCEL);
          return;
        }
        chunks.push(chunk);
      });
      stream.on('trailers', readStatus);
      stream.on('error', (err) => {
        streamError = err;
      });
      stream.on('close', () => {
        if (settled) return;
        if (code === undefined) {
          if (httpStatus && httpStatus !== 200) {
            settle(new GrpcError(fromHttpStatus(httpStatus), `HTTP status ${httpStatus}`));
            return;
          }
          const cause = this.#sessionError ?? streamError;
          const why = cause?.message ?? `stream closed (HTTP/2 code ${stream.rstCode ?? 0})`;
          const cancelled = stream.rstCode === http2.constants.NGHTTP2_CANCEL && !cause;
          settle(new GrpcError(cancelled ? GrpcStatus.CANCELLED : GrpcStatus.UNAVAILABLE, why));
          return;
        }
        if (code !== GrpcStatus.OK) {
          settle(new GrpcError(code, details));
          return;
        }
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        if (body.length < 5) {
          settle(new GrpcError(GrpcStatus.INTERNAL, 'no message in the answer'));
          return;
        }
        if (body[0] !== 0) {
          settle(new GrpcError(GrpcStatus.INTERNAL, 'compressed answer (not requested)'));
          return;
        }
        const len = body.readUInt32BE(1);
        if (body.length < 5 + len) {
          settle(new GrpcError(GrpcStatus.INTERNAL, 'truncated message in the answer'));
          return;
        }
        settle(undefined, body.subarray(5, 5 + len));
      });

      const frame = Buffer.allocUnsafe(5 + request.length);
      frame[0] = 0;
      frame.writeUInt32BE(request.length, 1);
      request.copy(frame, 5);
      stream.end(frame);
    });
  }

  /** Closes the connection; later calls fail with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    this.#session?.close();
    this.#session = undefined;
  }
}
