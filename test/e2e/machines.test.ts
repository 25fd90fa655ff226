/**
 * Namespace machines and the pod network across them, for real: a `berth server` on 0.0.0.0, a
 * bootstrap token, and two machines made by `berth machine create` (a network namespace each, a
 * veth to a host bridge, a `berth agent` with its own containerd inside). Both Nodes become Ready
 * with distinct pod CIDRs; each agent routes the other's pod CIDR (proto 250) and the host routes
 * both (proto 251). A busybox httpd pod on each machine: a pod on A reaches the pod on B and B sees
 * A's pod IP (no NAT), while A's pod egress to the host is masqueraded to A's machine address; the
 * host reaches both pod IPs. Deleting machine B removes its Node and so A's route to it; deleting
 * every machine leaves `ip -o link`, `ip route`, `ip netns list` and `nft list ruleset` as they
 * were. Skipped unless root with containerd, runc and the CNI plugins.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/object.ts';
import { Client } from '../../src/client/client.ts';
import { httpTransport, type HttpTransport } from '../../src/client/http.ts';
import { loadKubeconfig } from '../../src/client/kubeconfig.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import { CriClient } from '../../src/node/cri/index.ts';
import { hostVethName } from '../../src/node/machines/netns-provider.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { berthBin, freePort, repoRoot, startServer, type TestServer } from '../helpers/server.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function berth(args: string[], timeoutMs = 120_000): Promise<Run> {
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

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

function hostSnapshot(): Record<string, string[]> {
  return {
    link: sh('ip', ['-o', 'link'])
      .split('\n')
      .map((l) => l.replace(/^\d+: /, '')),
    route: sh('ip', ['route']).split('\n'),
    netns: sh('ip', ['netns', 'list']).split('\n'),
    nft: sh('nft', ['list', 'ruleset']).split('\n'),
  };
}

function httpGet(url: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
  });
}

type Pod = KubeObject & {
  status?: {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{ containerID?: string; ready?: boolean }>;
  };
};
type NodeObj = KubeObject & {
  spec?: { podCIDR?: string };
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    addresses?: Array<{ type: string; address: string }>;
  };
};

const rootSkip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : undefined;
const skip = rootSkip ?? runtimePreflightMessage() ?? e2eSkip({ kubectl: false });

describe('namespace machines and the pod network', { skip: skip || false, timeout: 240_000 }, () => {
  const tag = randomBytes(2).toString('hex');
  const octet = 100 + (randomBytes(1)[0]! % 100);
  const bridge = `bmt${tag}`;
  const subnet = `172.30.${octet}.0/24`;
  const gateway = `172.30.${octet}.1`;
  // 10.200–224: network-acceptance-cluster.ts draws from 10.225–249 and agent-network.test.ts from
  // 10.150–189, so a test file running beside this one never owns the same cluster prefix.
  const clusterCidr = `10.${200 + (randomBytes(1)[0]! % 25)}.0.0/16`;
  const clusterPrefix = clusterCidr.split('.').slice(0, 2).join('.') + '.';
  const [A, B] = [`ma${tag}`, `mb${tag}`];
  let dir: string;
  let server: TestServer | undefined;
  let transport: HttpTransport | undefined;
  let client: Client;
  let before_: Record<string, string[]>;
  const created: string[] = [];
  const podIPs: Record<string, string> = {};
  const containers: Record<string, string> = {};
  const addresses: Record<string, string> = {};
  const cidrs: Record<string, string> = {};

  const common = () => ['--data-dir', dir, '--bridge', bridge, '--subnet', subnet];
  const mine = (line: string): boolean =>
    [
      bridge,
      A,
      B,
      `172.30.${octet}.`,
      clusterPrefix,
      'berth-podnet',
      hostVethName(bridge, 2).slice(0, 6),
    ].some((s) => line.includes(s));

  before(async () => {
    before_ = hostSnapshot();
    dir = mkdtempSync('/tmp/bm-');
    const port = await freePort();
    server = await startServer({ args: ['--listen', `0.0.0.0:${port}`, '--cluster-cidr', clusterCidr] });
    transport = httpTransport(await loadKubeconfig(server.kubeconfig), { maxSockets: Infinity });
    client = new Client(transport);
    const t = await berth(['token', 'create', '--kubeconfig', server.kubeconfig, '--ttl', '1h']);
    assert.equal(t.code, 0, t.stderr);
    const joinCmd = t.stdout.trim().split('\n')[1]!.split(' ').slice(2); // --server … --token … --ca-cert-hash …
    // Both machines at once: the state file's lock hands out distinct addresses.
    const runs = await Promise.all(
      [A, B].map(async (name) => {
        created.push(name);
        return berth([
          'machine',
          'create',
          name,
          ...common(),
          ...joinCmd,
          '--cluster-cidr',
          clusterCidr,
          '--agent-flag=--node-status-update-frequency 1s --lease-renew 2s',
        ]);
      }),
    );
    for (const r of runs) assert.equal(r.code, 0, `machine create failed:\n${r.stdout}${r.stderr}`);
  });

  after(async () => {
    for (const name of created) {
      if (existsSync(`/run/netns/${name}`) || existsSync(join(dir, 'machines', name)))
        await berth(['machine', 'delete', name, ...common(), '--keep-node']);
    }
    transport?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('machine list shows both running, with addresses on the bridge', async () => {
    const r = await berth(['machine', 'list', ...common(), '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const ms = JSON.parse(r.stdout) as Array<{
      name: string;
      address: string;
      state: string;
      pid?: number;
      podCIDR?: string;
    }>;
    assert.deepEqual(
      ms.map((m) => [m.name, m.state]),
      [A, B].sort().map((n) => [n, 'running']),
    );
    for (const m of ms) {
      assert.ok(m.address.startsWith(`172.30.${octet}.`) && m.address !== gateway, m.address);
      assert.ok(m.pid && m.pid > 0);
      addresses[m.name] = m.address;
    }
    assert.notEqual(addresses[A], addresses[B]);
    const table = await berth(['machine', 'list', ...common()]);
    assert.match(table.stdout, new RegExp(`^NAME\\s+ADDRESS\\s+STATE\\s+PID\\s+POD-CIDR\\n`));
  });

  test('both Nodes become Ready with distinct pod CIDRs and the machine addresses', async () => {
    for (const name of [A, B]) {
      const n = await eventually(`node ${name} Ready with a podCIDR`, async () => {
        const o = await client.resource<NodeObj>('', 'v1', 'nodes').get(undefined, name);
        const ready = o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        return ready && o.spec?.podCIDR ? o : undefined;
      });
      cidrs[name] = n.spec!.podCIDR!;
      assert.ok(cidrs[name].startsWith(clusterPrefix), cidrs[name]);
      assert.equal(n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, addresses[name]);
    }
    assert.notEqual(cidrs[A], cidrs[B]);
  });

  test('each agent routes the other pod CIDR (proto 250); the host routes both (proto 251)', async () => {
    for (const [self, other] of [
      [A, B],
      [B, A],
    ] as const) {
      await eventually(`route in ${self} to ${other}`, async () => {
        const routes = sh('ip', ['-n', self, 'route', 'show', 'proto', '250']);
        return routes.includes(`${cidrs[other]} via ${addresses[other]}`) ? true : undefined;
      });
    }
    const host = sh('ip', ['route', 'show', 'proto', '251']);
    for (const n of [A, B])
      assert.match(host, new RegExp(`${cidrs[n]!.replace(/\./g, '\\.')} via ${addresses[n]} dev ${bridge}`));
    const nft = sh('nsenter', [`--net=/run/netns/${A}`, 'nft', 'list', 'table', 'ip', 'berth-podnet']);
    assert.match(
      nft,
      new RegExp(
        `ip saddr ${cidrs[A]!.replace(/\./g, '\\.')} ip daddr != ${clusterCidr.replace(/\./g, '\\.')}`,
      ),
    );
  });

  test('an httpd pod runs on each machine', async () => {
    const pods = client.resource<Pod>('', 'v1', 'pods');
    const script = [
      'mkdir -p /tmp/w/cgi-bin',
      'echo "$POD" > /tmp/w/index.html',
      'printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho \\$REMOTE_ADDR\\n" > /tmp/w/cgi-bin/ip',
      'chmod +x /tmp/w/cgi-bin/ip',
      'exec httpd -f -p 80 -h /tmp/w',
    ].join(' && ');
    for (const name of [A, B]) {
      await pods.create('default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `web-${name}` },
        spec: {
          nodeName: name,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: 'busybox:1.35',
              command: ['sh', '-c', script],
              env: [{ name: 'POD', value: `web-${name}` }],
            },
          ],
        },
      } as Pod);
    }
    for (const name of [A, B]) {
      const p = await eventually(
        `pod web-${name} running`,
        async () => {
          const o = await pods.get('default', `web-${name}`);
          return o.status?.phase === 'Running' &&
            o.status.podIP &&
            o.status.containerStatuses?.[0]?.containerID
            ? o
            : undefined;
        },
        60_000,
      );
      podIPs[name] = p.status!.podIP!;
      containers[name] = p.status!.containerStatuses![0]!.containerID!.replace('containerd://', '');
      assert.ok(podIPs[name].startsWith(cidrs[name]!.split('.').slice(0, 3).join('.') + '.'), podIPs[name]);
    }
  });

  async function execOnA(cmd: string[]): Promise<string> {
    const cri = new CriClient({
      endpoint: join(dir, 'machines', A, 'agent', 'containerd', 'containerd.sock'),
      requestTimeoutMs: 30_000,
    });
    try {
      const r = await cri.execSync(containers[A]!, cmd, 10);
      assert.equal(r.exit_code, 0, `${cmd.join(' ')}: ${r.stderr.toString()}`);
      return r.stdout.toString().trim();
    } finally {
      cri.close();
    }
  }

  test("pod on A reaches the pod on B, which sees A's pod IP (no NAT)", async () => {
    assert.equal(await execOnA(['wget', '-qO-', `http://${podIPs[B]}/`]), `web-${B}`);
    const peer = await execOnA(['wget', '-qO-', `http://${podIPs[B]}/cgi-bin/ip`]);
    assert.equal(peer.replace(/^\[(::ffff:)?|\]$/g, ''), podIPs[A]);
  });

  test('pod egress leaving the pod network is masqueraded to the machine address', async () => {
    const srv: Server = createServer((req, res) =>
      res.end(req.socket.remoteAddress?.replace(/^::ffff:/, '')),
    );
    await new Promise<void>((r) => srv.listen(0, gateway, () => r()));
    try {
      const port = (srv.address() as { port: number }).port;
      assert.equal(await execOnA(['wget', '-qO-', `http://${gateway}:${port}/`]), addresses[A]);
    } finally {
      srv.close();
    }
  });

  test('the host reaches both pod IPs', async () => {
    for (const name of [A, B]) assert.equal((await httpGet(`http://${podIPs[name]}/`)).trim(), `web-${name}`);
  });

  test('deleting machine B removes its Node, and A drops the route to it', async () => {
    const r = await berth(['machine', 'delete', B, ...common(), '--cluster-kubeconfig', server!.kubeconfig]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`machine ${B} deleted`));
    await assert.rejects(client.resource('', 'v1', 'nodes').get(undefined, B), /not found/);
    await eventually(`A's route to ${B} gone`, async () =>
      sh('ip', ['-n', A, 'route', 'show', 'proto', '250']).includes(cidrs[B]!) ? undefined : true,
    );
    assert.ok(!existsSync(`/run/netns/${B}`));
    assert.ok(!sh('ip', ['route']).includes(cidrs[B]!));
    assert.ok(!existsSync(join(dir, 'machines', B)));
    const ms = JSON.parse((await berth(['machine', 'list', ...common(), '-o', 'json'])).stdout) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      ms.map((m) => m.name),
      [A],
    );
  });

  test('deleting the last machine leaves the host as it was', async () => {
    const r = await berth(['machine', 'delete', A, ...common(), '--cluster-kubeconfig', server!.kubeconfig]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const after_ = hostSnapshot();
    // Other test files may change the host meanwhile: lines that are not this test's are reported only.
    for (const k of Object.keys(before_)) {
      const was = new Set(before_[k]);
      const now = new Set(after_[k]);
      const added = after_[k]!.filter((l) => !was.has(l));
      const removed = before_[k]!.filter((l) => !now.has(l));
      assert.deepEqual(added.filter(mine), [], `${k}: left behind`);
      assert.deepEqual(removed.filter(mine), [], `${k}: removed`);
      if (added.length || removed.length)
        process.stderr.write(`note: ${k} changed by something else: +${added.length} -${removed.length}\n`);
    }
    assert.equal(
      sh('ps', ['-eo', 'args'])
        .split('\n')
        .filter((l) => l.includes(dir)).length,
      0,
      'processes left',
    );
    assert.equal(sh('cat', ['/proc/self/mountinfo']).includes(dir), false, 'mounts left');
    for (const n of [A, B])
      assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth-machine-${n}`), `cgroup of ${n} left`);
    assert.ok(!existsSync(join(dir, 'machines')), 'machines directory left');
  });
});
