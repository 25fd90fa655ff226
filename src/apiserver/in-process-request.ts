/**
 * One in-process request without HTTP framing: for the ordinary (non-streaming) requests of the
 * components that run in the API server's process — the scheduler's binds, the controllers'
 * writes, the event recorders. The request object handed to the server's handler carries the same
 * method, target, headers and body a client would send, and its socket stands for an in-process
 * connection whose identity was bound when the requester was made; so authentication,
 * authorization, admission, validation and the answer are exactly those of the same request over
 * the in-process HTTP connection. What is skipped is only the work of writing an HTTP/1.1 message
 * on one side of an in-memory pipe and parsing it on the other, both ways. Watches and other
 * streams keep the connection (see in-process.ts).
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { TransportHeaders, TransportRequest, TransportResponse } from '../client/transport.ts';
import { encodeBody } from '../client/transport.ts';

/** The socket-shaped object a direct request carries: what the handlers read of a loopback socket. */
export function directSocket(): object {
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 0,
    localAddress: '127.0.0.1',
    localPort: 0,
    encrypted: false,
    setTimeout: () => undefined,
    setNoDelay: () => undefined,
    setKeepAlive: () => undefined,
    destroy: () => undefined,
    on: () => undefined,
    once: () => undefined,
    removeListener: () => undefined,
  };
}

/** A request as the handler sees it: the body is readable once, then ends. */
class DirectRequest extends Readable {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly socket: object;
  readonly httpVersion = '1.1';
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly complete = true;

  constructor(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    socket: object,
  ) {
    super();
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.rawHeaders = Object.entries(headers).flat();
    this.socket = socket;
    if (body && body.length > 0) this.push(body);
    this.push(null);
  }

  override _read(): void {}
}

/**
 * A response the handler writes into: status, headers and body are collected and the promise
 * settles when the handler ends it (`close` follows, as for a network response, for the metrics).
 */
class DirectResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  readonly writableLength = 0;
  readonly shouldKeepAlive = true;
  readonly sendDate = false;
  private readonly headerMap = new Map<string, string | string[]>();
  private readonly chunks: Buffer[] = [];
  private readonly done: (r: TransportResponse) => void;

  constructor(done: (r: TransportResponse) => void) {
    super();
    this.done = done;
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headerMap.set(
      name.toLowerCase(),
      typeof value === 'number' ? String(value) : (value as string | string[]),
    );
    return this;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.headerMap.get(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.headerMap.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headerMap.delete(name.toLowerCase());
  }

  getHeaders(): OutgoingHttpHeaders {
    return Object.fromEntries(this.headerMap);
  }

  writeHead(status: number, a?: string | OutgoingHttpHeaders, b?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    const headers = typeof a === 'object' ? a : b;
    if (headers)
      for (const [k, v] of Object.entries(headers))
        if (v !== undefined) this.setHeader(k, v as string | string[]);
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  write(chunk: string | Buffer, enc?: BufferEncoding | (() => void), cb?: () => void): boolean {
    this.headersSent = true;
    this.chunks.push(
      typeof chunk === 'string' ? Buffer.from(chunk, typeof enc === 'string' ? enc : 'utf8') : chunk,
    );
    const callback = typeof enc === 'function' ? enc : cb;
    if (callback) queueMicrotask(callback);
    return true;
  }

  end(chunk?: string | Buffer | (() => void), enc?: BufferEncoding | (() => void), cb?: () => void): this {
    if (this.writableEnded) return this;
    if (typeof chunk === 'function') cb = chunk;
    else if (chunk !== undefined && chunk !== null)
      this.write(chunk, typeof enc === 'string' ? enc : undefined);
    if (typeof enc === 'function') cb = enc;
    this.headersSent = true;
    this.writableEnded = true;
    this.writableFinished = true;
    const headers: TransportHeaders = Object.fromEntries(this.headerMap);
    this.done({
      status: this.statusCode,
      headers,
      body: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks),
    });
    queueMicrotask(() => {
      cb?.();
      this.emit('finish');
      this.emit('close');
    });
    return this;
  }

  /** A handler that gives up on a request answers it with nothing: the caller sees a reset. */
  destroy(err?: Error): this {
    if (!this.writableEnded) {
      this.writableEnded = true;
      this.failed?.(err ?? new Error('the API server closed the in-process request'));
      queueMicrotask(() => this.emit('close'));
    }
    return this;
  }

  failed?: (err: Error) => void;
}

/**
 * Sends `req` to `handler` in process, as `socket`'s connection (the identity bound to it).
 * Headers are those the HTTP client would send; the answer's headers come back lower-cased.
 */
export function dispatchDirect(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  socket: object,
  req: TransportRequest,
  userAgent: string,
): Promise<TransportResponse> {
  const body = encodeBody(req);
  const headers: Record<string, string> = {
    host: 'in-process',
    accept: req.accept ?? 'application/json',
    'user-agent': userAgent,
  };
  if (body) {
    headers['content-type'] = body.contentType;
    headers['content-length'] = String(body.data.length);
  }
  if (req.headers) for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const q = req.query?.toString();
  const url = req.path + (q ? `?${q}` : '');
  return new Promise<TransportResponse>((resolve, reject) => {
    const request = new DirectRequest(req.method, url, headers, body?.data, socket);
    const response = new DirectResponse(resolve);
    response.failed = reject;
    if (req.signal?.aborted) return reject(req.signal.reason as Error);
    handler(request as unknown as IncomingMessage, response as unknown as ServerResponse);
  });
}
