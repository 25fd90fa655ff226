/**
 * Ingress end to end: a real `berth server`, a real `berth ingress` driving a real nginx, and two
 * HTTP backends in this process on 127.0.0.1 (Services without selectors plus EndpointSlices written
 * here, managed by this test, since simulated pods have no reachable IPs). Covers routing by host
 * and path, TLS by SNI with a Secret's certificate, an invalid Ingress reported while the others keep
 * serving, rewrite-target, basic auth, endpoint changes applied within a second, and a reload that
 * does not drop an in-flight request.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/object.ts';
import { WebSocket, WebSocketServer } from 'ws';
import { Client } from '../../src/client/client.ts';
import { httpTransport, type HttpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { createCertificateAuthority, issueServingCert } from '../../src/apiserver/pki/issue.ts';
import { findNginx } from '../../src/ingress/nginx.ts';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';

const ns = 'default';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function skip(): string | false {
  const why = e2eSkip({ kubectl: false });
  if (why) return why;
  return existsSync(findNginx()) ? false : 'nginx is not installed (apt-get install nginx)';
}

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request through the ingress, with a Host header (and SNI for https). */
function request(
  url: string,
  host: string,
  opts: { headers?: Record<string, string>; ca?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers: { Host: host, ...opts.headers },
        servername: host,
        ca: opts.ca,
        agent: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `fn` until `ok` holds; fails with the last value after `timeoutMs`. */
async function eventually<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | string;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: gave up; last: ${JSON.stringify(last)}`);
    await sleep(50);
  }
}

/**
 * Like `eventually`, but `ok` must hold for three polls in a row: for a moment after a reload, old
 * nginx workers (previous configuration) still accept connections beside the new ones.
 */
async function settled<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  let streak = 0;
  return eventually(
    fn,
    (v) => {
      streak = ok(v) ? streak + 1 : 0;
      return streak >= 3;
    },
    what,
    timeoutMs,
  );
}

/** A backend answering `NAME PATH` with the request headers as JSON after a newline; /slow waits 1.5 s. */
function backend(name: string): Promise<http.Server> {
  const srv = http.createServer((req, res) => {
    const answer = (): void => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${name} ${req.url}\n${JSON.stringify(req.headers)}`);
    };
    if (req.url?.startsWith('/slow')) setTimeout(answer, 1500);
    else answer();
  });
  // Websocket upgrades echo `NAME:message`.
  new WebSocketServer({ server: srv }).on('connection', (ws) =>
    ws.on('message', (m: Buffer) => ws.send(`${name}:${m.toString()}`)),
  );
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

const portOf = (s: http.Server): number => (s.address() as AddressInfo).port;

const service = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
});

const slice = (svc: string, port: number) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: `${svc}-e2e`,
    namespace: ns,
    labels: { 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'ingress-e2e' },
  },
  addressType: 'IPv4',
  ports: [{ name: 'http', port, protocol: 'TCP' }],
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
});

const backendRef = (name: string) => ({ service: { name, port: { number: 80 } } });

function ingress(
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: ns, annotations },
    spec,
  };
}

const rule = (host: string, paths: [string, string, string][]) => ({
  host,
  http: { paths: paths.map(([path, pathType, svc]) => ({ path, pathType, backend: backendRef(svc) })) },
});

describe('berth ingress on nginx', { skip: skip() }, () => {
  const s = useServer();
  let transport: HttpTransport;
  let client: Client;
  let a: http.Server;
  let b: http.Server;
  let dir = '';
  let ctl: ChildProcess | undefined;
  let ctlLog = '';
  let httpUrl = '';
  let httpsUrl = '';
  let httpsPort = 0;
  let caPem = '';

  const ingresses = () => client.resource('networking.k8s.io', 'v1', 'ingresses');
  const slices = () => client.resource('discovery.k8s.io', 'v1', 'endpointslices');

  before(async () => {
    transport = httpTransport(await loadKubeconfig(s.server.kubeconfig));
    client = new Client(transport);
    [a, b] = await Promise.all([backend('A'), backend('B')]);
    for (const [svc, srv] of [
      ['svc-a', a],
      ['svc-b', b],
    ] as const) {
      await client.resource('', 'v1', 'services').create(ns, service(svc));
      await slices().create(ns, slice(svc, portOf(srv)));
    }
    dir = mkdtempSync(join(tmpdir(), 'berth-ingress-e2e-'));
    const hp = await freePort();
    httpsPort = await freePort();
    httpUrl = `http://127.0.0.1:${hp}`;
    httpsUrl = `https://127.0.0.1:${httpsPort}`;
    ctl = spawn(
      berthBin,
      [
        'ingress',
        '--kubeconfig',
        s.server.kubeconfig,
        '--data-dir',
        dir,
        '--http-listen',
        `127.0.0.1:${hp}`,
        '--https-listen',
        `127.0.0.1:${httpsPort}`,
        '--publish-address',
        '127.0.0.1',
        '--worker-processes',
        '1',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    ctl.stdout!.on('data', (c: Buffer) => (ctlLog += c.toString()));
    ctl.stderr!.on('data', (c: Buffer) => (ctlLog += c.toString()));
    await eventually(
      () => request(`${httpUrl}/`, 'nothing.example.com'),
      (r) => r.status === 404,
      'nginx up',
      20_000,
    );
    const ca = await createCertificateAuthority('ingress-e2e-ca');
    caPem = ca.cert;
  });

  after(async (c) => {
    if (ctl && ctl.exitCode === null) {
      const exited = new Promise((r) => ctl!.once('exit', r));
      ctl.kill('SIGTERM');
      const timer = setTimeout(() => ctl!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if ((c as { passed?: boolean }).passed === false || process.env.BERTH_TEST_LOGS === '1')
      process.stderr.write(`\n--- berth ingress log ---\n${ctlLog}\n--- end ---\n`);
    a?.close();
    b?.close();
    a?.closeAllConnections();
    b?.closeAllConnections();
    transport?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('creates the default IngressClass berth', async () => {
    const cls = await client.resource('networking.k8s.io', 'v1', 'ingressclasses').get(undefined, 'berth');
    assert.equal((cls.spec as { controller: string }).controller, 'berth.io/ingress-nginx');
    assert.equal(cls.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
  });

  test('routes two hosts and two paths to the right backends, with X-Forwarded headers', async () => {
    await ingresses().create(
      ns,
      ingress('web', {
        rules: [
          rule('a.example.com', [
            ['/', 'Prefix', 'svc-a'],
            ['/b', 'Prefix', 'svc-b'],
          ]),
          rule('b.example.com', [['/', 'Prefix', 'svc-b']]),
        ],
      }),
    );
    await settled(
      () => request(`${httpUrl}/b/x`, 'a.example.com'),
      (r) => r.body.startsWith('B /b/x'),
      'web applied',
    );
    const cases: [string, string, string][] = [
      ['a.example.com', '/', 'A /'],
      ['a.example.com', '/b', 'B /b'],
      ['a.example.com', '/b/deeper?q=1', 'B /b/deeper?q=1'],
      ['a.example.com', '/bx', 'A /bx'], // Prefix matches by path element
      ['b.example.com', '/anything', 'B /anything'],
    ];
    for (const [host, path, want] of cases) {
      const r = await request(`${httpUrl}${path}`, host);
      assert.equal(r.status, 200, `${host}${path}`);
      assert.equal(r.body.split('\n')[0], want, `${host}${path}`);
    }
    const r = await request(`${httpUrl}/`, 'a.example.com');
    const headers = JSON.parse(r.body.split('\n')[1]!) as Record<string, string>;
    assert.equal(headers['x-forwarded-host'], 'a.example.com');
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(headers.host, 'a.example.com');
    assert.equal((await request(`${httpUrl}/`, 'unknown.example.com')).status, 404);
    // status.loadBalancer points at the publish address.
    await eventually(
      () => ingresses().get(ns, 'web'),
      (i) =>
        JSON.stringify((i.status as { loadBalancer?: unknown })?.loadBalancer) ===
        '{"ingress":[{"ip":"127.0.0.1"}]}',
      'status.loadBalancer',
    );
  });

  test('passes websocket upgrades through', async () => {
    const ws = new WebSocket(`${httpUrl.replace('http:', 'ws:')}/ws`, { headers: { Host: 'a.example.com' } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('ping'));
      ws.once('message', (m: Buffer) => resolve(m.toString()));
      ws.once('error', reject);
    });
    ws.close();
    assert.equal(reply, 'A:ping');
  });

  test('ignores Ingresses of another class', async () => {
    await client.resource('networking.k8s.io', 'v1', 'ingressclasses').create(undefined, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'other' },
      spec: { controller: 'example.com/other' },
    });
    await ingresses().create(
      ns,
      ingress('foreign', {
        ingressClassName: 'other',
        rules: [rule('foreign.example.com', [['/', 'Prefix', 'svc-a']])],
      }),
    );
    // A later change that is ours proves a sync ran after `foreign` was seen.
    await ingresses().create(
      ns,
      ingress('marker', { rules: [rule('marker.example.com', [['/', 'Prefix', 'svc-a']])] }),
    );
    await settled(
      () => request(`${httpUrl}/`, 'marker.example.com'),
      (r) => r.status === 200,
      'marker applied',
    );
    assert.equal((await request(`${httpUrl}/`, 'foreign.example.com')).status, 404);
    const foreign = await ingresses().get(ns, 'foreign');
    assert.equal(
      (foreign.status as { loadBalancer?: { ingress?: unknown } })?.loadBalancer?.ingress,
      undefined,
    );
  });

  test('serves TLS with the Secret certificate chosen by SNI, and redirects http to https', async () => {
    const ca = await createCertificateAuthority('ingress-e2e-ca');
    caPem = ca.cert;
    const leaf = await issueServingCert(
      { caCert: ca.cert, caKey: ca.key },
      { dnsNames: ['secure.example.com'], ips: [], commonName: 'secure.example.com' },
    );
    await client.resource('', 'v1', 'secrets').create(ns, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'secure-tls', namespace: ns },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(leaf.cert).toString('base64'),
        'tls.key': Buffer.from(leaf.key).toString('base64'),
      },
    });
    await ingresses().create(
      ns,
      ingress('secure', {
        tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }],
        rules: [rule('secure.example.com', [['/', 'Prefix', 'svc-a']])],
      }),
    );
    // Verified against the CA, with the name checked: the Secret's certificate was served for this SNI.
    const r = await settled(
      () => request(`${httpsUrl}/hello`, 'secure.example.com', { ca: caPem }),
      (x) => x.status === 200,
      'TLS served',
    );
    assert.equal(r.body.split('\n')[0], 'A /hello');
    assert.equal(
      (JSON.parse(r.body.split('\n')[1]!) as Record<string, string>)['x-forwarded-proto'],
      'https',
    );
    const plain = await request(`${httpUrl}/hello?x=1`, 'secure.example.com');
    assert.equal(plain.status, 308);
    assert.equal(plain.headers.location, `https://secure.example.com:${httpsPort}/hello?x=1`);
    // Another host gets the default certificate, which this CA did not sign.
    await assert.rejects(request(`${httpsUrl}/`, 'a.example.com', { ca: caPem }));
    // Key material on disk is private.
    const files = join(dir, 'nginx', 'files');
    for (const f of readdirSync(files)) assert.equal(statSync(join(files, f)).mode & 0o777, 0o600, f);
  });

  test('an invalid Ingress gets a Warning event and the others keep serving', async () => {
    await ingresses().create(
      ns,
      ingress('no-secret', {
        tls: [{ hosts: ['nosecret.example.com'], secretName: 'missing' }],
        rules: [rule('nosecret.example.com', [['/', 'Prefix', 'svc-a']])],
      }),
    );
    await ingresses().create(
      ns,
      ingress(
        'injection',
        { rules: [rule('inject.example.com', [['/', 'Prefix', 'svc-a']])] },
        {
          'nginx.ingress.kubernetes.io/proxy-body-size': '1m; } server { listen 9999',
        },
      ),
    );
    await ingresses().create(
      ns,
      ingress('after-bad', { rules: [rule('after.example.com', [['/', 'Prefix', 'svc-b']])] }),
    );
    await settled(
      () => request(`${httpUrl}/`, 'after.example.com'),
      (r) => r.body.startsWith('B /'),
      'later Ingress applied',
    );
    assert.equal((await request(`${httpUrl}/`, 'a.example.com')).body.split('\n')[0], 'A /');
    assert.equal((await request(`${httpUrl}/`, 'nosecret.example.com')).status, 404);
    assert.equal((await request(`${httpUrl}/`, 'inject.example.com')).status, 404);
    const events = await eventually(
      () => client.resource('', 'v1', 'events').list(ns),
      (l) =>
        ['no-secret', 'injection'].every((n) =>
          l.items.some(
            (e) =>
              (e.involvedObject as { name: string }).name === n &&
              e.type === 'Warning' &&
              e.reason === 'Rejected',
          ),
        ),
      'Warning events',
    );
    const msg = (n: string) =>
      String(
        events.items.find((e) => (e.involvedObject as { name: string }).name === n && e.reason === 'Rejected')
          ?.message,
      );
    assert.match(msg('no-secret'), /TLS secret default\/missing not found/);
    assert.match(msg('injection'), /proxy-body-size/);
    await ingresses().delete(ns, 'no-secret');
    await ingresses().delete(ns, 'injection');
  });

  test('rewrite-target with captures', async () => {
    await ingresses().create(
      ns,
      ingress(
        'rewrite',
        { rules: [rule('rw.example.com', [['/something(/|$)(.*)', 'ImplementationSpecific', 'svc-b']])] },
        { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
      ),
    );
    const r = await settled(
      () => request(`${httpUrl}/something/new/path?x=1`, 'rw.example.com'),
      (x) => x.status === 200,
      'rewrite applied',
    );
    assert.equal(r.body.split('\n')[0], 'B /new/path?x=1');
    assert.equal((await request(`${httpUrl}/something`, 'rw.example.com')).body.split('\n')[0], 'B /');
  });

  test('basic auth refuses without credentials and admits with them', async () => {
    const sha = createHash('sha1').update('s3cret').digest('base64');
    await client.resource('', 'v1', 'secrets').create(ns, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'basic-auth', namespace: ns },
      type: 'Opaque',
      data: { auth: Buffer.from(`alice:{SHA}${sha}\n`).toString('base64') },
    });
    await ingresses().create(
      ns,
      ingress(
        'private',
        { rules: [rule('private.example.com', [['/', 'Prefix', 'svc-a']])] },
        {
          'nginx.ingress.kubernetes.io/auth-type': 'basic',
          'nginx.ingress.kubernetes.io/auth-secret': 'basic-auth',
          'nginx.ingress.kubernetes.io/auth-realm': 'Private "zone"',
        },
      ),
    );
    const denied = await settled(
      () => request(`${httpUrl}/`, 'private.example.com'),
      (r) => r.status === 401,
      'auth applied',
    );
    assert.equal(denied.headers['www-authenticate'], 'Basic realm="Private "zone""');
    const wrong = await request(`${httpUrl}/`, 'private.example.com', {
      headers: { Authorization: `Basic ${Buffer.from('alice:nope').toString('base64')}` },
    });
    assert.equal(wrong.status, 401);
    const ok = await request(`${httpUrl}/`, 'private.example.com', {
      headers: { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.split('\n')[0], 'A /');
  });

  test('an endpoint change is applied within a second', async () => {
    const current = await slices().get(ns, 'svc-a-e2e');
    const t0 = Date.now();
    await slices().update(ns, { ...current, ports: [{ name: 'http', port: portOf(b), protocol: 'TCP' }] });
    await eventually(
      () => request(`${httpUrl}/`, 'a.example.com'),
      (r) => r.body.startsWith('B /'),
      'endpoint change',
      5000,
    );
    const took = Date.now() - t0;
    assert.ok(took < 1000, `endpoint change took ${took} ms`);
    const back = await slices().get(ns, 'svc-a-e2e');
    await slices().update(ns, { ...back, ports: [{ name: 'http', port: portOf(a), protocol: 'TCP' }] });
    await settled(
      () => request(`${httpUrl}/`, 'a.example.com'),
      (r) => r.body.startsWith('A /'),
      'endpoint restored',
    );
  });

  test('a reload does not drop an in-flight request', async () => {
    // The previous test's reloads must be over first: an old worker still accepting would answer
    // from the configuration before (CI once saw this request reach B after three A answers).
    await settled(
      () => request(`${httpUrl}/`, 'a.example.com'),
      (r) => r.body.startsWith('A /'),
      'the previous reloads settled',
    );
    const slow = request(`${httpUrl}/slow/1`, 'a.example.com');
    await sleep(200);
    await ingresses().create(
      ns,
      ingress('during', { rules: [rule('during.example.com', [['/', 'Prefix', 'svc-b']])] }),
    );
    // The new configuration is live (so nginx reloaded) while the slow request is still running.
    await eventually(
      () => request(`${httpUrl}/`, 'during.example.com'),
      (r) => r.status === 200,
      'reloaded',
      1200,
    );
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.body.split('\n')[0], 'A /slow/1');
  });
});
