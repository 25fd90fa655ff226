/**
 * A bare Node HTTPS server that answers each request with a canned response: the baseline for API
 * server benchmarks (same TLS, same bytes on the wire, none of the API machinery). Run as its own
 * process, like the server it stands in for:
 *   node bench/lib/replay-server.ts CERT KEY RESPONSES.json
 * RESPONSES maps "METHOD /path" (query ignored) to { status, contentType, body }. Prints its port.
 */
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';

/** One canned answer. */
export interface CannedResponse {
  status: number;
  contentType: string;
  body: string;
}

const [certFile, keyFile, responsesFile] = process.argv.slice(2);
if (!certFile || !keyFile || !responsesFile) {
  process.stderr.write('usage: replay-server.ts CERT KEY RESPONSES.json\n');
  process.exit(2);
}
const responses = JSON.parse(readFileSync(responsesFile, 'utf8')) as Record<string, CannedResponse>;

const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const key = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const canned = responses[key];
    if (!canned) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no canned response for ${key}\n`);
      return;
    }
    res.writeHead(canned.status, {
      'content-type': canned.contentType,
      'content-length': Buffer.byteLength(canned.body),
    });
    res.end(canned.body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
