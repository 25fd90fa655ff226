import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { httpTransport } from './http.ts';
import type { LoadedKubeconfig } from './kubeconfig.ts';
import { readAll } from './transport.ts';

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
let streamRes: ServerResponse | undefined;

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(parts).toString(),
      });
      if (req.url?.includes('/slow')) return; // never answers
      if (req.url?.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED",');
        streamRes = res;
        return;
      }
      res.writeHead(req.url?.includes('missing') ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const kc = (over: Partial<LoadedKubeconfig> = {}): LoadedKubeconfig => ({
  context: 'c',
  server: base,
  insecureSkipTlsVerify: false,
  namespace: 'default',
  ...over,
});

test('refuses to send credentials over plain http', () => {
  assert.throws(() => httpTransport(kc({ token: 'secret' })), /plain http/);
  assert.throws(() => httpTransport(kc({ clientCert: 'c', clientKey: 'k' })), /plain http/);
  assert.throws(() => httpTransport(kc({ server: 'ftp://x' })), /unsupported/);
});

test('request sends method, prefixed path, query, JSON body and headers; returns non-2xx without throwing', async () => {
  const t = httpTransport(kc({ server: base + '/prefix/' }));
  try {
    const res = await t.request({
      method: 'POST',
      path: '/api/v1/things',
      query: new URLSearchParams({ dryRun: 'All' }),
      body: { a: 1 },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body.toString()), { ok: true });
    const last = seen[seen.length - 1];
    assert.equal(last.url, '/prefix/api/v1/things?dryRun=All');
    assert.equal(last.body, '{"a":1}');
    assert.equal(last.headers['content-type'], 'application/json');
    assert.equal(last.headers.accept, 'application/json');
    assert.equal(last.headers.authorization, undefined);
    const raw = await t.request({
      method: 'PATCH',
      path: '/missing',
      body: Buffer.from('[]'),
      contentType: 'application/json-patch+json',
    });
    assert.equal(raw.status, 404);
    assert.equal(seen[seen.length - 1].headers['content-type'], 'application/json-patch+json');
  } finally {
    t.close();
  }
});

test('request times out', async () => {
  const t = httpTransport(kc(), { timeoutMs: 200, connectTimeoutMs: 200 });
  try {
    await assert.rejects(t.request({ method: 'GET', path: '/slow' }), /no response within 200 ms|timed out/);
  } finally {
    t.close();
  }
});

test('stream yields chunks as they arrive and close ends iteration quietly', async () => {
  const t = httpTransport(kc());
  try {
    const s = await t.stream({
      method: 'GET',
      path: '/api/v1/pods',
      query: new URLSearchParams({ watch: 'true' }),
    });
    assert.equal(s.status, 200);
    const got: string[] = [];
    const done = (async () => {
      for await (const c of s) {
        got.push(c.toString());
        if (got.join('').includes('\n')) s.close();
      }
    })();
    streamRes?.write('"object":{"metadata":{}}}\n');
    await done;
    assert.equal(got.join(''), '{"type":"ADDED","object":{"metadata":{}}}\n');
  } finally {
    t.close();
  }
});

test('readAll concatenates a stream', async () => {
  async function* gen(): AsyncGenerator<Buffer> {
    yield Buffer.from('a');
    yield Buffer.from('b');
  }
  assert.equal((await readAll(gen())).toString(), 'ab');
});
