/**
 * Objects come to life: with `berth server` (controllers and scheduler in-process) and `berth sim`
 * nodes, the real kubectl creates a Deployment whose pods are scheduled onto the simulated nodes and
 * become Ready, scales it, rolls out a new image, reads the history, undoes, and deletes it (the
 * garbage collector takes the ReplicaSets and pods with it).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useServer, useSim } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';

describe('workloads on simulated nodes', { skip: e2eSkip() }, () => {
  const s = useServer();
  const sim = useSim(s, 3);

  /** Waits until the three simulated nodes are registered and Ready. */
  async function simNodesReady(k: ReturnType<typeof kubectlSession>): Promise<void> {
    for (let i = 0; i < 150; i++) {
      const ready = await k.ok([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      if (
        ready
          .trim()
          .split('\n')
          .filter((l) => l === 'True').length === 3
      )
        return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the simulated nodes did not become Ready; sim log:\n${sim.log()}`);
  }

  test('create, scale, set image, history, undo and delete a Deployment', { timeout: 120_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    await simNodesReady(k);

    await k.ok(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=3']);
    await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const pods = await k.ok([
      'get',
      'pods',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}',
    ]);
    const lines = pods.trim().split('\n');
    assert.equal(lines.length, 3, pods);
    for (const l of lines) assert.match(l, /^Running sim-\d+$/);

    await k.ok(['scale', 'deployment/web', '--replicas=5']);
    await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(await k.ok(['get', 'deployment', 'web']), /web\s+5\/5\s+5\s+5/);

    await k.ok(['set', 'image', 'deployment/web', 'busybox=busybox:1.37']);
    await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const history = await k.ok(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
    await k.ok(['rollout', 'undo', 'deployment/web']);
    await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(
      await k.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
      'busybox:1.36',
    );
    assert.match(await k.ok(['get', 'replicasets', '-l', 'app=web']), /web-[a-z0-9]+\s+5\s+5\s+5/);

    await k.ok(['delete', 'deployment', 'web']);
    await k.ok(['wait', '--for=delete', 'pods', '-l', 'app=web', '--timeout=60s']);
    assert.equal((await k.ok(['get', 'replicasets', '-l', 'app=web', '-o', 'name'])).trim(), '');
  });

  test(
    "a pod asking for more CPU than any node has stays Pending with the scheduler's reason",
    { timeout: 60_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await simNodesReady(k);
      await k.ok([
        'run',
        'huge',
        '--image=busybox',
        '--overrides',
        JSON.stringify({
          spec: { containers: [{ name: 'huge', image: 'busybox', resources: { requests: { cpu: '100' } } }] },
        }),
      ]);
      let described = '';
      for (let i = 0; i < 50 && !/FailedScheduling/.test(described); i++) {
        await new Promise((r) => setTimeout(r, 200));
        described = await k.ok(['describe', 'pod', 'huge']);
      }
      assert.match(described, /Status:\s+Pending/);
      assert.match(described, /FailedScheduling\s+.*0\/3 nodes are available: 3 Insufficient cpu/);
    },
  );
});
