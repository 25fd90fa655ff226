/**
 * Services come with endpoints, namespaces with service accounts: with `berth server` and
 * `berth sim` nodes (whose pods get IPs from their node's range), the real kubectl exposes a
 * Deployment and reads the EndpointSlices and Endpoints (named targetPort resolved, following a
 * scale-down), sees a new namespace get its `default` ServiceAccount and `kube-root-ca.crt`
 * ConfigMap, and uses a legacy service-account token Secret until the Secret is deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `read` until `ok(result)` holds (or fails with the last result after `timeoutMs`). */
async function eventually(
  read: () => Promise<string>,
  ok: (out: string) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: gave up; last output:\n${last}`);
    await sleep(250);
  }
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{name: http, containerPort: 8080}]
`;

describe('service endpoints and service accounts on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;
  let simLog = '';
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-services-'));
    sim = spawn(
      berthBin,
      ['sim', '--kubeconfig', s.server.kubeconfig, '--nodes', '2', '--ready-delay', '200ms'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
  });
  after(() => {
    sim?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function simNodesReady(k: KubectlSession): Promise<void> {
    await eventually(
      () =>
        k.ok([
          'get',
          'nodes',
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]),
      (out) => out.split('\n').filter((l) => l === 'True').length === 2,
      `simulated nodes Ready (sim log:\n${simLog})`,
    );
  }

  const podIPs = async (k: KubectlSession): Promise<string[]> =>
    (await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}']))
      .split(' ')
      .filter(Boolean)
      .sort();

  test(
    'kubectl expose: EndpointSlices and Endpoints list the pods and follow a scale-down',
    { timeout: 120_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await simNodesReady(k);
      await k.ok(['apply', '-f', '-'], { input: deployment });
      await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
      const ips = await podIPs(k);
      assert.equal(ips.length, 3);
      // The targetPort is the container port's name; it resolves to 8080 on every pod.
      await k.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=http']);

      const sliceAddresses = (): Promise<string> =>
        k.ok([
          'get',
          'endpointslices',
          '-l',
          'kubernetes.io/service-name=web',
          '-o',
          'jsonpath={range .items[*]}{range .endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\\n"}{end}{end}',
        ]);
      const sorted = (out: string): string => out.trim().split('\n').filter(Boolean).sort().join(',');
      await eventually(sliceAddresses, (out) => sorted(out) === ips.join(','), 'slice addresses');
      const table = await k.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
      assert.match(table, /^web-\S+\s+IPv4\s+8080\s+/m);
      assert.equal(
        await k.ok([
          'get',
          'endpointslices',
          '-l',
          'kubernetes.io/service-name=web',
          '-o',
          'jsonpath={.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.ownerReferences[0].name}',
        ]),
        'Service/web',
      );
      const endpoints = (): Promise<string> =>
        k.ok([
          'get',
          'endpoints',
          'web',
          '-o',
          'jsonpath={.subsets[*].addresses[*].ip}|{.subsets[*].ports[*].port}',
        ]);
      const want = `${ips.join(' ')}|8080`;
      await eventually(
        endpoints,
        (out) => `${out.split('|')[0]!.split(' ').sort().join(' ')}|${out.split('|')[1]}` === want,
        'endpoints',
      );
      assert.match(await k.ok(['get', 'endpoints', 'web']), /web\s+\S+:8080,\S+:8080,\S+:8080\s/);

      await k.ok(['scale', 'deployment/web', '--replicas=1']);
      await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
      const left = await eventually(
        async () => (await podIPs(k)).join(' '),
        (out) => out !== '' && !out.includes(' '),
        'one pod left',
      );
      await eventually(sliceAddresses, (out) => sorted(out) === left, 'slice after scale-down');
      await eventually(
        () => k.ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']),
        (out) => out.trim() === left,
        'endpoints after scale-down',
      );
    },
  );

  test(
    'a new namespace gets a default ServiceAccount and the kube-root-ca.crt ConfigMap',
    { timeout: 60_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await k.ok(['create', 'namespace', 'svc-team']);
      await eventually(
        () =>
          k.run(['get', 'serviceaccount', 'default', '-n', 'svc-team', '-o', 'name']).then((r) => r.stdout),
        (out) => out.trim() === 'serviceaccount/default',
        'default ServiceAccount',
      );
      const ca = await eventually(
        () =>
          k
            .run([
              'get',
              'configmap',
              'kube-root-ca.crt',
              '-n',
              'svc-team',
              '-o',
              'jsonpath={.data.ca\\.crt}',
            ])
            .then((r) => r.stdout),
        (out) => out.includes('BEGIN CERTIFICATE'),
        'kube-root-ca.crt',
      );
      assert.equal(ca.trim(), (s.server.connection.ca ?? '').trim());
      // Deleted, it comes back.
      await k.ok(['delete', 'serviceaccount', 'default', '-n', 'svc-team']);
      await eventually(
        () =>
          k.run(['get', 'serviceaccount', 'default', '-n', 'svc-team', '-o', 'name']).then((r) => r.stdout),
        (out) => out.trim() === 'serviceaccount/default',
        'default ServiceAccount re-created',
      );
    },
  );

  test(
    'a legacy token Secret authenticates its ServiceAccount until the Secret is deleted',
    { timeout: 60_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await k.ok(['create', 'namespace', 'tok']);
      await k.ok(['create', 'serviceaccount', 'bot', '-n', 'tok']);
      await k.ok([
        'create',
        'rolebinding',
        'bot-view',
        '-n',
        'tok',
        '--clusterrole=view',
        '--serviceaccount=tok:bot',
      ]);
      await k.ok(['apply', '-n', 'tok', '-f', '-'], {
        input: [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          '  name: bot-token',
          '  annotations: {kubernetes.io/service-account.name: bot}',
          'type: kubernetes.io/service-account-token',
          '',
        ].join('\n'),
      });
      const encoded = await eventually(
        () => k.ok(['get', 'secret', 'bot-token', '-n', 'tok', '-o', 'jsonpath={.data.token}']),
        (out) => out.trim().length > 0,
        'token filled in',
      );
      const token = Buffer.from(encoded.trim(), 'base64').toString('utf8');
      assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.equal(
        Buffer.from(
          await k.ok(['get', 'secret', 'bot-token', '-n', 'tok', '-o', 'jsonpath={.data.namespace}']),
          'base64',
        ).toString(),
        'tok',
      );
      // A kubeconfig with only the CA: the token is the one credential kubectl sends.
      const caFile = join(dir, 'ca.crt');
      writeFileSync(caFile, s.server.connection.ca ?? '');
      const bare = join(dir, 'empty-kubeconfig');
      writeFileSync(bare, 'apiVersion: v1\nkind: Config\n');
      const asBot = (args: string[]) =>
        k.run(
          [...args, `--server=${s.server.url}`, `--certificate-authority=${caFile}`, `--token=${token}`],
          {
            kubeconfig: bare,
          },
        );
      const ok = await asBot(['get', 'pods', '-n', 'tok']);
      assert.equal(ok.code, 0, ok.stderr);
      const forbidden = await asBot(['get', 'pods', '-n', 'default']);
      assert.match(forbidden.stderr, /Forbidden.*system:serviceaccount:tok:bot/);

      await k.ok(['delete', 'secret', 'bot-token', '-n', 'tok']);
      const denied = await eventually(
        () => asBot(['get', 'pods', '-n', 'tok']).then((r) => `${r.code} ${r.stderr}`),
        (out) => !out.startsWith('0 '),
        'token revoked',
        15_000,
      );
      assert.match(denied, /Unauthorized/);
    },
  );
});
