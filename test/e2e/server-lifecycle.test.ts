/**
 * The `berth` command's process contract: `server` prints where it listens and where the kubeconfig
 * is, stops cleanly on SIGTERM within 5 s, carries on with the same CA and data when started again,
 * keeps every acknowledged write across kill -9, and refuses a second process on the same data dir
 * with one line. Also `version`, `--help` and `up`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';
import { httpsClient } from '../helpers/https.ts';
import { readKubeconfig } from '../helpers/kubeconfig.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { acquireHostLock } from '../helpers/host-lock.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/preflight.ts';
import { deleteLink, removeCgroup } from '../../src/node/containerd/cleanup.ts';
import { BUSYBOX_REF } from '../../src/node/images/local-images.ts';
import { localNodeName } from '../../src/cli/up-agent.ts';

interface Running {
  child: ChildProcess;
  out: () => string;
  banner: Promise<string>;
  exited: Promise<{ code: number | null; signal: string | null; ms: number }>;
}

/** Every server still running, killed when the suite ends so a failed test leaves none behind. */
const spawned = new Set<ChildProcess>();
after(() => {
  for (const c of spawned) c.kill('SIGKILL');
});

function run(args: string[]): Running {
  const child = spawn(berthBin, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const stdout: string[] = [];
  let resolveBanner: (line: string) => void;
  let rejectBanner: (err: Error) => void;
  const banner = new Promise<string>((resolve, reject) => {
    resolveBanner = resolve;
    rejectBanner = reject;
  });
  // A process expected to refuse never prints a banner; only an awaited banner should fail a test.
  banner.catch(() => {});
  child.on('exit', (code) =>
    rejectBanner(
      new Error(`berth ${args.join(' ')} exited (${code}) before its banner:\n${chunks.join('')}`),
    ),
  );
  // The banner is the first line on stdout (logs go to stderr).
  child.stdout!.on('data', (c: Buffer) => {
    chunks.push(c.toString());
    stdout.push(c.toString());
    const text = stdout.join('');
    if (text.includes('\n')) resolveBanner(text.split('\n')[0]);
  });
  child.stderr!.on('data', (c: Buffer) => chunks.push(c.toString()));
  let signalledAt = 0;
  const kill = child.kill.bind(child);
  child.kill = (sig?: NodeJS.Signals | number) => {
    signalledAt = Date.now();
    return kill(sig);
  };
  const exited = new Promise<{ code: number | null; signal: string | null; ms: number }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal, ms: signalledAt ? Date.now() - signalledAt : 0 })),
  );
  spawned.add(child);
  child.on('exit', () => spawned.delete(child));
  return { child, out: () => chunks.join(''), banner, exited };
}

describe('berth server process lifecycle', { skip: e2eSkip({ kubectl: false }) }, () => {
  test(
    'start, write, SIGTERM, restart with the same CA and data, kill -9, second process refused',
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-life-'));
      try {
        const port = await freePort();
        const args = ['server', '--data-dir', dir, '--listen', `127.0.0.1:${port}`];
        const first = run(args);
        const line = await first.banner;
        assert.match(
          line,
          new RegExp(
            `^berth server: API listening on https://127\\.0\\.0\\.1:${port} .*kubeconfig: ${dir}/kubeconfig$`,
          ),
        );
        const conn = readKubeconfig(join(dir, 'kubeconfig'));
        const ca = readFileSync(join(dir, 'tls', 'ca.crt'), 'utf8');
        let client = httpsClient(conn);
        const post = (name: string) =>
          client.request('POST', '/api/v1/namespaces/default/configmaps', {
            body: JSON.stringify({ metadata: { name }, data: { k: name } }),
            headers: { 'Content-Type': 'application/json' },
          });
        assert.equal((await post('before-restart')).status, 201);

        // A second process on the same data dir refuses with one line and exit 1.
        const second = run(['server', '--data-dir', dir, '--listen', `127.0.0.1:${await freePort()}`]);
        const refused = await second.exited;
        assert.equal(refused.code, 1, second.out());
        assert.match(second.out().trim(), /^berth: .*in use by another process/);
        assert.equal(second.out().trim().split('\n').length, 1, second.out());

        // SIGTERM: a clean exit within 5 s.
        client.close();
        first.child.kill('SIGTERM');
        const stopped = await first.exited;
        assert.equal(stopped.code, 0, first.out());
        assert.ok(stopped.ms < 5000, `took ${stopped.ms} ms`);

        // Again on the same dir: same CA, same data.
        const again = run(args);
        await again.banner;
        assert.equal(readFileSync(join(dir, 'tls', 'ca.crt'), 'utf8'), ca);
        client = httpsClient(readKubeconfig(join(dir, 'kubeconfig')));
        const got = await client.request('GET', '/api/v1/namespaces/default/configmaps/before-restart');
        assert.equal(got.status, 200, got.body);
        assert.equal((JSON.parse(got.body) as { data: { k: string } }).data.k, 'before-restart');

        // kill -9 right after acknowledged writes: every one of them is there after a restart.
        const acked: string[] = [];
        await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            const r = await post(`acked-${i}`);
            if (r.status === 201) acked.push(`acked-${i}`);
          }),
        );
        assert.equal(acked.length, 50);
        client.close();
        again.child.kill('SIGKILL');
        await again.exited;
        const third = run(args);
        await third.banner;
        client = httpsClient(readKubeconfig(join(dir, 'kubeconfig')));
        const list = JSON.parse(
          (await client.request('GET', '/api/v1/namespaces/default/configmaps')).body,
        ) as { items: { metadata: { name: string } }[] };
        const names = new Set(list.items.map((i) => i.metadata.name));
        for (const n of acked) assert.ok(names.has(n), `${n} lost after kill -9`);
        client.close();
        third.child.kill('SIGTERM');
        assert.equal((await third.exited).code, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('version and --help', () => {
    const v = spawnSync(berthBin, ['version'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^berth \d+\.\d+\.\d+ \(Kubernetes API v1\.32\)$/m);
    for (const cmd of [[], ['server'], ['up'], ['version']]) {
      const h = spawnSync(berthBin, [...cmd, '--help'], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(h.status, 0, h.stderr);
      assert.match(h.stdout, /^Usage: berth/m);
    }
    const bad = spawnSync(berthBin, ['server', '--data-dir', '/tmp/x', '--listen', 'nonsense'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^berth: --listen: expected HOST:PORT/);
  });

  test(
    'up starts a local cluster, the console and a node agent that runs a real pod',
    // Up to 3 minutes of its own, plus the wait for the other `berth up` test (see the host lock).
    { timeout: 420_000 },
    async (t) => {
      // `berth up`'s agent uses the host's default bridge, cgroup root and node name: one at a time.
      t.after(await acquireHostLock('berth-up-agent'));
      const dir = mkdtempSync(join(tmpdir(), 'berth-up-'));
      const withAgent = runtimePreflightMessage() === undefined;
      let up: Running | undefined;
      try {
        const port = await freePort();
        const consolePort = await freePort();
        up = run([
          'up',
          '--data-dir',
          dir,
          '--listen',
          `127.0.0.1:${port}`,
          '--console-listen',
          `127.0.0.1:${consolePort}`,
        ]);
        await up.banner;
        const deadline = Date.now() + 10_000;
        while (!up.out().includes('kubectl get nodes') && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        assert.match(up.out(), new RegExp(`export KUBECONFIG=${dir}/server/kubeconfig`));
        assert.match(up.out(), new RegExp(`https://127\\.0\\.0\\.1:${consolePort}`));
        const client = httpsClient(readKubeconfig(join(dir, 'server', 'kubeconfig')));
        try {
          const ns = JSON.parse((await client.request('GET', '/api/v1/namespaces')).body) as {
            items: { metadata: { name: string } }[];
          };
          assert.deepEqual(ns.items.map((i) => i.metadata.name).sort(), [
            'default',
            'kube-node-lease',
            'kube-public',
            'kube-system',
          ]);
          if (!withAgent) {
            assert.match(up.out(), /No node agent: /);
          } else {
            // The agent registers this host as a Node that becomes Ready and runs a real container.
            assert.match(up.out(), /A node agent runs this machine as a node/);
            const node = localNodeName();
            const until = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
              const end = Date.now() + 90_000;
              while (Date.now() < end) {
                if (await ok()) return;
                await new Promise((r) => setTimeout(r, 250));
              }
              throw new Error(`timed out waiting for ${what}; berth up output:\n${up!.out()}`);
            };
            await until(`node ${node} Ready`, async () => {
              const r = await client.request('GET', `/api/v1/nodes/${node}`);
              if (r.status !== 200) return false;
              const conds = (
                JSON.parse(r.body) as { status?: { conditions?: { type: string; status: string }[] } }
              ).status?.conditions;
              return !!conds?.some((c) => c.type === 'Ready' && c.status === 'True');
            });
            const pod = {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'hello', namespace: 'default' },
              spec: {
                terminationGracePeriodSeconds: 1,
                containers: [
                  { name: 'c', image: BUSYBOX_REF, imagePullPolicy: 'Never', command: ['sleep', '3600'] },
                ],
              },
            };
            assert.equal(
              (
                await client.request('POST', '/api/v1/namespaces/default/pods', {
                  body: JSON.stringify(pod),
                  headers: { 'content-type': 'application/json' },
                })
              ).status,
              201,
            );
            await until('pod hello Running on this node', async () => {
              const p = JSON.parse(
                (await client.request('GET', '/api/v1/namespaces/default/pods/hello')).body,
              ) as {
                spec?: { nodeName?: string };
                status?: { phase?: string };
              };
              return p.spec?.nodeName === node && p.status?.phase === 'Running';
            });
            await client.request('DELETE', '/api/v1/namespaces/default/pods/hello');
            await until(
              'pod hello gone',
              async () =>
                (await client.request('GET', '/api/v1/namespaces/default/pods/hello')).status === 404,
            );
          }
        } finally {
          client.close();
        }
        up.child.kill('SIGINT');
        assert.equal((await up.exited).code, 0);
        // Nothing of the agent is left running: no containerd or shim for this data dir.
        const left = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();
        assert.equal(left, '', `processes left behind: ${left}`);
      } finally {
        up?.child.kill('SIGKILL');
        if (withAgent) {
          deleteLink('berth0');
          removeCgroup('/berth');
          // The agent's service proxy and NetworkPolicy tables outlive it (as kube-proxy's rules do).
          for (const [family, table] of [
            ['ip', 'berth'],
            ['inet', 'berth-netpol'],
          ])
            spawnSync('nft', ['delete', 'table', family!, table!], { stdio: 'ignore' });
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
