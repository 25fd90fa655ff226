import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensureClusterPki } from '../../src/apiserver/pki/cluster-pki.ts';
import { leanHttpsClient, leanHttpsPool, parseResponse, type LeanClient } from './lean-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'lean-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('parseResponse: complete, partial, chunked and pipelined responses', () => {
  const cases: { name: string; wire: string; status?: number; body?: string; rest?: string }[] = [
    {
      name: 'content-length',
      wire: 'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}',
      status: 201,
      body: '{}',
    },
    { name: 'partial body', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab' },
    { name: 'partial head', wire: 'HTTP/1.1 200 OK\r\nContent-Le' },
    {
      name: 'chunked',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      status: 200,
      body: 'abcde',
    },
    {
      name: 'chunked, unfinished',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n',
    },
    {
      name: 'two in one read',
      wire: 'HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n',
      status: 404,
      body: 'x',
      rest: 'HTTP/1.1 200 OK\r\n',
    },
    {
      name: 'utf-8 body',
      wire: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n\u00e9x',
      status: 200,
      body: '\u00e9x',
    },
  ];
  for (const c of cases) {
    const buf = Buffer.from(c.wire, 'utf8');
    const r = parseResponse(buf);
    if (c.status === undefined) {
      assert.equal(r, undefined, c.name);
      continue;
    }
    assert.ok(r, c.name);
    assert.equal(r.res.status, c.status, c.name);
    assert.equal(r.res.body, c.body, c.name);
    assert.equal(buf.subarray(r.used).toString(), c.rest ?? '', c.name);
  }
});

test('requests over one TLS connection with a client certificate, in order, and a reconnect', async () => {
  const pki = await ensureClusterPki(dir);
  const peers = new Set<unknown>();
  const server = createServer(
    { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      peers.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/bye') res.setHeader('Connection', 'close');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, accept: req.headers.accept }));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const c = leanHttpsClient({
    server: `https://127.0.0.1:${port}`,
    ca: pki.caCert,
    cert: pki.adminCert,
    key: pki.adminKey,
  });
  try {
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        c.request('POST', `/n/${i}`, { body: `b${i}`, headers: { accept: 'text/x' } }),
      ),
    );
    assert.deepEqual(
      answers.map((a) => JSON.parse(a.body)),
      Array.from({ length: 5 }, (_, i) => ({
        method: 'POST',
        url: `/n/${i}`,
        body: `b${i}`,
        accept: 'text/x',
      })),
    );
    assert.equal(peers.size, 1, 'one keep-alive connection');
    assert.equal((await c.request('GET', '/bye')).status, 200);
    assert.equal(JSON.parse((await c.request('GET', '/again')).body).url, '/again');
    assert.equal(peers.size, 2, 'reconnected after Connection: close');
  } finally {
    c.close();
    server.close();
  }
});

test('leanHttpsPool: a request goes to an idle client, else to the least busy one', async () => {
  const releases: (() => void)[] = [];
  const calls: number[] = [];
  const fake = (id: number): LeanClient => ({
    request: () =>
      new Promise((resolve) => {
        calls.push(id);
        releases.push(() => resolve({ status: 200, headers: {}, body: String(id) }));
      }),
    close: () => {},
  });
  const pool = leanHttpsPool([fake(0), fake(1), fake(2)]);
  const first = [pool.request('GET', '/'), pool.request('GET', '/')];
  assert.deepEqual(calls, [0, 1], 'two idle clients, in order');
  assert.equal(pool.used, 2);
  releases[0]!();
  assert.equal((await first[0]).body, '0');
  void pool.request('GET', '/');
  assert.deepEqual(calls, [0, 1, 0], 'client 0 is idle again and comes first');
  void pool.request('GET', '/');
  void pool.request('GET', '/');
  assert.deepEqual(calls, [0, 1, 0, 2, 0], 'then the last idle one, then the least busy (0 and 1 tie)');
  for (const r of releases) r();
});
