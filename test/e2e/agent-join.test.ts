/**
 * Joining a node with a bootstrap token, end to end: `berth token create` prints a token and the join
 * command; `berth agent --server --token --ca-cert-hash --runtime none` pins the CA, gets its own
 * client certificate through a CertificateSigningRequest (auto-approved, signed by the cluster CA),
 * registers its Node (capacity, nodeInfo, labels), becomes Ready and renews its Lease. With the
 * node's own kubeconfig kubectl may read other nodes but not label them, nor delete pods bound to
 * other nodes. A wrong CA pin and an unknown or expired token each fail with one clear line, and
 * SIGTERM stops the agent cleanly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';
import { berthBin, repoRoot } from '../helpers/server.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the berth CLI to completion (killed after `timeoutMs`). */
function berth(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Polls `fn` until it returns a value (not undefined) or the time is up. */
async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('berth agent joins with a bootstrap token', { skip: e2eSkip() }, () => {
  const s = useServer();
  const dir = mkdtempSync(join(tmpdir(), 'berth-agent-e2e-'));
  const dataDir = join(dir, 'agent');
  const nodeName = 'e2e-node-1';
  let token = '';
  let join_: string[] = [];
  let agent: ChildProcess | undefined;
  let agentOut = '';
  let admin: KubectlSession;
  let node: KubectlSession;

  before(async () => {
    admin = kubectlSession(undefined, s.server.kubeconfig);
    const r = await berth(['token', 'create', '--kubeconfig', s.server.kubeconfig, '--ttl', '1h']);
    assert.equal(r.code, 0, r.stderr);
    [token = '', ...join_] = r.stdout.trim().split('\n');
    join_ = (join_[0] ?? '').split(' ');
    agent = spawn(
      berthBin,
      [
        ...join_.slice(1),
        '--node-name',
        nodeName,
        '--data-dir',
        dataDir,
        '--runtime',
        'none',
        '--lease-renew',
        '1s',
        '--node-status-update-frequency',
        '1s',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent.stdout?.on('data', (c: Buffer) => (agentOut += c.toString()));
    agent.stderr?.on('data', (c: Buffer) => (agentOut += c.toString()));
    await eventually(
      'the agent to register',
      async () => (agentOut.includes('registered with') ? true : undefined),
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nagent output:\n${agentOut}`);
    });
    node = kubectlSession(undefined, join(dataDir, 'kubeconfig'));
  });

  after(async () => {
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    await admin?.close();
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('token create prints a token and the join command with the CA pin', () => {
    assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.deepEqual(join_.slice(0, 3), ['berth', 'agent', '--server']);
    assert.equal(join_[3], s.server.url);
    assert.deepEqual([join_[4], join_[5]], ['--token', token]);
    assert.equal(join_[6], '--ca-cert-hash');
    assert.match(join_[7] ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  test('the node registers with capacity, nodeInfo and labels, and becomes Ready', async () => {
    const n = await eventually('a Ready node', async () => {
      const o = JSON.parse(await admin.ok(['get', 'node', nodeName, '-o', 'json'])) as {
        metadata: { labels: Record<string, string> };
        status: {
          capacity: Record<string, string>;
          allocatable: Record<string, string>;
          nodeInfo: Record<string, string>;
          addresses: { type: string; address: string }[];
          conditions: { type: string; status: string }[];
        };
      };
      return o.status.conditions.find((c) => c.type === 'Ready')?.status === 'True' ? o : undefined;
    });
    assert.equal(n.metadata.labels['kubernetes.io/hostname'], nodeName);
    assert.equal(n.metadata.labels['kubernetes.io/os'], 'linux');
    assert.ok(n.metadata.labels['kubernetes.io/arch']);
    assert.ok(Number(n.status.capacity.cpu) >= 1);
    assert.match(n.status.capacity.memory ?? '', /^\d+Ki$/);
    assert.match(n.status.capacity['ephemeral-storage'] ?? '', /^\d+Ki$/);
    assert.equal(n.status.capacity.pods, '110');
    assert.ok(n.status.allocatable.cpu);
    assert.equal(n.status.nodeInfo.kubeletVersion, 'v1.32.4+berth');
    assert.equal(n.status.nodeInfo.containerRuntimeVersion, 'unknown');
    assert.equal(n.status.nodeInfo.operatingSystem, 'linux');
    assert.ok(n.status.nodeInfo.osImage && n.status.nodeInfo.kernelVersion);
    assert.deepEqual(
      n.status.conditions.map((c) => [c.type, c.status]).sort(),
      [
        ['DiskPressure', 'False'],
        ['MemoryPressure', 'False'],
        ['PIDPressure', 'False'],
        ['Ready', 'True'],
      ].sort(),
    );
    assert.ok(n.status.addresses.some((a) => a.type === 'Hostname'));
  });

  test('the node renews its Lease', async () => {
    const renewTime = async () =>
      (
        await admin.ok([
          'get',
          'lease',
          '-n',
          'kube-node-lease',
          nodeName,
          '-o',
          'jsonpath={.spec.renewTime}',
        ])
      ).trim();
    const first = await eventually('a lease', async () => (await renewTime()) || undefined);
    await eventually('a renewal', async () => ((await renewTime()) !== first ? true : undefined), 10_000);
    const holder = await admin.ok([
      'get',
      'lease',
      '-n',
      'kube-node-lease',
      nodeName,
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ]);
    assert.equal(holder, nodeName);
  });

  test('the agent runs as the node, not with the token', async () => {
    const who = await node.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who, `system:node:${nodeName}`);
    const csrs = await admin.ok([
      'get',
      'csr',
      '-o',
      'jsonpath={range .items[*]}{.spec.username} {.status.conditions[0].type}{"\\n"}{end}',
    ]);
    assert.match(csrs, new RegExp(`system:bootstrap:${token.split('.')[0]} Approved`));
  });

  test('node authorization: read other nodes, but not label them or delete their pods', async () => {
    await admin.ok(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Node
metadata: { name: e2e-other }
---
apiVersion: v1
kind: Pod
metadata: { name: elsewhere, namespace: default }
spec: { nodeName: e2e-other, containers: [{ name: c, image: busybox }] }
---
apiVersion: v1
kind: Pod
metadata: { name: mine, namespace: default }
spec: { nodeName: ${nodeName}, containers: [{ name: c, image: busybox }] }
`,
    });
    assert.match(await node.ok(['get', 'node', 'e2e-other']), /e2e-other/);
    const label = await node.fails(['label', 'node', 'e2e-other', 'x=y']);
    assert.match(label, /Forbidden/);
    assert.match(label, /User "system:node:e2e-node-1" cannot patch resource "nodes"/);
    const del = await node.fails(['delete', 'pod', 'elsewhere', '--wait=false']);
    assert.match(del, /Forbidden/);
    assert.match(del, /cannot delete resource "pods" in API group "" in the namespace "default"/);
    assert.match(await node.fails(['get', 'secrets']), /Forbidden/);
    await node.ok(['delete', 'pod', 'mine', '--wait=false', '--grace-period=0', '--force']);
  });

  test('a wrong --ca-cert-hash is refused with one clear line', async () => {
    const r = await berth([
      'agent',
      '--server',
      s.server.url,
      '--token',
      token,
      '--ca-cert-hash',
      `sha256:${'0'.repeat(64)}`,
      '--node-name',
      'pin-test',
      '--data-dir',
      join(dir, 'pin'),
      '--runtime',
      'none',
    ]);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^berth: the server's CA does not match --ca-cert-hash sha256:0{64}/);
  });

  test('an unknown or expired token is refused with one clear line', async () => {
    const pin = join_[7]!;
    const short = await berth(['token', 'create', '--kubeconfig', s.server.kubeconfig, '--ttl', '1s']);
    assert.equal(short.code, 0, short.stderr);
    await new Promise((r) => setTimeout(r, 1500));
    for (const t of ['zzzzzz.zzzzzzzzzzzzzzzz', short.stdout.split('\n')[0]!]) {
      const r = await berth([
        'agent',
        '--server',
        s.server.url,
        '--token',
        t,
        '--ca-cert-hash',
        pin,
        '--node-name',
        'tok-test',
        '--data-dir',
        join(dir, 'tok'),
        '--runtime',
        'none',
      ]);
      assert.notEqual(r.code, 0);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /refused the bootstrap token: it is unknown, expired or deleted/);
    }
  });

  test('with an admin kubeconfig the agent still makes and uses its own node identity', async () => {
    const data = join(dir, 'admin-path');
    const child = spawn(
      berthBin,
      [
        'agent',
        '--kubeconfig',
        s.server.kubeconfig,
        '--node-name',
        'e2e-admin-joined',
        '--data-dir',
        data,
        '--runtime',
        'none',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await eventually(
        'registration',
        async () => (out.includes('registered with') ? true : undefined),
        30_000,
      );
      const k = kubectlSession(undefined, join(data, 'kubeconfig'));
      try {
        assert.equal(
          await k.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']),
          'system:node:e2e-admin-joined',
        );
      } finally {
        await k.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('SIGTERM stops the agent cleanly', async () => {
    assert.ok(agent && agent.exitCode === null, `agent exited early:\n${agentOut}`);
    const exited = new Promise<number | null>((r) => agent!.once('exit', (code) => r(code)));
    agent.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
