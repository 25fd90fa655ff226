/**
 * Node lifecycle with the real kubectl: `berth server` with a 5 s heartbeat grace period and 5 s
 * default tolerations, two `berth sim` processes with one node each. Each node gets its own pod
 * CIDR from 10.244.0.0/16; a Deployment's pods run on the first node; that sim is killed (SIGKILL:
 * its node stops heartbeating); the node turns NotReady/Unknown with the unreachable taints, its
 * pods are evicted once their toleration runs out and the ReplicaSet brings them up on the node
 * that is still alive. `kubectl describe node` shows the conditions and taints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot, startServer, type TestServer } from '../helpers/server.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

describe('node lifecycle on simulated nodes', { skip: e2eSkip() }, () => {
  let server: TestServer | undefined;
  const sims: ChildProcess[] = [];
  let simLog = '';
  let passed = false;

  before(async () => {
    server = await startServer({
      args: [
        '--node-monitor-grace-period',
        '5s',
        '--default-not-ready-toleration-seconds',
        '5',
        '--default-unreachable-toleration-seconds',
        '5',
      ],
    });
  });
  after(async () => {
    for (const s of sims) s.kill('SIGKILL');
    if (!server) return;
    if (process.env.BERTH_TEST_LOGS === '1' || !passed)
      process.stderr.write(`\n--- berth server log ---\n${server.logs()}\n--- sim log ---\n${simLog}\n`);
    await server.stop();
  });

  function startSim(prefix: string): ChildProcess {
    const sim = spawn(
      berthBin,
      [
        'sim',
        '--kubeconfig',
        server!.kubeconfig,
        '--nodes',
        '1',
        '--name-prefix',
        prefix,
        '--ready-delay',
        '200ms',
        // Heartbeats well inside the server's 5 s grace period.
        '--lease-renew',
        '1s',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
    sims.push(sim);
    return sim;
  }

  /** Polls `probe` every 250 ms until it returns a truthy value; fails after `ms` with `what`. */
  async function until<T>(what: string, ms: number, probe: () => Promise<T>): Promise<NonNullable<T>> {
    const deadline = Date.now() + ms;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await probe();
      if (last) return last as NonNullable<T>;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})\nsim log:\n${simLog}`);
  }

  const nodeLines = (k: KubectlSession, jsonpath: string): Promise<Record<string, string>> =>
    k
      .ok(['get', 'nodes', '-o', `jsonpath={range .items[*]}{.metadata.name} ${jsonpath}{"\\n"}{end}`])
      .then((out) =>
        Object.fromEntries(
          out
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ', 2)),
        ),
      );

  test(
    'a silent node goes NotReady, is tainted, and its pods move to the live node',
    { timeout: 120_000 },
    async (t) => {
      const k = kubectlSession(t, server!.kubeconfig);
      const doomed = startSim('doomed-');
      await until('doomed-0 Ready', 30_000, async () => {
        const ready = await nodeLines(k, '{.status.conditions[?(@.type=="Ready")].status}');
        return ready['doomed-0'] === 'True';
      });

      // The pods land on the only node there is.
      await k.ok(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=2']);
      await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
      const tolerations = await k.ok([
        'get',
        'pods',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].spec.tolerations[?(@.effect=="NoExecute")].tolerationSeconds}',
      ]);
      assert.equal(tolerations.trim(), '5 5', 'DefaultTolerationSeconds added both tolerations');

      startSim('alive-');
      const cidrs = await until('both nodes with a podCIDR', 30_000, async () => {
        const c = await nodeLines(k, '{.spec.podCIDR}');
        return c['doomed-0'] && c['alive-0'] ? c : undefined;
      });
      for (const c of Object.values(cidrs)) assert.match(c, /^10\.244\.\d+\.0\/24$/);
      assert.notEqual(cidrs['doomed-0'], cidrs['alive-0'], 'each node has its own pod CIDR');
      await until('alive-0 Ready', 30_000, async () => {
        const ready = await nodeLines(k, '{.status.conditions[?(@.type=="Ready")].status}');
        return ready['alive-0'] === 'True';
      });
      const before = await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}']);
      assert.deepEqual(before.trim().split(' '), ['doomed-0', 'doomed-0']);

      doomed.kill('SIGKILL');
      await until('doomed-0 NotReady', 30_000, async () =>
        /^doomed-0\s+NotReady\s/m.test(await k.ok(['get', 'nodes'])),
      );
      const described = await until('the unreachable NoExecute taint', 15_000, async () => {
        const d = await k.ok(['describe', 'node', 'doomed-0']);
        return /node\.kubernetes\.io\/unreachable:NoExecute/.test(d) ? d : undefined;
      });
      assert.match(described, /Ready\s+Unknown\s.*NodeStatusUnknown\s+Kubelet stopped posting node status\./);
      assert.match(described, /MemoryPressure\s+Unknown\s/);
      assert.match(described, /node\.kubernetes\.io\/unreachable:NoSchedule/);
      assert.match(described, /PodCIDR:\s+10\.244\.\d+\.0\/24/);

      // After the 5 s toleration the pods are evicted and replaced on the live node.
      await until('web pods running on alive-0', 60_000, async () => {
        const out = await k.ok([
          'get',
          'pods',
          '-l',
          'app=web',
          '-o',
          'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{"\\n"}{end}',
        ]);
        const live = out
          .trim()
          .split('\n')
          .filter((l) => /^alive-0 Running\s*$/.test(l));
        return live.length === 2;
      });
      const events = await k.ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']);
      assert.match(events, /Marking for deletion Pod default\/web-/);
      // The evicted pods carry DisruptionTarget; they stay Terminating, as on a real dead node.
      const evicted = await k.ok([
        'get',
        'pods',
        '-l',
        'app=web',
        '-o',
        'jsonpath={range .items[?(@.spec.nodeName=="doomed-0")]}{.status.conditions[?(@.type=="DisruptionTarget")].reason}{"\\n"}{end}',
      ]);
      for (const r of evicted.trim().split('\n').filter(Boolean)) assert.equal(r, 'DeletionByTaintManager');
      await k.ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
      passed = true;
    },
  );
});
