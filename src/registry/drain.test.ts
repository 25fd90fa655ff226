import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { answerRefused } from './drain.ts';

let server: Server;
let port = 0;
/** Per request path: the body bytes the server read, and whether the whole body arrived. */
const received = new Map<string, Promise<{ bytes: number; complete: boolean }>>();

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const bytes = Number(url.searchParams.get('limit') ?? 1 << 30);
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    const done = new Promise<void>((r) => {
      req.once('close', r);
      req.socket.once('close', r);
    });
    received.set(
      url.pathname,
      done.then(() => ({ bytes: n, complete: req.complete })),
    );
    answerRefused(req, res, 403, { 'Content-Type': 'text/plain' }, Buffer.from('refused'), { bytes });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(
  () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
);

const MiB = 1024 * 1024;

/** Reads one HTTP/1.1 response (Content-Length framed) from `socket`. */
function readResponse(socket: Socket): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = buf.subarray(0, end).toString();
      const length = Number(/^content-length: *(\d+)/im.exec(headers)?.[1]);
      if (buf.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.pause();
      const status = Number(headers.split(' ')[1]);
      resolve({ status, headers, body: buf.subarray(end + 4, end + 4 + length).toString() });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Writes `n` bytes in 256 KiB pieces; rejects once the socket is closed under it. */
async function writeBytes(socket: Socket, n: number): Promise<void> {
  const piece = Buffer.alloc(256 * 1024, 2);
  const gone = new Error('socket closed while writing');
  for (let left = n; left > 0; left -= piece.length) {
    if (socket.destroyed) throw gone;
    if (socket.write(left >= piece.length ? piece : piece.subarray(0, left))) continue;
    await new Promise<void>((resolve, reject) => {
      const onClose = (): void => reject(gone);
      socket.once('close', onClose).once('drain', () => {
        socket.off('close', onClose);
        resolve();
      });
    });
  }
}

/**
 * PATCHes `total` bytes over a raw connection: the first 256 KiB before the answer, the rest only
 * after the whole answer arrived, as a client streaming a big chunk would. With `close` the
 * request asks for `Connection: close`; otherwise, once the body is written, a second (bodiless)
 * request goes over the same connection. Resolves with the answers and the first socket error.
 */
async function refusedUpload(
  path: string,
  total: number,
  opts: { close: boolean },
): Promise<{ status: number; body: string; next?: number; error?: Error }> {
  const socket = connect(port, '127.0.0.1');
  let error: Error | undefined;
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', (e) => (error ??= e));
  const head = (p: string, length: number): string =>
    `PATCH ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n` +
    `${opts.close ? 'Connection: close\r\n' : ''}\r\n`;
  let answer = { status: 0, body: '' };
  try {
    socket.write(head(path, total));
    await writeBytes(socket, 256 * 1024);
    answer = await readResponse(socket);
    socket.resume();
    await writeBytes(socket, total - 256 * 1024);
    let next: number | undefined;
    if (opts.close) {
      socket.end();
    } else {
      socket.write(head(`${path}-next`, 0));
      next = (await readResponse(socket)).status;
      socket.end();
    }
    await closed;
    return {
      status: answer.status,
      body: answer.body,
      ...(next ? { next } : {}),
      ...(error ? { error } : {}),
    };
  } catch (err) {
    socket.destroy();
    return { status: answer.status, body: answer.body, error: error ?? (err as Error) };
  }
}

for (const close of [false, true]) {
  const kind = close ? 'a Connection: close request' : 'a kept-alive connection';
  test(`${kind}: a refused upload is drained; the client reads the answer and finishes writing without a reset`, async () => {
    const path = close ? '/close' : '/keep-alive';
    const r = await refusedUpload(path, 8 * MiB, { close });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 403);
    assert.equal(r.body, 'refused');
    assert.deepEqual(await received.get(path), { bytes: 8 * MiB, complete: true });
    // Kept alive, the connection carries the next request once the refused body is drained.
    if (!close) assert.equal(r.next, 403);
  });
}

test('past the drain limit the connection is closed instead of read forever', async () => {
  const r = await refusedUpload(`/limit?limit=${MiB}`, 64 * MiB, { close: true });
  assert.equal(r.status, 403, `the answer did not arrive first: ${String(r.error)}`);
  assert.equal(r.body, 'refused');
  assert.ok(r.error, 'writing past the limit fails');
  assert.equal((await received.get('/limit'))?.complete, false);
});
