/**
 * `berth server --component-threads`: the controller manager and the scheduler on worker threads,
 * speaking the API over loopback HTTPS with their own certificates. With `berth sim` nodes, a
 * Deployment made by the real kubectl gets its ReplicaSet and pods (controller thread) and the pods
 * are bound to simulated nodes (scheduler thread); both Leases are held; SIGTERM stops it all.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkip, useServer, useSim } from '../helpers/e2e.ts';
import { kubectlSession } from '../helpers/kubectl.ts';

describe('berth server --component-threads', { skip: e2eSkip() }, () => {
  const s = useServer({ args: ['--component-threads'] });
  const sim = useSim(s, 2);

  test(
    'a Deployment comes to life: pods made by the controller thread, bound by the scheduler thread',
    { timeout: 120_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      await k.ok(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=2']);
      try {
        await k.ok(['rollout', 'status', 'deployment/web', '--timeout=90s']);
      } catch (err) {
        throw new Error(`${(err as Error).message}\nsim log:\n${sim.log()}`, { cause: err });
      }
      const pods = await k.ok([
        'get',
        'pods',
        '-l',
        'app=web',
        '-o',
        'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}',
      ]);
      const lines = pods.trim().split('\n');
      assert.equal(lines.length, 2, pods);
      for (const l of lines) assert.match(l, /^Running sim-\d+$/);

      const holders = await k.ok([
        'get',
        'leases',
        '-n',
        'kube-system',
        'kube-scheduler',
        'kube-controller-manager',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.spec.holderIdentity}{"\\n"}{end}',
      ]);
      for (const name of ['kube-scheduler', 'kube-controller-manager'])
        assert.match(holders, new RegExp(`^${name}=\\S+$`, 'm'), holders);
    },
  );
});
