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

/** What every client needs from the wire. */
export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  stream(req: TransportRequest): Promise<TransportStream>;
}

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
