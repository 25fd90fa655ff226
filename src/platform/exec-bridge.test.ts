/**
 * The terminal bridge against a real `berth server`: the console server (real TLS) takes a browser's
 * WebSocket, and the API server proxies the exec upgrade to a node agent — here a small fake agent
 * (HTTPS with a certificate from the cluster CA, published in its Node's status) that echoes stdin
 * and records what it was asked. Checks: frames pass both ways on every channel, the subprotocol
 * the agent chose reaches the browser, the browser's cookie never reaches the cluster, refusals
 * (no session, foreign Origin, not an exec path) and an API server refusal delivered as a Status
 * on channel 3.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { createCertificateAuthority, issueServingCert } from '../apiserver/pki/issue.ts';
import { httpsClient } from '../../test/helpers/https.ts';
import { berthAvailable, startServer, type TestServer } from '../../test/helpers/server.ts';
import { ClusterRegistry, connectionFromKubeconfig } from './cluster-registry.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';
import { sessionCookieName } from './cookies.ts';
import { errorChannel, offeredProtocols, parseExecPath, statusFrame } from './exec-bridge.ts';
import { LoginLimiter } from './login-limiter.ts';
import { SessionStore } from './sessions.ts';
import { StaticFiles } from './static-files.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const node = 'fake-agent-node';

describe('exec bridge helpers', () => {
  test('parseExecPath accepts only pods/exec and pods/attach', () => {
    const base = '/api/clusters/local/k8s/api/v1/namespaces/ns/pods/p';
    const cases: [string, boolean][] = [
      [`${base}/exec?command=sh`, true],
      [`${base}/attach?stdin=true`, true],
      [`${base}/log`, false],
      [`${base}/portforward`, false],
      [`/api/clusters/local/k8s/api/v1/pods`, false],
      [`${base}/exec/../../x`, false],
      [`/api/session`, false],
    ];
    for (const [url, ok] of cases) assert.equal(parseExecPath(url) !== undefined, ok, url);
  });
  test('offeredProtocols keeps the supported ones in order', () => {
    assert.deepEqual(offeredProtocols('v4.channel.k8s.io, x, v5.channel.k8s.io'), [
      'v4.channel.k8s.io',
      'v5.channel.k8s.io',
    ]);
    assert.deepEqual(offeredProtocols(undefined), []);
    assert.deepEqual(offeredProtocols('base64.channel.k8s.io'), []);
  });
  test('statusFrame is channel 3 + a Status', () => {
    const f = statusFrame('boom', 'BadRequest', 400);
    assert.equal(f[0], errorChannel);
    assert.deepEqual(JSON.parse(f.subarray(1).toString()), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'boom',
      reason: 'BadRequest',
      code: 400,
    });
  });
});

describe('exec bridge through a real API server', { skip: !berthAvailable(), timeout: 60_000 }, () => {
  let server: TestServer;
  let agent: Server;
  let web: ConsoleServer;
  let webCa: string;
  let cookie: string;
  const agentSeen: { url: string; headers: IncomingMessage['headers']; frames: Buffer[] }[] = [];

  before(async () => {
    server = await startServer();
    const clusterCa = {
      caCert: readFileSync(join(server.dataDir, 'tls', 'ca.crt'), 'utf8'),
      caKey: readFileSync(join(server.dataDir, 'tls', 'ca.key'), 'utf8'),
    };
    // The fake agent: v5/v4 exec endpoint, says hello on stdout, echoes stdin, ends on "exit".
    const agentCert = await issueServingCert(clusterCa, { dnsNames: [], ips: ['127.0.0.1'] });
    agent = createServer({ cert: agentCert.cert, key: agentCert.key });
    const agentWss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false),
    });
    agent.on('upgrade', (req: IncomingMessage, socket, head) => {
      const seen = { url: req.url ?? '', headers: req.headers, frames: [] as Buffer[] };
      agentSeen.push(seen);
      agentWss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('hello\n')]));
        ws.on('message', (data: Buffer) => {
          seen.frames.push(data);
          if (data[0] !== 0) return;
          const text = data.subarray(1).toString();
          if (text === 'exit\n') {
            ws.send(Buffer.concat([Buffer.from([3]), Buffer.from('{"metadata":{},"status":"Success"}')]));
            ws.close(1000);
            return;
          }
          ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`echo:${text}`)]));
          ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('err\n')]));
        });
      });
    });
    await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r));
    const agentPort = (agent.address() as { port: number }).port;

    const api = httpsClient(server.connection);
    const json = { 'content-type': 'application/json' };
    const created = await api.request('POST', '/api/v1/nodes', {
      headers: json,
      body: JSON.stringify({ metadata: { name: node } }),
    });
    assert.equal(created.status, 201, created.body);
    const status = await api.request('PATCH', `/api/v1/nodes/${node}/status`, {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({
        status: {
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          daemonEndpoints: { kubeletEndpoint: { Port: agentPort } },
        },
      }),
    });
    assert.equal(status.status, 200, status.body);
    const pod = await api.request('POST', '/api/v1/namespaces/default/pods', {
      headers: json,
      body: JSON.stringify({
        metadata: { name: 'shell' },
        spec: { nodeName: node, containers: [{ name: 'sh', image: 'busybox' }] },
      }),
    });
    assert.equal(pod.status, 201, pod.body);
    api.close();

    const webAuthority = await createCertificateAuthority();
    webCa = webAuthority.cert;
    const webCert = await issueServingCert(
      { caCert: webAuthority.cert, caKey: webAuthority.key },
      { dnsNames: ['localhost'], ips: ['127.0.0.1'] },
    );
    const clusters = new ClusterRegistry();
    clusters.add(await connectionFromKubeconfig('local', server.kubeconfig));
    const sessions = new SessionStore();
    cookie = `${sessionCookieName}=${sessions.create('admin')}`;
    web = await startConsoleServer({
      host: '127.0.0.1',
      port: 0,
      tls: { cert: webCert.cert, key: webCert.key },
      adminPassword: 'x',
      clusters,
      sessions,
      limiter: new LoginLimiter(),
      files: new StaticFiles('/nonexistent'),
      log: quiet,
    });
  });

  after(async () => {
    await web?.close();
    agent?.close();
    agent?.closeAllConnections();
    await server?.stop();
  });

  const execUrl = (container: string) =>
    `wss://127.0.0.1:${web.port}/api/clusters/local/k8s/api/v1/namespaces/default/pods/shell/exec?command=sh&stdin=true&stdout=true&stderr=true&tty=true&container=${container}`;

  const open = (url: string, opts: { origin?: string; cookie?: string } = {}) =>
    new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
      ca: webCa,
      origin: opts.origin ?? `https://127.0.0.1:${web.port}`,
      headers: opts.cookie === undefined ? { cookie } : opts.cookie ? { cookie: opts.cookie } : {},
    });

  /** Collects frames until the socket closes; resolves with them and the close code. */
  const collect = (ws: WebSocket, onFrame: (f: Buffer, all: Buffer[]) => void = () => undefined) =>
    new Promise<{ frames: Buffer[]; code: number }>((resolve, reject) => {
      const frames: Buffer[] = [];
      ws.on('message', (d: Buffer) => {
        frames.push(d);
        onFrame(d, frames);
      });
      ws.on('close', (code) => resolve({ frames, code }));
      ws.on('error', reject);
    });

  /** The HTTP status of a refused upgrade. */
  const refusedWith = (ws: WebSocket) =>
    new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.on('open', () => reject(new Error('upgrade was accepted')));
      ws.on('error', () => undefined);
    });

  const text = (frames: Buffer[], channel: number) =>
    frames
      .filter((f) => f[0] === channel)
      .map((f) => f.subarray(1).toString())
      .join('');

  test('stdin, stdout, stderr, resize and the exit Status pass through', async () => {
    const ws = open(execUrl('sh'));
    let step = 0;
    const done = collect(ws, (_f, all) => {
      if (step === 0 && text(all, 1).includes('hello')) {
        step = 1;
        assert.equal(ws.protocol, 'v5.channel.k8s.io');
        ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}')]));
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ls\n')]));
      } else if (step === 1 && text(all, 1).includes('echo:ls')) {
        step = 2;
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('exit\n')]));
      }
    });
    const { frames, code } = await done;
    assert.equal(code, 1000);
    assert.equal(text(frames, 1), 'hello\necho:ls\n');
    assert.equal(text(frames, 2), 'err\n');
    assert.match(text(frames, 3), /"status":"Success"/);
    const seen = agentSeen.at(-1)!;
    assert.match(seen.url, /^\/exec\/default\/shell\/sh\?command=sh&input=1&output=1&error=1&tty=1$/);
    assert.equal(seen.headers.cookie, undefined, 'the browser cookie must not reach the cluster');
    assert.deepEqual(
      seen.frames.map((f) => [f[0], f.subarray(1).toString()]),
      [
        [4, '{"Width":100,"Height":30}'],
        [0, 'ls\n'],
        [0, 'exit\n'],
      ],
    );
  });

  test('an API server refusal arrives as a Status on channel 3', async () => {
    const before = agentSeen.length;
    const { frames, code } = await collect(open(execUrl('nope')));
    assert.equal(code, 1000);
    assert.equal(frames.length, 1);
    assert.equal(frames[0][0], errorChannel);
    const status = JSON.parse(frames[0].subarray(1).toString()) as { message: string; code: number };
    assert.match(status.message, /container nope is not valid for pod shell/);
    assert.equal(status.code, 400);
    assert.equal(agentSeen.length, before, 'the agent was not contacted');
  });

  test('no session, a foreign Origin, or a non-exec path is refused before the cluster', async () => {
    const before = agentSeen.length;
    assert.equal(await refusedWith(open(execUrl('sh'), { cookie: '' })), 401);
    assert.equal(await refusedWith(open(execUrl('sh'), { origin: 'https://evil.example' })), 403);
    assert.equal(
      await refusedWith(
        open(`wss://127.0.0.1:${web.port}/api/clusters/local/k8s/api/v1/namespaces/default/pods`),
      ),
      404,
    );
    assert.equal(await refusedWith(open(execUrl('sh').replace('/clusters/local/', '/clusters/other/'))), 404);
    assert.equal(agentSeen.length, before);
  });
});
