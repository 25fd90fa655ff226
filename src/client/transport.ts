/**
 * The one interface every client call goes through. `http.ts` implements it over HTTPS; the API
 * server can implement it in process (no socket) and tests use `fake-api.ts`. Keeping it this small
 * — a request/response call and a streaming call — is what makes those swaps cheap.
 */

/** One API request. `path` is absolute from the server root (`/api/v1/...`), without a query. */
export interface TransportRequest {
  method: string;
  path: string;
  query?: URLSearchParams;
  /** A Buffer is sent as is; anything else is sent as JSON. */
  body?: unknown;
  /** Content-Type of the body; application/json unless told. */
  contentType?: string;
  /** Accept header; application/json unless told. */
  accept?: string;
  /** Aborts the request (and, for streams, ends the stream). */
  signal?: AbortSignal;
  /** Extra request headers (lower-case names). */
  headers?: Record<string, string>;
}

/** Response headers, lower-cased names. */
export type TransportHeaders = Record<string, string | string[] | undefined>;

/** A complete response. Non-2xx statuses are returned, not thrown: the client decides. */
export interface TransportResponse {
  status: number;
  headers: TransportHeaders;
  body: Buffer;
}

/**
 * A streaming response (watch): status and headers once they arrive, then body chunks with
 * boundaries anywhere. `close` ends the stream early; iteration then finishes without error.
 * For a non-2xx status the chunks are the error body.
 */
export interface TransportStream extends AsyncIterable<Buffer> {
  status: number;
  headers: TransportHeaders;
  close(): void;
}

/**
 * One watch event handed over in process, already decoded: `type` as on the wire (ADDED, MODIFIED,
 * DELETED, BOOKMARK, ERROR) and the object — deep-frozen and possibly shared with the API server's
 * watch cache and other in-process watchers, so it must never be changed.
 */
export interface TransportEvent {
  type: string;
  object: unknown;
}

/**
 * A watch whose events arrive as objects (see `Transport.watchObjects`). For a non-2xx status the
 * iteration yields nothing and `errorBody` reads the error body.
 */
export interface TransportEventStream extends AsyncIterable<TransportEvent> {
  status: number;
  headers: TransportHeaders;
  errorBody(): Promise<Buffer>;
  close(): void;
}

/** What every client needs from the wire. */
export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  stream(req: TransportRequest): Promise<TransportStream>;
  /**
   * A watch without the wire format, offered by in-process transports (client/object-watch.ts):
   * the server hands over its cached objects instead of JSON lines for this side to parse and freeze.
   */
  watchObjects?(req: TransportRequest): Promise<TransportEventStream>;
}

/**
 * Sends one ordinary request to an API server in this process without HTTP framing (the server's
 * `inProcess.requester(user)`); `userAgent` as a client would send it.
 */
export type DirectRequester = (req: TransportRequest, userAgent: string) => Promise<TransportResponse>;

/** The bytes and content type to send for `req.body`, or undefined when there is no body. */
export function encodeBody(req: TransportRequest): { data: Buffer; contentType: string } | undefined {
  if (req.body === undefined) return undefined;
  const data = Buffer.isBuffer(req.body) ? req.body : Buffer.from(JSON.stringify(req.body), 'utf8');
  return { data, contentType: req.contentType ?? 'application/json' };
}

/** Reads a whole stream into one Buffer (used for error bodies of streaming calls). */
export async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
