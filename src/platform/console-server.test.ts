/**
 * The console server over real TLS sockets, against a fake API server that checks the credentials
 * the proxy presents: login and its brakes, CSRF refusals, sessions, static pages, and the proxy
 * (paths, headers, streaming watches, closing upstream when the browser goes).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request, type Server } from 'node:https';
import { connect } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createCertificateAuthority, issueClientCert, issueServingCert } from '../apiserver/pki/issue.ts';
import { ClusterRegistry } from './cluster-registry.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { LoginLimiter } from './login-limiter.ts';
import { SessionStore } from './sessions.ts';
import { StaticFiles } from './static-files.ts';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const quiet = { info: () => undefined, warn: () => undefined };

describe('console server', () => {
  let dir: string;
  let upstream: Server;
  let upstreamPort = 0;
  let web: ConsoleServer;
  let ca: string;
  const seen: {
    path: string;
    cn: string;
    cookie?: string;
    authorization?: string;
    method: string;
    body: string;
  }[] = [];
  let watchClosed: Promise<void> = Promise.resolve();
  let releaseWatch: () => void = () => undefined;
  let slowArrived: () => void = () => undefined;
  let releaseSlow: () => void = () => undefined;
  const slowSeen = new Promise<void>((r) => (slowArrived = r));
  const answerSlow = new Promise<void>((r) => (releaseSlow = r));

  const call = (
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: web.port,
          method,
          path,
          ca,
          servername: 'localhost',
          headers: opts.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    });
  const json = (a: Answer): Record<string, unknown> =>
    JSON.parse(a.body.toString()) as Record<string, unknown>;
  const csrf = { 'x-berth-console': '1' };
  let cookie = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-console-test-'));
    const caPair = await createCertificateAuthority();
    ca = caPair.cert;
    const authority = { caCert: caPair.cert, caKey: caPair.key };
    const serving = await issueServingCert(authority, { dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    const client = await issueClientCert(authority, {
      commonName: 'admin',
      organizations: ['system:masters'],
    });

    // The fake API server: records what arrived, answers lists, and holds a watch open.
    let closeWatch: () => void = () => undefined;
    watchClosed = new Promise((r) => (closeWatch = r));
    upstream = createHttpsServer(
      { cert: serving.cert, key: serving.key, ca: caPair.cert, requestCert: true, rejectUnauthorized: true },
      (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const peer = (req.socket as TLSSocket).getPeerCertificate();
          seen.push({
            path: req.url ?? '',
            cn: String(peer.subject?.CN ?? ''),
            cookie: req.headers.cookie,
            authorization: req.headers.authorization,
            method: req.method ?? '',
            body: Buffer.concat(chunks).toString(),
          });
          if (req.url?.includes('watch=1')) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
            releaseWatch = () => res.write('{"type":"ADDED","object":{"metadata":{"name":"b"}}}\n');
            res.on('close', () => closeWatch());
            return;
          }
          if (req.url?.includes('slow=1')) {
            // Answers once the test has seen the browser's stream go away.
            void answerSlow.then(() => {
              res.writeHead(201, { 'content-type': 'application/json' });
              res.end('{"kind":"Namespace","metadata":{"name":"slow"}}');
            });
            slowArrived();
            return;
          }
          if (req.url?.startsWith('/api/v1/namespaces/missing')) {
            res.writeHead(404, { 'content-type': 'application/json', 'set-cookie': 'upstream=1' });
            res.end(
              JSON.stringify({
                kind: 'Status',
                code: 404,
                reason: 'NotFound',
                message: 'namespaces "missing" not found',
              }),
            );
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'NamespaceList', items: [], metadata: { resourceVersion: '7' } }));
        });
      },
    );
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const addr = upstream.address();
    upstreamPort = typeof addr === 'object' && addr ? addr.port : 0;

    const clusters = new ClusterRegistry();
    clusters.add({
      name: 'local',
      displayName: 'local',
      server: `https://127.0.0.1:${upstreamPort}`,
      caCert: caPair.cert,
      clientCert: client.cert,
      clientKey: client.key,
    });
    clusters.add({ name: 'down', displayName: 'down', server: 'https://127.0.0.1:1', caCert: caPair.cert });

    const staticDir = join(dir, 'dist');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(
      join(staticDir, 'assets', 'app-abc123.js'),
      `console.log(${JSON.stringify('x'.repeat(4000))});`,
    );

    web = await startConsoleServer({
      host: '127.0.0.1',
      port: 0,
      tls: await issueServingCert(authority, {
        dnsNames: ['localhost'],
        ips: ['127.0.0.1'],
        commonName: 'berth-console',
      }),
      adminPassword: 'right-password',
      clusters,
      sessions: new SessionStore(),
      limiter: new LoginLimiter({ perClient: 3 }),
      files: new StaticFiles(staticDir),
      log: quiet,
    });
  });

  after(async () => {
    await web?.close();
    await new Promise<void>((r) => upstream?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('pages: index for app routes, hashed assets cached and gzipped, missing assets 404', async () => {
    for (const path of ['/', '/login', '/c/local/pods?namespace=a']) {
      const a = await call('GET', path);
      assert.equal(a.status, 200, path);
      assert.match(a.body.toString(), /id="root"/);
      assert.equal(a.headers['cache-control'], 'no-cache');
      assert.match(String(a.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(a.headers['x-frame-options'], 'DENY');
    }
    const asset = await call('GET', '/assets/app-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(asset.headers['content-encoding'], 'gzip');
    assert.match(String(asset.headers['cache-control']), /immutable/);
    assert.match(gunzipSync(asset.body).toString(), /^console\.log/);
    assert.equal((await call('GET', '/assets/gone-1.js')).status, 404);
    assert.equal((await call('POST', '/', { headers: csrf })).status, 405);
  });

  test('login: CSRF header required, wrong password 401, then 429 after repeated failures', async () => {
    const body = JSON.stringify({ username: 'admin', password: 'wrong' });
    const noHeader = await call('POST', '/api/login', { body });
    assert.equal(noHeader.status, 403);
    assert.match(String(json(noHeader).message), /x-berth-console/);
    const crossSite = await call('POST', '/api/login', {
      body,
      headers: { ...csrf, origin: 'https://evil.example' },
    });
    assert.equal(crossSite.status, 403);
    assert.match(String(json(crossSite).message), /cross-origin/);
    assert.equal((await call('POST', '/api/login', { body: 'not json', headers: csrf })).status, 400);
    for (let i = 0; i < 3; i++) {
      const a = await call('POST', '/api/login', { body, headers: csrf });
      assert.equal(a.status, 401);
      assert.deepEqual(
        { kind: json(a).kind, reason: json(a).reason, message: json(a).message },
        { kind: 'Status', reason: 'Unauthorized', message: 'invalid user name or password' },
      );
      assert.equal(a.headers['set-cookie'], undefined);
    }
    const limited = await call('POST', '/api/login', {
      body: JSON.stringify({ username: 'admin', password: 'right-password' }),
      headers: csrf,
    });
    assert.equal(limited.status, 429, 'even the right password waits once the client is over the limit');
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });

  test('session: login sets an HttpOnly cookie; the API needs it', async () => {
    // The limiter above blocked 127.0.0.1; a fresh server state is not needed: use another source address.
    const a = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          localAddress: '127.0.0.2',
          port: web.port,
          method: 'POST',
          path: '/api/login',
          ca,
          servername: 'localhost',
          headers: {
            ...csrf,
            'content-type': 'application/json',
            origin: `https://127.0.0.1:${web.port}`,
            host: `127.0.0.1:${web.port}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'admin', password: 'right-password' }));
    });
    assert.equal(a.status, 200, a.body.toString());
    const set = String(a.headers['set-cookie']);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    cookie = set.split(';')[0];

    assert.deepEqual(json(await call('GET', '/api/session')), { user: null });
    assert.deepEqual(json(await call('GET', '/api/session', { headers: { cookie } })), { user: 'admin' });
    assert.equal((await call('GET', '/api/clusters')).status, 401);
    const clusters = await call('GET', '/api/clusters', { headers: { cookie } });
    assert.equal(clusters.status, 200);
    assert.doesNotMatch(
      clusters.body.toString(),
      /BEGIN|clientKey|caCert/,
      'no credentials reach the browser',
    );
    assert.deepEqual(
      (json(clusters).items as { name: string }[]).map((c) => c.name),
      ['down', 'local'],
    );
    assert.equal((await call('GET', '/api/nothing', { headers: { cookie } })).status, 404);
  });

  test('proxy: forwards with the cluster credentials, never the browser cookie', async () => {
    seen.length = 0;
    const a = await call('GET', '/api/clusters/local/k8s/api/v1/namespaces?limit=5', {
      headers: { cookie, authorization: 'Bearer from-browser' },
    });
    assert.equal(a.status, 200);
    assert.equal(json(a).kind, 'NamespaceList');
    assert.equal(a.headers['cache-control'], 'no-store');
    assert.deepEqual(
      seen.map((s) => ({ ...s, body: undefined })),
      [
        {
          path: '/api/v1/namespaces?limit=5',
          cn: 'admin',
          cookie: undefined,
          authorization: undefined,
          method: 'GET',
          body: undefined,
        },
      ],
    );

    const missing = await call('GET', '/api/clusters/local/k8s/api/v1/namespaces/missing', {
      headers: { cookie },
    });
    assert.equal(missing.status, 404);
    assert.equal(json(missing).message, 'namespaces "missing" not found');
    assert.equal(missing.headers['set-cookie'], undefined, 'upstream cookies are not passed on');

    const post = await call('POST', '/api/clusters/local/k8s/api/v1/namespaces', {
      headers: { cookie, ...csrf, 'content-type': 'application/json' },
      body: '{"metadata":{"name":"x"}}',
    });
    assert.equal(post.status, 200);
    assert.equal(seen.at(-1)?.body, '{"metadata":{"name":"x"}}');
    assert.equal(
      (await call('DELETE', '/api/clusters/local/k8s/api/v1/namespaces/x', { headers: { cookie } })).status,
      403,
      'mutations need the CSRF header even with a session',
    );
  });

  test('proxy: a create resent under its request key runs once upstream; every attempt gets the answer', async () => {
    seen.length = 0;
    const create = (key: string, name: string) =>
      call('POST', '/api/clusters/local/k8s/api/v1/namespaces', {
        headers: { cookie, ...csrf, 'content-type': 'application/json', 'x-berth-request-key': key },
        body: JSON.stringify({ metadata: { name } }),
      });
    // The resend may arrive while the first attempt is still under way, or after it.
    const [first, concurrent] = await Promise.all([create('key-1', 'a'), create('key-1', 'a')]);
    const later = await create('key-1', 'a');
    const other = await create('key-2', 'b');
    for (const a of [first, concurrent, later, other]) {
      assert.equal(a.status, 200);
      assert.equal(json(a).kind, 'NamespaceList');
      assert.equal(a.headers['content-type'], 'application/json');
    }
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.body}`),
      ['POST {"metadata":{"name":"a"}}', 'POST {"metadata":{"name":"b"}}'],
    );
  });

  test('proxy: keyed updates and patches run once too; unkeyed ones pass straight through', async () => {
    seen.length = 0;
    const write = (method: string, key: string | undefined, contentType: string) =>
      call(method, '/api/clusters/local/k8s/api/v1/namespaces/a', {
        headers: {
          cookie,
          ...csrf,
          'content-type': contentType,
          ...(key ? { 'x-berth-request-key': key } : {}),
        },
        body: '{"metadata":{"name":"a","resourceVersion":"7"}}',
      });
    const json = 'application/json';
    const sm = 'application/strategic-merge-patch+json';
    const answers = [
      ...(await Promise.all([write('PUT', 'put-1', json), write('PUT', 'put-1', json)])),
      await write('PATCH', 'patch-1', sm),
      await write('PATCH', 'patch-1', sm),
      await write('PUT', undefined, json),
      await write('PUT', undefined, json),
    ];
    for (const a of answers) assert.equal(a.status, 200);
    assert.deepEqual(
      seen.map((s) => s.method),
      ['PUT', 'PATCH', 'PUT', 'PUT'],
    );
  });

  test('proxy over HTTP/2: a keyed create whose stream the browser reset completes; the resend gets it', async () => {
    seen.length = 0;
    const path = '/api/clusters/local/k8s/api/v1/namespaces?slow=1';
    const headers = { cookie, ...csrf, 'content-type': 'application/json', 'x-berth-request-key': 'key-3' };
    const session = connect(`https://127.0.0.1:${web.port}`, { ca, servername: 'localhost' });
    try {
      const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
      stream.on('error', () => undefined);
      stream.end('{"metadata":{"name":"slow"}}');
      await slowSeen;
      // What chromium does on a network change: the session and its streams are gone.
      stream.close();
      session.destroy();
    } finally {
      session.destroy();
    }
    const resend = call('POST', path, { headers, body: '{"metadata":{"name":"slow"}}' });
    releaseSlow();
    const a = await resend;
    assert.equal(a.status, 201);
    assert.equal(json(a).kind, 'Namespace');
    assert.equal(seen.filter((s) => s.method === 'POST').length, 1, 'the cluster saw one create');
  });

  test('proxy over HTTP/2: a keyed create reset before its end: the resend is answered, the cluster saw one create', async () => {
    seen.length = 0;
    const body = '{"metadata":{"name":"cut"}}';
    const headers = {
      cookie,
      ...csrf,
      'content-type': 'application/json',
      'content-length': String(body.length),
      'x-berth-request-key': 'key-4',
    };
    const session = connect(`https://127.0.0.1:${web.port}`, { ca, servername: 'localhost' });
    const stream = session.request({
      ':method': 'POST',
      ':path': '/api/clusters/local/k8s/api/v1/namespaces',
      ...headers,
    });
    stream.on('error', () => undefined);
    // The whole body, but the stream is reset before it ends.
    await new Promise<void>((r) => stream.write(body, () => r()));
    await new Promise((r) => setTimeout(r, 100));
    session.destroy();
    const resend = await call('POST', '/api/clusters/local/k8s/api/v1/namespaces', { headers, body });
    assert.equal(resend.status, 200);
    assert.deepEqual(
      seen.map((s) => s.body),
      [body],
    );
  });

  test('proxy: unknown cluster 404, unreachable cluster 502, non-API path 404', async () => {
    const unknown = await call('GET', '/api/clusters/nope/k8s/api/v1/pods', { headers: { cookie } });
    assert.equal(unknown.status, 404);
    assert.match(String(json(unknown).message), /cluster "nope" not found/);
    const down = await call('GET', '/api/clusters/down/k8s/api/v1/pods', { headers: { cookie } });
    assert.equal(down.status, 502);
    assert.match(String(json(down).message), /cluster "down" is unreachable/);
    assert.equal((await call('GET', '/api/clusters/local/k8s/metrics', { headers: { cookie } })).status, 404);
  });

  test('proxy over HTTP/2: a watch streams event by event and closing it closes upstream', async () => {
    const session = connect(`https://127.0.0.1:${web.port}`, { ca, servername: 'localhost' });
    try {
      const stream = session.request({
        ':path': '/api/clusters/local/k8s/api/v1/namespaces?watch=1',
        cookie,
      });
      const lines: string[] = [];
      let buf = '';
      const gotLine = (n: number) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (lines.length >= n) {
              stream.off('data', onData);
              resolve();
            }
          };
          const onData = (c: Buffer) => {
            buf += c.toString();
            const parts = buf.split('\n');
            buf = parts.pop() ?? '';
            lines.push(...parts);
            check();
          };
          stream.on('data', onData);
          check();
        });
      await gotLine(1);
      assert.match(lines[0], /"name":"a"/, 'the first event arrives while the watch is still open');
      releaseWatch();
      await gotLine(2);
      assert.match(lines[1], /"name":"b"/);
      stream.close();
      await watchClosed;
    } finally {
      session.close();
    }
  });

  test('logout ends the session and clears the cookie', async () => {
    const out = await call('POST', '/api/logout', { headers: { cookie, ...csrf } });
    assert.equal(out.status, 200);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    assert.deepEqual(json(await call('GET', '/api/session', { headers: { cookie } })), { user: null });
    assert.equal((await call('GET', '/api/clusters', { headers: { cookie } })).status, 401);
  });
});
