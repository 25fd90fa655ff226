/**
 * The imperative commands: every `kubectl create ...` generator (whose typed clients send protobuf),
 * `create token` and using that token, `autoscale`, `auth can-i`, and `drain`/`uncordon` of a
 * simulated node. Each created object is read back with jsonpath to check that the fields the
 * command asked for are what the server stored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const NS = 'imp';

describe('imperative kubectl commands', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;
  let simLog = '';
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-imperative-'));
    sim = spawn(
      berthBin,
      ['sim', '--kubeconfig', s.server.kubeconfig, '--nodes', '2', '--ready-delay', '200ms'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
    await kubectlSession(undefined, s.server.kubeconfig).ok(['create', 'namespace', NS]);
  });
  after(() => {
    sim?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `kubectl get` with a jsonpath in the test namespace (or cluster-wide with ns=''). */
  async function jp(k: KubectlSession, what: string[], path: string, ns = NS): Promise<string> {
    return k.ok(['get', ...what, ...(ns ? ['-n', ns] : []), '-o', `jsonpath=${path}`]);
  }

  test('create namespace', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'namespace', 'imp-two']);
    assert.equal(
      await jp(k, ['namespace', 'imp-two'], '{.metadata.name} {.status.phase}', ''),
      'imp-two Active',
    );
  });

  test('create configmap from literals and from a file', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const file = join(dir, 'app.properties');
    writeFileSync(file, 'color=blue\nsize=large\n');
    await k.ok(['create', 'configmap', 'cm', '-n', NS, '--from-literal=a=1', '--from-literal=b=two']);
    assert.equal(await jp(k, ['configmap', 'cm'], '{.data.a} {.data.b}'), '1 two');
    await k.ok(['create', 'configmap', 'cmf', '-n', NS, `--from-file=${file}`]);
    assert.equal(await jp(k, ['configmap', 'cmf'], '{.data.app\\.properties}'), 'color=blue\nsize=large\n');
  });

  test('create secret generic, tls and docker-registry', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok([
      'create',
      'secret',
      'generic',
      'gen',
      '-n',
      NS,
      '--from-literal=user=admin',
      '--from-literal=pw=s3cr3t',
    ]);
    assert.equal(await jp(k, ['secret', 'gen'], '{.type}'), 'Opaque');
    assert.equal(Buffer.from(await jp(k, ['secret', 'gen'], '{.data.user}'), 'base64').toString(), 'admin');
    assert.equal(Buffer.from(await jp(k, ['secret', 'gen'], '{.data.pw}'), 'base64').toString(), 's3cr3t');

    const cert = join(dir, 'tls.crt');
    const key = join(dir, 'tls.key');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=imp.example',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    await k.ok(['create', 'secret', 'tls', 'tls', '-n', NS, `--cert=${cert}`, `--key=${key}`]);
    assert.equal(await jp(k, ['secret', 'tls'], '{.type}'), 'kubernetes.io/tls');
    const crt = Buffer.from(await jp(k, ['secret', 'tls'], '{.data.tls\\.crt}'), 'base64').toString();
    assert.match(crt, /^-----BEGIN CERTIFICATE-----/);
    assert.match(await jp(k, ['secret', 'tls'], '{.data.tls\\.key}'), /^[A-Za-z0-9+/=]{100,}$/);

    await k.ok([
      'create',
      'secret',
      'docker-registry',
      'reg',
      '-n',
      NS,
      '--docker-server=registry.example:5000',
      '--docker-username=bob',
      '--docker-password=pw',
    ]);
    assert.equal(await jp(k, ['secret', 'reg'], '{.type}'), 'kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(
      Buffer.from(await jp(k, ['secret', 'reg'], '{.data.\\.dockerconfigjson}'), 'base64').toString(),
    ) as { auths: Record<string, { username: string }> };
    assert.equal(cfg.auths['registry.example:5000']?.username, 'bob');
  });

  test('create deployment with image, replicas and port', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok([
      'create',
      'deployment',
      'dep',
      '-n',
      NS,
      '--image=nginx:1.27',
      '--replicas=3',
      '--port=8080',
    ]);
    assert.equal(
      await jp(
        k,
        ['deployment', 'dep'],
        '{.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.selector.matchLabels.app}',
      ),
      '3 nginx:1.27 8080 dep',
    );
  });

  test('create service clusterip and nodeport', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'service', 'clusterip', 'svc-c', '-n', NS, '--tcp=80:8080']);
    const c = await jp(
      k,
      ['service', 'svc-c'],
      '{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.clusterIP}',
    );
    assert.match(c, /^ClusterIP 80 8080 \d+\.\d+\.\d+\.\d+$/);
    await k.ok(['create', 'service', 'nodeport', 'svc-n', '-n', NS, '--tcp=443:8443']);
    const [type, port, target, nodePort] = (
      await jp(
        k,
        ['service', 'svc-n'],
        '{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].nodePort}',
      )
    ).split(' ');
    assert.deepEqual([type, port, target], ['NodePort', '443', '8443']);
    const np = Number(nodePort);
    assert.ok(np >= 30000 && np <= 32767, `nodePort ${nodePort}`);
  });

  test('create job and cronjob', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'job', 'jb', '-n', NS, '--image=busybox', '--', 'echo', 'hi']);
    assert.equal(
      await jp(
        k,
        ['job', 'jb'],
        '{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].command} {.spec.template.spec.restartPolicy}',
      ),
      'busybox ["echo","hi"] Never',
    );
    await k.ok([
      'create',
      'cronjob',
      'cj',
      '-n',
      NS,
      '--image=busybox',
      '--schedule=*/5 * * * *',
      '--',
      'date',
    ]);
    assert.equal(
      await jp(
        k,
        ['cronjob', 'cj'],
        '{.spec.schedule}|{.spec.jobTemplate.spec.template.spec.containers[0].image}',
      ),
      '*/5 * * * *|busybox',
    );
  });

  test('create serviceaccount and token; the token authenticates as the serviceaccount', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'serviceaccount', 'robot', '-n', NS]);
    assert.equal(await jp(k, ['serviceaccount', 'robot'], '{.metadata.name}'), 'robot');
    const token = (await k.ok(['create', 'token', 'robot', '-n', NS, '--duration=10m'])).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    // A kubeconfig with only the token, so no client certificate can authenticate instead.
    const ca = s.server.connection.ca ?? '';
    const tokenConfig = join(dir, 'token-kubeconfig');
    writeFileSync(
      tokenConfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: c',
        '  cluster:',
        `    server: ${s.server.url}`,
        `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
        'users:',
        '- name: u',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: x',
        '  context: {cluster: c, user: u}',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const whoami = await k.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
      kubeconfig: tokenConfig,
    });
    assert.equal(whoami, `system:serviceaccount:${NS}:robot`);
  });

  test('create role, rolebinding, clusterrole and clusterrolebinding', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'role', 'reader', '-n', NS, '--verb=get,list', '--resource=pods,configmaps']);
    assert.equal(
      await jp(k, ['role', 'reader'], '{.rules[*].resources} {.rules[0].verbs}'),
      '["pods","configmaps"] ["get","list"]',
    );
    await k.ok([
      'create',
      'rolebinding',
      'reader-b',
      '-n',
      NS,
      '--role=reader',
      `--serviceaccount=${NS}:robot`,
    ]);
    assert.equal(
      await jp(
        k,
        ['rolebinding', 'reader-b'],
        '{.roleRef.kind}/{.roleRef.name} {.subjects[0].kind}/{.subjects[0].namespace}/{.subjects[0].name}',
      ),
      `Role/reader ServiceAccount/${NS}/robot`,
    );
    await k.ok(['create', 'clusterrole', 'node-viewer', '--verb=get,watch', '--resource=nodes']);
    assert.equal(
      await jp(k, ['clusterrole', 'node-viewer'], '{.rules[0].resources} {.rules[0].verbs}', ''),
      '["nodes"] ["get","watch"]',
    );
    await k.ok([
      'create',
      'clusterrolebinding',
      'node-viewer-b',
      '--clusterrole=node-viewer',
      '--user=alice',
      '--group=ops',
    ]);
    assert.equal(
      await jp(
        k,
        ['clusterrolebinding', 'node-viewer-b'],
        '{.roleRef.kind}/{.roleRef.name} {.subjects[*].name}',
        '',
      ),
      'ClusterRole/node-viewer alice ops',
    );
  });

  test('create priorityclass, quota, ingress and poddisruptionbudget', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'priorityclass', 'high', '--value=1000', '--description=important']);
    assert.equal(await jp(k, ['priorityclass', 'high'], '{.value} {.description}', ''), '1000 important');

    await k.ok(['create', 'quota', 'q', '-n', NS, '--hard=pods=10,cpu=4,memory=8Gi']);
    assert.equal(
      await jp(k, ['resourcequota', 'q'], '{.spec.hard.pods} {.spec.hard.cpu} {.spec.hard.memory}'),
      '10 4 8Gi',
    );
    // Enforced from now on: later tests' pods in this namespace ask for no cpu/memory, so it goes.
    await k.ok(['delete', 'quota', 'q', '-n', NS]);

    await k.ok(['create', 'ingress', 'ing', '-n', NS, '--class=nginx', '--rule=shop.example/api*=svc-c:80']);
    assert.equal(
      await jp(
        k,
        ['ingress', 'ing'],
        '{.spec.ingressClassName} {.spec.rules[0].host} {.spec.rules[0].http.paths[0].path} {.spec.rules[0].http.paths[0].pathType} {.spec.rules[0].http.paths[0].backend.service.name}:{.spec.rules[0].http.paths[0].backend.service.port.number}',
      ),
      'nginx shop.example /api Prefix svc-c:80',
    );

    await k.ok(['create', 'poddisruptionbudget', 'pdb', '-n', NS, '--selector=app=dep', '--min-available=1']);
    assert.equal(
      await jp(k, ['pdb', 'pdb'], '{.spec.minAvailable} {.spec.selector.matchLabels.app}'),
      '1 dep',
    );
  });

  test('autoscale a deployment', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await k.ok(['create', 'deployment', 'scaled', '-n', NS, '--image=nginx']);
    await k.ok(['autoscale', 'deployment', 'scaled', '-n', NS, '--min=1', '--max=3', '--cpu-percent=50']);
    assert.equal(
      await jp(
        k,
        ['hpa', 'scaled'],
        '{.spec.scaleTargetRef.kind}/{.spec.scaleTargetRef.name} {.spec.minReplicas} {.spec.maxReplicas}',
      ),
      'Deployment/scaled 1 3',
    );
    const cpu = await k.ok([
      'get',
      'hpa.v2.autoscaling',
      'scaled',
      '-n',
      NS,
      '-o',
      'jsonpath={.spec.metrics[0].resource.name} {.spec.metrics[0].resource.target.averageUtilization}',
    ]);
    assert.equal(cpu, 'cpu 50');
    assert.match(await k.ok(['get', 'hpa', '-n', NS]), /^scaled\s+Deployment\/scaled\s+.*\s1\s+3\s/m);
  });

  test('auth can-i for the admin', async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    assert.equal((await k.ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
  });

  test(
    'drain a simulated node moves its pods; uncordon makes it schedulable again',
    { timeout: 90_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      const poll = async (what: string, f: () => Promise<boolean>): Promise<void> => {
        for (let i = 0; i < 150; i++) {
          if (await f()) return;
          await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`timed out waiting for ${what}; sim log:\n${simLog}`);
      };
      await poll('two Ready sim nodes', async () => {
        const ready = await k.ok([
          'get',
          'nodes',
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]);
        return ready.split('\n').filter((l) => l === 'True').length === 2;
      });
      const pods = (): Promise<string> =>
        k.ok([
          'get',
          'pods',
          '-n',
          NS,
          '-l',
          'app=drained',
          '-o',
          'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}',
        ]);
      const running = async (): Promise<string[]> =>
        (await pods()).split('\n').filter((l) => l.startsWith('Running '));

      await k.ok(['create', 'deployment', 'drained', '-n', NS, '--image=busybox', '--replicas=2']);
      await poll('2 Running pods on sim nodes', async () => {
        const r = await running();
        return r.length === 2 && r.every((l) => /^Running sim-[01]$/.test(l));
      });

      const onSim0 = (await running()).filter((l) => l === 'Running sim-0').length;
      const r = await k.run([
        'drain',
        'sim-0',
        '--ignore-daemonsets',
        '--delete-emptydir-data',
        '--timeout=60s',
      ]);
      // kubectl prints the eviction progress on stderr and the result on stdout.
      const drained = r.stdout + r.stderr;
      assert.equal(r.code, 0, drained);
      assert.match(drained, /node\/sim-0 drained/);
      // The scheduler spreads the two replicas, so sim-0 normally had one to evict.
      if (onSim0 > 0) assert.equal(drained.match(/pod\/drained-\S+ evicted/g)?.length, onSim0, drained);
      assert.match(await k.ok(['get', 'node', 'sim-0']), /^sim-0\s+Ready,SchedulingDisabled\s/m);
      assert.equal(await jp(k, ['node', 'sim-0'], '{.spec.unschedulable}', ''), 'true');
      await poll('2 Running pods, all on sim-1', async () => {
        const all = (await pods()).split('\n').filter(Boolean);
        return all.length === 2 && all.every((l) => l === 'Running sim-1');
      });

      await k.ok(['uncordon', 'sim-0']);
      assert.match(await k.ok(['get', 'node', 'sim-0']), /^sim-0\s+Ready\s/m);
    },
  );
});
