/**
 * kubectl logs / exec / attach / port-forward / cp through the API server to the node agent, against
 * the real thing: a `berth server` (CSR approver and signer, the kubelet-client certificate), a
 * supervised containerd, and the agent in this process running as the node itself (its client
 * certificate from a CSR), with the pod sync loop and the streams worker (kubelet-serving
 * certificate from a CSR, HTTPS endpoint on a free port published in the Node status). kubectl
 * 1.32 speaks WebSocket v5 for exec/attach/cp and SPDY-in-WebSocket for port-forward.
 * Skipped when not root, containerd/runc/CNI are missing, or the berth CLI/kubectl are absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { kubectlPath, type KubectlSession } from '../helpers/kubectl.ts';
import { freePort, type TestServer } from '../helpers/server.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const node = 'node-streams';

describe(
  'pod streams: kubectl logs/exec/attach/port-forward/cp (real containerd)',
  { skip: skip || false, timeout: 180_000 },
  () => {
    let env: AgentEnv;
    let server: TestServer;
    let k: KubectlSession;

    const pods = () => env.client.resource<Pod>('', 'v1', 'pods');
    const waitPod: AgentEnv['waitPod'] = (...args) => env.waitPod(...args);
    const running = (p: Pod) => p.status?.containerStatuses?.every((c) => c.state?.running) === true;

    before(async () => {
      // The agent runs as the node itself, serving streams with a kubelet-serving certificate.
      env = await startAgentEnv(node, {}, { streams: true });
      server = env.server;
      k = env.k;
      await pods().create(
        'default',
        pod('logger', {
          containers: [
            {
              name: 'main',
              image: 'busybox:1.35',
              command: [
                'sh',
                '-c',
                'echo started; echo second; while true; do if [ -e /tmp/more ]; then echo "more-$(cat /tmp/more)"; rm /tmp/more; fi; sleep 0.1; done',
              ],
            },
          ],
        }),
      );
      await pods().create(
        'default',
        pod('restarter', {
          volumes: [{ name: 'data', emptyDir: {} }],
          containers: [
            {
              name: 'main',
              image: 'busybox:1.35',
              command: [
                'sh',
                '-c',
                'if [ -e /data/ran ]; then echo second-run; exec sleep 3600; fi; touch /data/ran; echo first-run; exit 1',
              ],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        }),
      );
      await pods().create(
        'default',
        pod('web', {
          containers: [
            { name: 'main', image: 'busybox:1.35', command: ['httpd', '-f', '-p', '80', '-h', '/var/www'] },
          ],
        }),
      );
      await pods().create(
        'default',
        pod('ticker', {
          containers: [
            {
              name: 'main',
              image: 'busybox:1.35',
              command: ['sh', '-c', 'while true; do echo tick; sleep 0.3; done'],
            },
          ],
        }),
      );
      for (const name of ['logger', 'web', 'ticker']) await waitPod(name, running, 'Running');
    });

    after(async () => {
      await env?.stop();
    });

    test('the agent serves with a kubelet-serving certificate issued through a CSR', async () => {
      const out = await k.ok([
        'get',
        'csr',
        '-o',
        'jsonpath={range .items[*]}{.spec.signerName} {.status.conditions[0].type}{"\\n"}{end}',
      ]);
      assert.match(out, /kubernetes\.io\/kubelet-serving Approved/);
    });

    test('logs: lines, --tail, -f following new lines, --timestamps, --limit-bytes, bad container', async () => {
      assert.equal(await k.ok(['logs', 'logger']), 'started\nsecond\n');
      assert.equal(await k.ok(['logs', 'logger', '--tail=1']), 'second\n');
      assert.equal(await k.ok(['logs', 'logger', '--limit-bytes=3']), 'sta');
      assert.equal(await k.ok(['logs', 'logger', '--since=1h']), 'started\nsecond\n');
      assert.equal(await k.ok(['logs', 'logger', '--since-time=2999-01-01T00:00:00Z']), '');
      assert.match(
        await k.ok(['logs', 'logger', '--timestamps', '--tail=1']),
        /^\d{4}-\d\d-\d\dT\S+ second\n$/,
      );
      assert.match(
        await k.fails(['logs', 'logger', '-c', 'nope']),
        /container nope is not valid for pod logger/,
      );
      const f = k.spawn(['logs', '-f', 'logger']);
      await f.waitFor(/second\n/);
      await k.ok(['exec', 'logger', '--', 'sh', '-c', 'echo one > /tmp/more']);
      await f.waitFor(/more-one\n/);
      await f.stop();
    });

    test('logs --previous shows the run before a restart', async () => {
      await waitPod(
        'restarter',
        (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && running(p),
        'restarted',
      );
      assert.equal(await k.ok(['logs', 'restarter']), 'second-run\n');
      assert.equal(await k.ok(['logs', 'restarter', '--previous']), 'first-run\n');
      assert.match(
        await k.fails(['logs', 'logger', '--previous']),
        /previous terminated container "main" in pod "logger" not found/,
      );
    });

    test('exec: output and exit code; stdin with -i', async () => {
      const r = await k.run(['exec', 'logger', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, 'hi\n');
      assert.match(r.stderr, /oops/);
      const data = `hello-stdin\n${'x'.repeat(100_000)}\nend\n`;
      const cat = await k.run(['exec', '-i', 'logger', '--', 'cat'], { input: data });
      assert.equal(cat.code, 0, cat.stderr);
      assert.equal(cat.stdout, data);
    });

    test('exec -it through a pseudo-terminal runs a shell', async () => {
      const home = mkdtempSync('/tmp/kubectl-pty-');
      const cmd = `${kubectlPath} exec -it logger --kubeconfig ${server.kubeconfig} --cache-dir ${home}/cache -- sh`;
      const child = spawn('script', ['-qfc', cmd, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const waitOut = async (re: RegExp) => {
        const until = Date.now() + 20_000;
        while (!re.test(out)) {
          if (Date.now() > until || child.exitCode !== null)
            throw new Error(`no ${re} in: ${JSON.stringify(out)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        await waitOut(/\/ # /);
        child.stdin.write('echo $((6*7))\r');
        await waitOut(/^42\r?$/m);
        child.stdin.write('exit\r');
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        assert.equal(code, 0, out);
      } finally {
        child.kill('SIGKILL');
        rmSync(home, { recursive: true, force: true });
      }
    });

    test('attach streams the main process output', async () => {
      const a = k.spawn(['attach', 'ticker']);
      await a.waitFor(/tick\ntick\n/);
      await a.stop();
    });

    test('port-forward carries two connections at once to the pod', async () => {
      const local = await freePort();
      const pf = k.spawn(['port-forward', 'pod/web', `${local}:80`]);
      await pf.waitFor(new RegExp(`Forwarding from 127\\.0\\.0\\.1:${local}`));
      const bodies = await Promise.all([
        httpGet(`http://127.0.0.1:${local}/`),
        httpGet(`http://127.0.0.1:${local}/`),
      ]);
      for (const body of bodies) assert.match(body, /berth busybox/);
      assert.match(await httpGet(`http://127.0.0.1:${local}/`), /berth busybox/);
      await pf.stop();
    });

    test('cp a file into the pod and back', async () => {
      const local = mkdtempSync('/tmp/berth-cp-');
      try {
        const content = `copied ${randomBytes(8).toString('hex')}\n${'y'.repeat(50_000)}\n`;
        writeFileSync(join(local, 'in.txt'), content);
        await k.ok(['cp', join(local, 'in.txt'), 'default/logger:/tmp/in.txt']);
        assert.equal(await k.ok(['exec', 'logger', '--', 'cat', '/tmp/in.txt']), content);
        await k.ok(['cp', 'default/logger:/tmp/in.txt', join(local, 'out.txt')]);
        assert.equal(readFileSync(join(local, 'out.txt'), 'utf8'), content);
      } finally {
        rmSync(local, { recursive: true, force: true });
      }
    });

    test('the SPDY fallback (kubectl with WebSockets turned off) is proxied byte for byte', async () => {
      const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };
      const r = await k.run(['exec', 'logger', '--', 'sh', '-c', 'echo spdy; exit 4'], { env });
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.stdout, 'spdy\n');
      const cat = await k.run(['exec', '-i', 'logger', '--', 'cat'], { env, input: 'through spdy\n' });
      assert.equal(cat.stdout, 'through spdy\n', cat.stderr);
      const local = await freePort();
      const pf = k.spawn(['port-forward', 'pod/web', `${local}:80`], { env });
      await pf.waitFor(new RegExp(`Forwarding from 127\\.0\\.0\\.1:${local}`));
      assert.match(await httpGet(`http://127.0.0.1:${local}/`), /berth busybox/);
      await pf.stop();
    });

    test('a user without pods/exec is refused; pods/log with view is allowed', async () => {
      await k.ok(['create', 'serviceaccount', 'viewer']);
      await k.ok([
        'create',
        'rolebinding',
        'viewer',
        '--clusterrole=view',
        '--serviceaccount=default:viewer',
      ]);
      const token = (await k.ok(['create', 'token', 'viewer'])).trim();
      const kc = join(k.home, 'viewer.kubeconfig');
      const ca = (await loadKubeconfig(server.kubeconfig)).caCert!;
      writeFileSync(join(k.home, 'ca.crt'), ca);
      writeFileSync(
        kc,
        [
          'apiVersion: v1',
          'kind: Config',
          `clusters: [{name: c, cluster: {server: "${server.url}", certificate-authority: "${join(k.home, 'ca.crt')}"}}]`,
          `users: [{name: v, user: {token: "${token}"}}]`,
          'contexts: [{name: c, context: {cluster: c, user: v, namespace: default}}]',
          'current-context: c',
        ].join('\n'),
      );
      const denied = await k.run(['exec', 'logger', '--', 'true'], { kubeconfig: kc });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /cannot create resource "pods\/exec"/);
      assert.equal(
        await k.ok(['logs', 'logger', '--tail=1'], { kubeconfig: kc }),
        await k.ok(['logs', 'logger', '--tail=1']),
      );
    });
  },
);

function pod(name: string, spec: NonNullable<Pod['spec']>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, ...spec },
  };
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
