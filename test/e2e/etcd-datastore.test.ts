/**
 * `berth server --datastore etcd://…` end to end: two API servers share one three-member etcd
 * cluster and one data directory (so one CA). Objects written through one server are served (get,
 * list, watch) by the other; kubectl keeps working through the survivor when a server is killed and
 * then when an etcd member is killed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, freePort, repoRoot } from '../helpers/server.ts';
import { etcdBinary, startEtcd } from '../helpers/etcd.ts';
import { kubectl } from '../helpers/kubectl.ts';
import { e2eSkip } from '../helpers/e2e.ts';

function startBerth(
  dataDir: string,
  port: number,
  endpoints: string[],
): { child: ChildProcess; ready: Promise<void>; out: () => string } {
  const datastore = 'etcd://' + endpoints.map((u) => u.replace(/^http:\/\//, '')).join(',');
  const child = spawn(
    berthBin,
    ['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--datastore', datastore],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: string[] = [];
  child.stderr!.on('data', (c: Buffer) => chunks.push(c.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      chunks.push(c.toString());
      if (chunks.join('').includes('API listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`berth server exited ${code}:\n${chunks.join('')}`)));
  });
  ready.catch(() => {});
  return { child, ready, out: () => chunks.join('') };
}

/** A kubeconfig for the shared data dir pointing at one server's port. */
function kubeconfigFor(dataDir: string, port: number, home: string): string {
  const text = readFileSync(join(dataDir, 'kubeconfig'), 'utf8').replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://127.0.0.1:${port}`,
  );
  const path = join(home, `kubeconfig-${port}`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe(
  'etcd datastore with two API servers',
  { skip: e2eSkip() || (etcdBinary() ? false : 'etcd is not installed (apt-get install etcd-server)') },
  () => {
    test(
      'objects written through one server are served by the other; kubectl survives a server and an etcd member dying',
      { timeout: 120_000 },
      async () => {
        const etcd = await startEtcd({ members: 3 });
        const dataDir = mkdtempSync(join(tmpdir(), 'berth-etcd-e2e-'));
        const home = mkdtempSync(join(tmpdir(), 'berth-etcd-home-'));
        const servers: ChildProcess[] = [];
        try {
          const [pa, pb] = [await freePort(), await freePort()];
          const a = startBerth(dataDir, pa, etcd.endpoints);
          servers.push(a.child);
          await a.ready;
          const b = startBerth(dataDir, pb, etcd.endpoints);
          servers.push(b.child);
          await b.ready;
          const ka = kubeconfigFor(dataDir, pa, home);
          const kb = kubeconfigFor(dataDir, pb, home);
          const run = async (kc: string, args: string[], input?: string) => {
            const r = await kubectl(args, { kubeconfig: kc, input, home });
            assert.equal(r.code, 0, `kubectl ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
            return r.stdout;
          };

          await run(ka, ['create', 'namespace', 'shared']);
          await run(ka, ['-n', 'shared', 'create', 'configmap', 'one', '--from-literal=k=v1']);
          // Server B serves what A wrote (its watch cache follows etcd).
          assert.match(
            await run(kb, ['-n', 'shared', 'get', 'configmap', 'one', '-o', 'jsonpath={.data.k}']),
            /^v1$/,
          );
          // A watch on B sees a change made through A.
          const watcher = spawn(
            '/usr/bin/kubectl',
            [
              '--kubeconfig',
              kb,
              '-n',
              'shared',
              'get',
              'configmap',
              'one',
              '-w',
              '-o',
              'jsonpath={.data.k}{"\\n"}',
            ],
            {
              env: { ...process.env, HOME: home },
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          let seen = '';
          const sawV2 = new Promise<void>((resolve) =>
            watcher.stdout.on(
              'data',
              (c: Buffer) => ((seen += c.toString()), seen.includes('v2') && resolve()),
            ),
          );
          await new Promise((r) => setTimeout(r, 1000));
          await run(ka, ['-n', 'shared', 'patch', 'configmap', 'one', '-p', '{"data":{"k":"v2"}}']);
          await Promise.race([
            sawV2,
            new Promise((_, rej) => setTimeout(() => rej(new Error(`watch on B saw: ${seen}`)), 15_000)),
          ]);
          watcher.kill();

          // Server A dies: B keeps serving reads and writes.
          a.child.kill('SIGKILL');
          await run(kb, ['-n', 'shared', 'create', 'configmap', 'two', '--from-literal=k=v']);
          assert.match(
            await run(kb, ['-n', 'shared', 'get', 'configmaps', '-o', 'name']),
            /configmap\/one\nconfigmap\/two/,
          );

          // One etcd member dies: B still works through the other two.
          await etcd.members[0].kill();
          await run(kb, ['-n', 'shared', 'create', 'configmap', 'three', '--from-literal=k=v']);
          assert.match(
            await run(kb, ['-n', 'shared', 'get', 'configmap', 'three', '-o', 'name']),
            /configmap\/three/,
          );
          assert.match(await run(kb, ['get', 'namespaces']), /shared/);
        } finally {
          for (const s of servers) s.kill('SIGKILL');
          await etcd.stop();
          rmSync(dataDir, { recursive: true, force: true });
          rmSync(home, { recursive: true, force: true });
        }
      },
    );
  },
);
