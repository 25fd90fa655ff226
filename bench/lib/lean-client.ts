/**
 * A lean HTTP/1.1 client over one keep-alive TLS connection, for load generators on a 2-core machine.
 * Node's http client costs several times the CPU of the request itself (ClientRequest, agent, parser,
 * events), and with the server on the same two cores that CPU is taken from the server: the figure
 * then measures the client. This one writes the request as one string and parses only the status
 * line, the headers and a Content-Length or chunked body — what a C load generator such as wrk does.
 * Requests on one client go one at a time, in order (a queue, like an agent with maxSockets 1);
 * `timeoutMs` is not supported.
 */
import { connect, type TLSSocket } from 'node:tls';
import type { IncomingHttpHeaders } from 'node:http';
import type { Connection } from '../../test/helpers/kubeconfig.ts';
import type { RequestOptions, Response } from '../../test/helpers/https.ts';

/** The subset of test/helpers/https.ts's client that benchmarks use. */
export interface LeanClient {
  request(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  close(): void;
}

interface Pending {
  head: string;
  body: string | undefined;
  resolve: (r: Response) => void;
  reject: (e: Error) => void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** Parses one complete response at the start of `buf`; undefined until it is all there. */
export function parseResponse(buf: Buffer): { res: Response; used: number } | undefined {
  const end = buf.indexOf(CRLF2);
  if (end < 0) return undefined;
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers: IncomingHttpHeaders = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  const start = end + 4;
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(buf.toString('latin1', at, eol), 16);
      if (buf.length < eol + 2 + size + 2) return undefined;
      if (size === 0)
        return { res: { status, headers, body: Buffer.concat(parts).toString('utf8') }, used: eol + 4 };
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buf.length < start + length) return undefined;
  return {
    res: { status, headers, body: buf.toString('utf8', start, start + length) },
    used: start + length,
  };
}

/** A client for `conn` (https only; client certificate and/or bearer token). */
export function leanHttpsClient(conn: Connection): LeanClient {
  const url = new URL(conn.server);
  if (url.protocol !== 'https:') throw new Error(`lean client: https only, got ${conn.server}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const auth = conn.token ? `authorization: Bearer ${conn.token}\r\n` : '';
  const queue: Pending[] = [];
  let socket: TLSSocket | undefined;
  let buf: Buffer = Buffer.alloc(0);
  let closed = false;

  const fail = (err: Error): void => {
    socket = undefined;
    buf = Buffer.alloc(0);
    // The request on the wire and everything behind it fail; a later request reconnects.
    for (const p of queue.splice(0)) p.reject(err);
  };
  const send = (): void => {
    const p = queue[0];
    if (!p) return;
    if (!socket) {
      const s = connect({ host, port, ca: conn.ca, cert: conn.cert, key: conn.key });
      s.setNoDelay(true);
      s.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        const parsed = parseResponse(buf);
        if (!parsed) return;
        buf = buf.subarray(parsed.used);
        const done = queue.shift();
        if (parsed.res.headers.connection === 'close') {
          socket = undefined;
          buf = Buffer.alloc(0);
          s.destroy();
        }
        done?.resolve(parsed.res);
        send();
      });
      s.on('error', (err) => socket === s && fail(err));
      s.on('close', () => socket === s && fail(new Error('connection closed')));
      socket = s;
    }
    socket.write(p.body === undefined ? p.head : p.head + p.body);
  };

  return {
    request(method, path, opts = {}) {
      if (closed) return Promise.reject(new Error('lean client closed'));
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      let head = `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\n${auth}`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      head += `content-length: ${opts.body === undefined ? 0 : Buffer.byteLength(opts.body)}\r\n\r\n`;
      return new Promise<Response>((resolve, reject) => {
        queue.push({ head, body: opts.body, resolve, reject });
        if (queue.length === 1) send();
      });
    },
    close() {
      closed = true;
      const s = socket;
      socket = undefined;
      s?.destroy();
      for (const p of queue.splice(0)) p.reject(new Error('lean client closed'));
    },
  };
}

/**
 * `clients` lean clients behind one `request`: each request goes to a client with nothing in
 * flight, or — when every one is busy — to the one with the fewest. An open-loop driver needs this:
 * handing requests round-robin to one-at-a-time connections queues a request behind a slow one
 * while others sit idle, and that wait is the client's, not the server's (an HTTP agent with free
 * sockets would not wait either).
 */
export function leanHttpsPool(clients: LeanClient[]): LeanClient & { readonly used: number } {
  if (clients.length === 0) throw new Error('lean pool: no clients');
  const inFlight = clients.map(() => 0);
  let used = 0;
  const pick = (): number => {
    let best = 0;
    for (let i = 0; i < clients.length; i++) {
      if (inFlight[i] === 0) return i;
      if (inFlight[i]! < inFlight[best]!) best = i;
    }
    return best;
  };
  return {
    get used() {
      return used;
    },
    async request(method, path, opts) {
      const i = pick();
      used = Math.max(used, i + 1);
      inFlight[i]!++;
      try {
        return await clients[i]!.request(method, path, opts);
      } finally {
        inFlight[i]!--;
      }
    },
    close() {
      for (const c of clients) c.close();
    },
  };
}
