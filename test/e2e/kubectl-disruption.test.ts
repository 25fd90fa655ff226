/**
 * PodDisruptionBudgets with the real kubectl on simulated nodes: the disruption controller keeps the
 * budget's status current (`kubectl get pdb` ALLOWED DISRUPTIONS), the eviction subresource refuses
 * with 429 and a DisruptionBudget cause while the budget is spent, and `kubectl drain` waits on the
 * budget — failing after its timeout while the budget forbids, succeeding once it allows.
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

const NS = 'pdb';

describe('disruption budgets, eviction and drain', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;
  let simLog = '';
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-pdb-'));
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
    rmSync(dir, { recursive: true, force: true });
  });

  async function poll(what: string, f: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await f()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}; sim log:\n${simLog}`);
  }

  const podsOn = async (k: KubectlSession): Promise<string[]> =>
    (
      await k.ok([
        'get',
        'pods',
        '-n',
        NS,
        '-l',
        'app=guarded',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName}{"\\n"}{end}',
      ])
    )
      .split('\n')
      .filter(Boolean);

  const allowed = (k: KubectlSession): Promise<string> =>
    k.ok(['get', 'pdb', 'guarded', '-n', NS, '-o', 'jsonpath={.status.disruptionsAllowed}']);

  test(
    'a spent budget refuses eviction with 429 and holds drain back until it allows',
    { timeout: 150_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await poll('two Ready sim nodes', async () => {
        const ready = await k.ok([
          'get',
          'nodes',
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]);
        return ready.split('\n').filter((l) => l === 'True').length === 2;
      });
      await k.ok(['create', 'namespace', NS]);
      await k.ok(['create', 'deployment', 'guarded', '-n', NS, '--image=busybox', '--replicas=2']);
      await k.ok(['rollout', 'status', 'deployment/guarded', '-n', NS, '--timeout=60s']);
      await k.ok(['create', 'pdb', 'guarded', '-n', NS, '--selector=app=guarded', '--min-available=2']);

      await poll('the budget to count 2 healthy pods', async () => {
        const st = await k.ok([
          'get',
          'pdb',
          'guarded',
          '-n',
          NS,
          '-o',
          'jsonpath={.status.currentHealthy}/{.status.desiredHealthy}/{.status.expectedPods}/{.status.disruptionsAllowed}',
        ]);
        return st === '2/2/2/0';
      });
      assert.match(await k.ok(['get', 'pdb', '-n', NS]), /^guarded\s+2\s+N\/A\s+0\s/m);

      // The eviction subresource itself: 429 with the budget named in the cause.
      const victim = (await podsOn(k))[0]!.split(' ')[0]!;
      const eviction = join(dir, 'eviction.json');
      writeFileSync(
        eviction,
        JSON.stringify({
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: victim, namespace: NS },
        }),
      );
      const refused = await k.run([
        'create',
        '--raw',
        `/api/v1/namespaces/${NS}/pods/${victim}/eviction`,
        '-f',
        eviction,
      ]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
      assert.match(refused.stderr, /429|TooManyRequests|Too Many Requests/i);
      assert.equal((await podsOn(k)).length, 2, 'the refused eviction deleted nothing');

      const node = (await podsOn(k)).find((l) => l.startsWith(`${victim} `))!.split(' ')[2]!;
      const held = await k.run(['drain', node, '--ignore-daemonsets', '--timeout=8s']);
      assert.notEqual(held.code, 0, held.stdout + held.stderr);
      assert.match(held.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
      assert.equal((await podsOn(k)).length, 2);

      // Allow one disruption: drain now evicts, and the budget is spent again until the replacement is Ready.
      await k.ok(['patch', 'pdb', 'guarded', '-n', NS, '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
      await poll('one allowed disruption', async () => (await allowed(k)) === '1');
      const drained = await k.run(['drain', node, '--ignore-daemonsets', '--timeout=60s']);
      assert.equal(drained.code, 0, drained.stdout + drained.stderr);
      assert.match(drained.stdout + drained.stderr, new RegExp(`pod/${victim} evicted`));
      await poll('both replicas Running away from the drained node', async () => {
        const pods = await podsOn(k);
        return pods.length === 2 && pods.every((l) => / Running /.test(l) && !l.endsWith(` ${node}`));
      });
      await poll('the budget to allow one disruption again', async () => (await allowed(k)) === '1');
      await k.ok(['uncordon', node]);
    },
  );
});
