/**
 * The unary gRPC transport against a fake gRPC server (node:http2 on a unix socket): framing and
 * headers, OK and error trailers, trailers-only answers, deadlines, an unreachable socket, a server
 * that restarts, answers split over many DATA frames — and CriClient's errors on top of it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrpcChannel, GrpcError, GrpcStatus } from './grpc.ts';
import { CriClient } from './client.ts';
import { CriError } from './errors.ts';
import { encode } from './protobuf.ts';
import { criMessages } from './messages.ts';

type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body: Buffer) => void;

const frame = (msg: Buffer): Buffer => {
  const out = Buffer.alloc(5 + msg.length);
  out.writeUInt32BE(msg.length, 1);
  msg.copy(out, 5);
  return out;
};

/** Answers with `msg` and grpc-status 0 in the trailers. */
function ok(stream: http2.ServerHttp2Stream, msg: Buffer): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frame(msg));
}

function fail(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () =>
    stream.sendTrailers({ 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) }),
  );
  stream.end();
}

class FakeServer {
  readonly path: string;
  handler: Handler = (s, _h, body) => ok(s, body);
  seen: http2.IncomingHttpHeaders[] = [];
  #server: http2.Http2Server | undefined;
  #sessions = new Set<http2.ServerHttp2Session>();

  constructor(path: string) {
    this.path = path;
  }

  async start(): Promise<void> {
    const server = http2.createServer();
    server.on('session', (s) => {
      this.#sessions.add(s);
      s.on('close', () => this.#sessions.delete(s));
    });
    server.on('stream', (stream, headers) => {
      this.seen.push(headers);
      stream.on('error', () => {}); // streams this fake resets on purpose
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const all = Buffer.concat(chunks);
        this.handler(stream, headers, all.subarray(5, 5 + all.readUInt32BE(1)));
      });
    });
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    this.#server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.#sessions) s.destroy();
    await new Promise((resolve) => this.#server?.close(resolve));
    this.#server = undefined;
  }
}

describe('GrpcChannel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-grpc-'));
  const server = new FakeServer(join(dir, 'cri.sock'));
  let channel: GrpcChannel;

  before(async () => {
    await server.start();
    channel = new GrpcChannel(`unix://${server.path}`);
  });
  after(async () => {
    channel.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a unary call sends one framed message with gRPC headers and gets the answer', async () => {
    server.handler = (s, _h, body) => ok(s, Buffer.concat([Buffer.from('echo:'), body]));
    const got = await channel.unary('/runtime.v1.RuntimeService/Version', Buffer.from('hi'), 5_000);
    assert.equal(got.toString(), 'echo:hi');
    const h = server.seen.at(-1)!;
    assert.equal(h[':method'], 'POST');
    assert.equal(h[':path'], '/runtime.v1.RuntimeService/Version');
    assert.equal(h['content-type'], 'application/grpc');
    assert.equal(h.te, 'trailers');
    assert.match(String(h['grpc-timeout']), /^\d{1,8}m$/);
  });

  test('an empty request and an empty answer', async () => {
    server.handler = (s) => ok(s, Buffer.alloc(0));
    const got = await channel.unary('/x/Y', Buffer.alloc(0), 5_000);
    assert.equal(got.length, 0);
  });

  test('no deadline: no grpc-timeout header', async () => {
    server.handler = (s) => ok(s, Buffer.alloc(0));
    await channel.unary('/x/Y', Buffer.alloc(0), Infinity);
    assert.equal(server.seen.at(-1)!['grpc-timeout'], undefined);
  });

  test('a large answer split over many DATA frames arrives whole', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'a');
    big[big.length - 1] = 0x7a;
    server.handler = (s) => ok(s, big);
    const got = await channel.unary('/x/Y', Buffer.alloc(0), 10_000);
    assert.equal(got.length, big.length);
    assert.ok(got.equals(big));
  });

  test('several calls at once share the connection', async () => {
    server.handler = (s, _h, body) => setTimeout(() => ok(s, body), 10);
    const got = await Promise.all(
      Array.from({ length: 20 }, (_, i) => channel.unary('/x/Y', Buffer.from(String(i)), 5_000)),
    );
    assert.deepEqual(
      got.map((b) => b.toString()),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  test('grpc-status and grpc-message trailers become a GrpcError', async () => {
    server.handler = (s) => fail(s, GrpcStatus.NOT_FOUND, 'container "abc" not found: 100%');
    await assert.rejects(channel.unary('/x/Y', Buffer.alloc(0), 5_000), (err: unknown) => {
      assert.ok(err instanceof GrpcError);
      assert.equal(err.code, GrpcStatus.NOT_FOUND);
      assert.equal(err.details, 'container "abc" not found: 100%');
      return true;
    });
  });

  test('a trailers-only answer carries its status in the headers', async () => {
    server.handler = (s) =>
      s.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '12',
          'grpc-message': 'unknown method',
        },
        { endStream: true },
      );
    await assert.rejects(channel.unary('/x/Y', Buffer.alloc(0), 5_000), {
      code: 12,
      details: 'unknown method',
    });
  });

  test('a non-gRPC HTTP answer maps by HTTP status', async () => {
    server.handler = (s) => s.respond({ ':status': 404 }, { endStream: true });
    await assert.rejects(channel.unary('/x/Y', Buffer.alloc(0), 5_000), { code: GrpcStatus.UNIMPLEMENTED });
  });

  test('a server that never answers hits the deadline', async () => {
    server.handler = () => {};
    await assert.rejects(channel.unary('/x/Y', Buffer.alloc(0), 200), { code: GrpcStatus.DEADLINE_EXCEEDED });
  });

  test('a reset stream fails as UNAVAILABLE', async () => {
    server.handler = (s) => s.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    await assert.rejects(channel.unary('/x/Y', Buffer.alloc(0), 5_000), { code: GrpcStatus.UNAVAILABLE });
  });

  test('after the server restarts, the next call dials again', async () => {
    server.handler = (s, _h, body) => ok(s, body);
    assert.equal((await channel.unary('/x/Y', Buffer.from('1'), 5_000)).toString(), '1');
    await server.stop();
    await assert.rejects(channel.unary('/x/Y', Buffer.from('2'), 5_000), { code: GrpcStatus.UNAVAILABLE });
    await server.start();
    assert.equal((await channel.unary('/x/Y', Buffer.from('3'), 5_000)).toString(), '3');
  });

  test('CriClient: answers decode, gRPC errors become CriErrors naming the call', async () => {
    const cri = new CriClient({ endpoint: server.path, requestTimeoutMs: 5_000 });
    try {
      const [, , VersionResponse] = criMessages.Version;
      server.handler = (s) =>
        ok(s, encode(VersionResponse, { version: '0.1.0', runtime_name: 'fake', runtime_api_version: 'v1' }));
      assert.deepEqual(await cri.version(), {
        version: '0.1.0',
        runtime_name: 'fake',
        runtime_version: '',
        runtime_api_version: 'v1',
      });
      assert.equal(server.seen.at(-1)![':path'], '/runtime.v1.RuntimeService/Version');

      server.handler = (s) =>
        fail(s, GrpcStatus.NOT_FOUND, 'an error occurred when try to find container "c1"');
      await assert.rejects(cri.startContainer('c1'), (err: unknown) => {
        assert.ok(err instanceof CriError);
        assert.equal(err.code, 'NotFound');
        assert.equal(err.grpcCode, GrpcStatus.NOT_FOUND);
        assert.equal(err.message, 'CRI StartContainer: an error occurred when try to find container "c1"');
        return true;
      });

      server.handler = () => {};
      const slow = new CriClient({ endpoint: server.path, requestTimeoutMs: 100 });
      await assert.rejects(slow.removeContainer('c1'), { code: 'DeadlineExceeded' });
      slow.close();
    } finally {
      cri.close();
    }
  });

  test('a closed channel refuses calls', async () => {
    const c = new GrpcChannel(`unix://${server.path}`);
    c.close();
    await assert.rejects(c.unary('/x/Y', Buffer.alloc(0), 1_000), { code: GrpcStatus.UNAVAILABLE });
  });
});

test('an unreachable socket fails at once as UNAVAILABLE', async () => {
  const c = new GrpcChannel('unix:///nonexistent/berth/cri.sock');
  try {
    await assert.rejects(c.unary('/x/Y', Buffer.alloc(0), 5_000), (err: unknown) => {
      assert.ok(err instanceof GrpcError);
      assert.equal(err.code, GrpcStatus.UNAVAILABLE);
      assert.match(err.details, /ENOENT/);
      return true;
    });
  } finally {
    c.close();
  }
});
