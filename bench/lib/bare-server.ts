/**
 * A bare Node HTTPS server standing in for the API server as a same-run baseline: the same TLS
 * certificate and key, the same client-certificate request, none of the API machinery. Run as its
 * own process, like the server it stands in for:
 *   node bench/lib/bare-server.ts CERT KEY [CA]
 * It prints its port on stdout and then serves:
 *   POST /__canned        body {key, status, contentType, body}: answer "METHOD /path" (query ignored) with it
 *   GET  ...?watch=...    holds the response open as a watch stream (headers flushed at once)
 *   POST /__fanout        writes the request body plus "\n" to every open watch stream, then answers
 *                         {"watchers": N} — the write's response comes after the fan-out, as a real write would
 *   anything else         the canned response for "METHOD /path", or 404
 */
import { createServer, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

/** One canned answer, as registered through POST /__canned. */
export interface CannedAnswer {
  key: string;
  status: number;
  contentType: string;
  body: string;
}

interface Canned {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const [certFile, keyFile, caFile] = process.argv.slice(2);
if (!certFile || !keyFile) {
  process.stderr.write('usage: bare-server.ts CERT KEY [CA]\n');
  process.exit(2);
}

const canned = new Map<string, Canned>();
const streams = new Set<ServerResponse>();

const tls: ServerOptions = {
  cert: readFileSync(certFile),
  key: readFileSync(keyFile),
  ...(caFile ? { ca: readFileSync(caFile) } : {}),
  // Like the API server: ask for a client certificate, decide about it per request.
  requestCert: true,
  rejectUnauthorized: false,
  keepAliveTimeout: 75_000,
};

const server = createServer(tls, (req, res) => {
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  if (req.method === 'GET' && /(^|&)watch=(true|1)(&|$)/.test(query)) {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  void readBody(req).then((body) => {
    if (req.method === 'POST' && path === '/__canned') {
      const a = JSON.parse(body.toString('utf8')) as CannedAnswer;
      const bytes = Buffer.from(a.body, 'utf8');
      canned.set(a.key, {
        status: a.status,
        headers: { 'content-type': a.contentType, 'content-length': String(bytes.length) },
        body: bytes,
      });
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && path === '/__fanout') {
      const line = Buffer.concat([body, Buffer.from('\n')]);
      for (const s of streams) s.write(line);
      const out = JSON.stringify({ watchers: streams.size });
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(out)),
        })
        .end(out);
      return;
    }
    const c = canned.get(`${req.method} ${path}`);
    if (!c) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`no canned response for ${req.method} ${path}\n`);
      return;
    }
    res.writeHead(c.status, c.headers).end(c.body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => {
  for (const s of streams) s.end();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
