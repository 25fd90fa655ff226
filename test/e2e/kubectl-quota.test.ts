/**
 * Quotas, limits and priorities with the real kubectl on a simulated node: `kubectl create quota`
 * caps a namespace (the third pod is refused with Kubernetes' message, `kubectl describe quota`
 * shows Used, and deleting a pod frees its share once the quota controller recounts); a LimitRange
 * gives a pod without resources its defaults and refuses a too-large limit; a pod of class
 * system-cluster-critical gets its priority; `kubectl get priorityclass` lists the built-ins.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { berthBin, repoRoot } from '../helpers/server.ts';
import { e2eSkip, useServer } from '../helpers/e2e.ts';
import { kubectlSession, type KubectlSession } from '../helpers/kubectl.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns true (generous: the test machine may be busy). */
async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pod manifest (JSON is YAML) with one container asking for `cpu`, or no resources. */
function podManifest(
  name: string,
  ns: string,
  opts: { cpu?: string; limitCpu?: string; priorityClassName?: string } = {},
) {
  const resources: Record<string, unknown> = {};
  if (opts.cpu) resources.requests = { cpu: opts.cpu };
  if (opts.limitCpu) resources.limits = { cpu: opts.limitCpu };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      ...(opts.priorityClassName ? { priorityClassName: opts.priorityClassName } : {}),
      containers: [
        { name: 'main', image: 'busybox:1.36', ...(Object.keys(resources).length ? { resources } : {}) },
      ],
    },
  });
}

describe('quotas, limit ranges and priority classes', { skip: e2eSkip() }, () => {
  const s = useServer();
  let sim: ChildProcess | undefined;

  before(() => {
    sim = spawn(
      berthBin,
      ['sim', '--kubeconfig', s.server.kubeconfig, '--nodes', '1', '--ready-delay', '100ms'],
      {
        cwd: repoRoot,
        stdio: 'ignore',
      },
    );
  });
  after(() => {
    sim?.kill('SIGTERM');
  });

  const create = (k: KubectlSession, manifest: string) => k.run(['create', '-f', '-'], { input: manifest });

  test('a ResourceQuota caps pods and frees room when one is deleted', { timeout: 90_000 }, async (t) => {
    const k = kubectlSession(t, s.server.kubeconfig);
    const ns = 'quota-e2e';
    await k.ok(['create', 'namespace', ns]);
    await k.ok(['create', 'quota', 'q', '--hard=pods=2,requests.cpu=1', '-n', ns]);
    // The quota controller fills in status before admission enforces it.
    await until('the quota status', async () => {
      const used = await k.ok(['get', 'quota', 'q', '-n', ns, '-o', 'jsonpath={.status.used.pods}']);
      return used === '0';
    });

    for (const name of ['p1', 'p2']) {
      const r = await create(k, podManifest(name, ns, { cpu: '200m' }));
      assert.equal(r.code, 0, r.stderr);
    }
    const refused = await create(k, podManifest('p3', ns, { cpu: '200m' }));
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Error from server \(Forbidden\).*pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/,
    );

    const described = await k.ok(['describe', 'quota', 'q', '-n', ns]);
    assert.match(described, /Resource\s+Used\s+Hard/);
    assert.match(described, /pods\s+2\s+2/);
    assert.match(described, /requests\.cpu\s+400m\s+1/);

    const noCpu = await create(k, podManifest('bare', ns));
    assert.notEqual(noCpu.code, 0);
    assert.match(noCpu.stderr, /failed quota: q: must specify requests\.cpu for: main/);

    // Deleting a pod gives its share back (the controller recounts on the deletion).
    await k.ok(['delete', 'pod', 'p1', '-n', ns, '--wait=true', '--timeout=60s']);
    await until('the freed quota', async () => {
      const used = await k.ok(['get', 'quota', 'q', '-n', ns, '-o', 'jsonpath={.status.used.pods}']);
      return used === '1';
    });
    const again = await create(k, podManifest('p3', ns, { cpu: '200m' }));
    assert.equal(again.code, 0, again.stderr);
    assert.match(await k.ok(['describe', 'quota', 'q', '-n', ns]), /pods\s+2\s+2/);
  });

  test(
    'a LimitRange defaults container resources and refuses a too-large limit',
    { timeout: 60_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      const ns = 'limits-e2e';
      await k.ok(['create', 'namespace', ns]);
      const lr = await k.run(['create', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'defaults', namespace: ns },
          spec: {
            limits: [
              {
                type: 'Container',
                default: { cpu: '500m', memory: '256Mi' },
                defaultRequest: { cpu: '100m', memory: '128Mi' },
                max: { cpu: '1' },
              },
            ],
          },
        }),
      });
      assert.equal(lr.code, 0, lr.stderr);

      const r = await create(k, podManifest('plain', ns));
      assert.equal(r.code, 0, r.stderr);
      const resources = JSON.parse(
        await k.ok(['get', 'pod', 'plain', '-n', ns, '-o', 'jsonpath={.spec.containers[0].resources}']),
      ) as unknown;
      assert.deepEqual(resources, {
        limits: { cpu: '500m', memory: '256Mi' },
        requests: { cpu: '100m', memory: '128Mi' },
      });
      assert.equal(
        await k.ok(['get', 'pod', 'plain', '-n', ns, '-o', 'jsonpath={.status.qosClass}']),
        'Burstable',
      );

      const big = await create(k, podManifest('big', ns, { cpu: '2', limitCpu: '2' }));
      assert.notEqual(big.code, 0);
      assert.match(
        big.stderr,
        /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/,
      );
    },
  );

  test(
    'priority classes: built-ins listed, priority filled in from the class',
    { timeout: 60_000 },
    async (t) => {
      const k = kubectlSession(t, s.server.kubeconfig);
      const list = await k.ok(['get', 'priorityclass']);
      assert.match(list, /system-cluster-critical\s+2000000000\s+false/);
      assert.match(list, /system-node-critical\s+2000001000\s+false/);

      const r = await create(
        k,
        podManifest('critical', 'kube-system', { priorityClassName: 'system-cluster-critical' }),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        await k.ok(['get', 'pod', 'critical', '-n', 'kube-system', '-o', 'jsonpath={.spec.priority}']),
        '2000000000',
      );
      const unknown = await create(k, podManifest('nope', 'default', { priorityClassName: 'no-such-class' }));
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /no PriorityClass with name no-such-class was found/);
      await k.ok(['delete', 'pod', 'critical', '-n', 'kube-system', '--wait=false']);
    },
  );
});
