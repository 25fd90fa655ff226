/**
 * DaemonSets with the real kubectl on simulated nodes: `berth server` and a `berth sim` with two
 * nodes. A DaemonSet gets one Ready pod per node (`kubectl rollout status ds/...`); a node tainted
 * NoSchedule before a second DaemonSet is created is skipped by it; a second `berth sim` process
 * with another node-name prefix joins a node and the daemon follows it there; `kubectl delete node`
 * takes the node's daemon pod away; `kubectl set image ds/...` rolls out, `kubectl rollout
 * history ds/...` lists both revisions and `kubectl rollout undo ds/...` goes back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const daemonSet = (name: string): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'busybox:1.36' }] },
      },
    },
  });

describe('DaemonSets on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  const sims: ChildProcess[] = [];
  let simLog = '';

  function startSim(nodes: number, prefix: string): ChildProcess {
    const sim = spawn(
      berthBin,
      [
        'sim',
        '--kubeconfig',
        s.server.kubeconfig,
        '--nodes',
        String(nodes),
        '--name-prefix',
        prefix,
        '--ready-delay',
        '200ms',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (c: Buffer) => (simLog += c.toString()));
    sim.stderr!.on('data', (c: Buffer) => (simLog += c.toString()));
    sims.push(sim);
    return sim;
  }

  before(() => {
    startSim(2, 'sim-');
  });
  after(() => {
    for (const sim of sims) sim.kill('SIGTERM');
  });

  /** Polls `probe` every 250 ms until it returns a truthy value; fails after `ms` saying `what`. */
  async function until<T>(what: string, ms: number, probe: () => Promise<T>): Promise<NonNullable<T>> {
    const deadline = Date.now() + ms;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await probe();
      if (last) return last as NonNullable<T>;
      await new Promise((r) => setTimeout(r, 250));
    }
    // What the cluster looked like, for the next person reading a failure.
    const k = kubectlSession(undefined, s.server.kubeconfig);
    const state = await k
      .run(['get', 'nodes,pods,ds,events', '-A', '-o', 'wide'])
      .then((r) => r.stdout + r.stderr)
      .catch((e: unknown) => String(e));
    throw new Error(
      `timed out waiting for ${what} (last: ${JSON.stringify(last)})\nsim log:\n${simLog}\ncluster:\n${state}`,
    );
  }

  /** `phase node` of each pod of the DaemonSet, sorted by node. */
  async function daemonPods(k: KubectlSession, app: string): Promise<string[]> {
    const out = await k.ok([
      'get',
      'pods',
      '-l',
      `app=${app}`,
      '-o',
      'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}',
    ]);
    return out
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1));
  }

  async function readyNodes(k: KubectlSession): Promise<string[]> {
    const out = await k.ok([
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]);
    return out
      .trim()
      .split('\n')
      .filter((l) => l.endsWith(' True'))
      .map((l) => l.split(' ')[0]!)
      .sort();
  }

  test(
    'one pod per node, taints skip, nodes join and leave, rollout and history',
    { timeout: 150_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await until('two Ready sim nodes', 60_000, async () => (await readyNodes(k)).length === 2);

      // One Ready daemon pod on each of the two nodes.
      await k.ok(['apply', '-f', '-'], { input: daemonSet('agent') });
      await k.ok(['rollout', 'status', 'ds/agent', '--timeout=60s']);
      assert.deepEqual(await daemonPods(k, 'agent'), ['Running sim-0', 'Running sim-1']);
      assert.match(await k.ok(['get', 'ds', 'agent']), /agent\s+2\s+2\s+2\s+2\s+2\s+<none>/);

      // A node tainted NoSchedule before the DaemonSet exists is skipped.
      await k.ok(['taint', 'nodes', 'sim-1', 'dedicated=db:NoSchedule']);
      await k.ok(['apply', '-f', '-'], { input: daemonSet('logger') });
      await k.ok(['rollout', 'status', 'ds/logger', '--timeout=60s']);
      assert.deepEqual(await daemonPods(k, 'logger'), ['Running sim-0']);
      assert.equal(
        await k.ok(['get', 'ds', 'logger', '-o', 'jsonpath={.status.desiredNumberScheduled}']),
        '1',
      );
      // The existing agent pod tolerates nothing new but stays: NoSchedule does not evict.
      assert.deepEqual(await daemonPods(k, 'agent'), ['Running sim-0', 'Running sim-1']);
      // Removing the taint brings the skipped daemon to the node.
      await k.ok(['taint', 'nodes', 'sim-1', 'dedicated-']);
      await until('a logger pod on sim-1', 60_000, async () =>
        (await daemonPods(k, 'logger')).includes('Running sim-1'),
      );

      // A node joins from a second sim process: the daemon follows it there.
      startSim(1, 'edge-');
      await until('a Running agent pod on edge-0', 60_000, async () =>
        (await daemonPods(k, 'agent')).includes('Running edge-0'),
      );
      await k.ok(['rollout', 'status', 'ds/agent', '--timeout=60s']);
      assert.equal(await k.ok(['get', 'ds', 'agent', '-o', 'jsonpath={.status.numberReady}']), '3');

      // The node leaves: its daemon pod goes.
      await k.ok(['delete', 'node', 'edge-0']);
      await until('no agent pod on edge-0', 60_000, async () => {
        const pods = await daemonPods(k, 'agent');
        return !pods.some((p) => p.endsWith(' edge-0')) && pods.length === 2;
      });
      await until(
        'desired back to 2',
        30_000,
        async () =>
          (await k.ok(['get', 'ds', 'agent', '-o', 'jsonpath={.status.desiredNumberScheduled}'])) === '2',
      );

      // A new image rolls out node by node; the history shows both revisions.
      await k.ok(['set', 'image', 'ds/agent', 'agent=busybox:1.37']);
      await k.ok(['rollout', 'status', 'ds/agent', '--timeout=90s']);
      const images = await k.ok([
        'get',
        'pods',
        '-l',
        'app=agent',
        '-o',
        'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.phase}{"\\n"}{end}',
      ]);
      assert.deepEqual(images.trim().split('\n'), ['busybox:1.37 Running', 'busybox:1.37 Running']);
      const history = await k.ok(['rollout', 'history', 'ds/agent']);
      assert.match(history, /^1\s/m);
      assert.match(history, /^2\s/m);
      assert.match(await k.ok(['rollout', 'history', 'ds/agent', '--revision=2']), /busybox:1\.37/);
      assert.match(
        await k.ok(['get', 'controllerrevisions', '-l', 'app=agent']),
        /daemonset\.apps\/agent\s+2/,
      );

      // Undo goes back to the first template, which becomes revision 3.
      await k.ok(['rollout', 'undo', 'ds/agent']);
      await k.ok(['rollout', 'status', 'ds/agent', '--timeout=90s']);
      assert.equal(
        await k.ok(['get', 'ds', 'agent', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
        'busybox:1.36',
      );
      await until('revision 3 in the history', 30_000, async () =>
        /^3\s/m.test(await k.ok(['rollout', 'history', 'ds/agent'])),
      );
    },
  );
});
