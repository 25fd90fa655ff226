import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { drainRefused } from './drain.ts';

let server: Server;
let port = 0;

before(async () => {
  server = createServer((req, res) => {
    const bytes = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('limit') ?? 1 << 30);
    drainRefused(req, res, { bytes });
    res.writeHead(403, { 'Content-Type': 'text/plain' }).end('refused');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** PATCHes `total` bytes; the first chunk goes before the answer, the rest after it arrived. */
function refusedUpload(
  path: string,
  total: number,
): Promise<{ status: number; body: string; error?: Error }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(256 * 1024, 1);
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PATCH',
      path,
      headers: { 'Content-Length': total },
    });
    let answer: { status: number; body: string } | undefined;
    req.on('error', (error) => resolve({ status: answer?.status ?? 0, body: answer?.body ?? '', error }));
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', async () => {
        answer = { status: res.statusCode ?? 0, body };
        // The client only now writes the rest, as a client streaming a big chunk would.
        req.end(Buffer.alloc(total - chunk.length, 2), () => resolve(answer!));
      });
    });
    req.write(chunk);
  });
}

test('a refused upload is drained: the client reads the answer and finishes writing without a reset', async () => {
  const r = await refusedUpload('/', 8 * 1024 * 1024);
  assert.equal(r.error, undefined);
  assert.equal(r.status, 403);
  assert.equal(r.body, 'refused');
  // The connection stays usable: a second request on a fresh socket is answered too.
  assert.equal((await refusedUpload('/', 256 * 1024)).status, 403);
});

test('past the drain limit the connection is closed instead of read forever', async () => {
  const r = await refusedUpload(`/?limit=${1024 * 1024}`, 64 * 1024 * 1024);
  assert.equal(r.status, 403, 'the answer still arrived first');
  assert.ok(r.error, 'writing past the limit fails');
});
