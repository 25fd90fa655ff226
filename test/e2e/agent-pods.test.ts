/**
 * The pod sync loop against the real thing: a `berth server`, a supervised containerd with runc
 * and the CNI bridge, and the agent (src/node/agent) for node `node-e2e` running the pod loop in
 * this process. Pods are created with spec.nodeName set through kubectl; the test checks what
 * kubectl, the API and the runtime show: a busybox httpd Running+Ready and answering on its pod IP,
 * exit codes, CrashLoopBackOff with a growing restartCount, init containers in order through a
 * shared emptyDir, ConfigMap/Secret env and volume (and the volume refreshed after an edit), a
 * liveness restart, a readiness probe holding Ready False, and deletion that leaves nothing behind.
 * Skipped when not root, containerd/runc/CNI are missing, or the berth CLI/kubectl are absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import type { Client } from '../../src/client/client.ts';
import type { CriClient } from '../../src/node/cri/index.ts';
import { cidrContains, mountsUnder, runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import type { KubectlSession } from '../helpers/kubectl.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const node = 'node-e2e';

describe(
  'pod sync loop (real containerd + berth server + kubectl)',
  { skip: skip || false, timeout: 120_000 },
  () => {
    let env: AgentEnv;
    let client: Client;
    let cri: CriClient;
    let k: KubectlSession;
    let dir: string;
    let podCidr: string;

    const pods = () => client.resource<Pod>('', 'v1', 'pods');
    const waitPod: AgentEnv['waitPod'] = (...args) => env.waitPod(...args);

    const containerId = (p: Pod, name: string): string =>
      (p.status?.containerStatuses?.find((c) => c.name === name)?.containerID ?? '').replace(
        'containerd://',
        '',
      );

    async function execIn(p: Pod, cmd: string[]): Promise<string> {
      const r = await cri.execSync(containerId(p, 'main'), cmd, 10);
      return r.stdout.toString() + r.stderr.toString();
    }

    before(async () => {
      env = await startAgentEnv(node);
      ({ client, cri, k, dir, podCidr } = env);
    });

    after(async () => {
      await env?.stop();
    });

    test('pods run, report status, restart, probe and read config', async () => {
      await k.ok(['create', 'configmap', 'app-config', '--from-literal=greeting=hello']);
      await k.ok(['create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cret']);
      const manifest = [
        pod('httpd', {
          containers: [
            {
              name: 'main',
              image: 'busybox:1.35',
              command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'],
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
            },
          ],
        }),
        pod('exit3', {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'busybox:1.35', command: ['sh', '-c', 'exit 3'] }],
        }),
        pod('crash', {
          containers: [{ name: 'main', image: 'busybox:1.35', command: ['sh', '-c', 'exit 1'] }],
        }),
        pod('init', {
          volumes: [{ name: 'work', emptyDir: {} }],
          initContainers: ['first', 'second'].map((n) => ({
            name: n,
            image: 'busybox:1.35',
            command: ['sh', '-c', `echo ${n} >> /work/log`],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          })),
          containers: [sleeper({ volumeMounts: [{ name: 'work', mountPath: '/work' }] })],
        }),
        pod('config', {
          volumes: [{ name: 'cfg', configMap: { name: 'app-config' } }],
          containers: [
            sleeper({
              env: [
                { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'greeting' } } },
                { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
              ],
              volumeMounts: [{ name: 'cfg', mountPath: '/etc/config' }],
            }),
          ],
        }),
        pod('liveness', {
          containers: [
            sleeper({
              livenessProbe: {
                exec: { command: ['cat', '/nonexistent'] },
                periodSeconds: 1,
                failureThreshold: 1,
              },
            }),
          ],
        }),
        pod('unready', {
          containers: [sleeper({ readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 } })],
        }),
      ];
      await k.ok(['apply', '-f', '-'], { input: manifest.map((m) => JSON.stringify(m)).join('\n') });

      // httpd: Running and Ready with a pod IP from the node's CIDR, answering from the host.
      const httpd = await waitPod('httpd', (p) => readyOf(p) === 'True', 'Ready');
      assert.equal(httpd.status?.phase, 'Running');
      assert.ok(cidrContains(podCidr, httpd.status?.podIP ?? ''), `pod IP ${httpd.status?.podIP}`);
      assert.equal(httpd.status?.hostIP, '127.0.0.1');
      assert.equal(httpd.status?.qosClass, 'BestEffort');
      assert.equal(await httpGet(`http://${httpd.status?.podIP}:8080/`), 'berth busybox\n');
      // kubectl's READY column comes from the container statuses; on a loaded machine a readiness
      // probe can time out once and flip it, so wait for kubectl to show the Ready pod too.
      let row = '';
      for (let i = 0; i < 100 && !/httpd\s+1\/1\s+Running\s+0/.test(row); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 200));
        row = await k.ok(['get', 'pod', 'httpd']);
      }
      assert.match(row, /httpd\s+1\/1\s+Running\s+0/);
      // The service-account volume is there.
      assert.match(
        await execIn(httpd, ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace']),
        /^default$/,
      );

      // exit 3 with restartPolicy Never: Failed, exit code 3.
      const exit3 = await waitPod('exit3', (p) => p.status?.phase === 'Failed', 'phase Failed');
      assert.equal(exit3.status?.containerStatuses?.[0]?.state.terminated?.exitCode, 3);
      assert.equal(exit3.status?.containerStatuses?.[0]?.state.terminated?.reason, 'Error');

      // Init containers ran in order into the shared emptyDir.
      const init = await waitPod('init', (p) => readyOf(p) === 'True', 'Ready');
      assert.equal(await execIn(init, ['cat', '/work/log']), 'first\nsecond\n');
      assert.deepEqual(
        init.status?.initContainerStatuses?.map((s) => s.state.terminated?.reason),
        ['Completed', 'Completed'],
      );

      // ConfigMap and Secret in env, the ConfigMap as a volume, refreshed after an edit.
      const config = await waitPod('config', (p) => readyOf(p) === 'True', 'Ready');
      assert.equal(
        await execIn(config, ['sh', '-c', 'echo $GREETING $PASSWORD; cat /etc/config/greeting']),
        'hello s3cret\nhello',
      );
      await k.ok(['patch', 'configmap', 'app-config', '-p', '{"data":{"greeting":"bonjour"}}']);
      const until = Date.now() + 15_000;
      let seen = '';
      while (
        Date.now() < until &&
        (seen = await execIn(config, ['cat', '/etc/config/greeting'])) !== 'bonjour'
      )
        await new Promise((r) => setTimeout(r, 200));
      assert.equal(seen, 'bonjour', 'the mounted ConfigMap follows the edit');

      // A crashing container: CrashLoopBackOff with a growing restart count.
      const crash = await waitPod(
        'crash',
        (p) =>
          (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 &&
          p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
        'CrashLoopBackOff with restartCount >= 2',
      );
      assert.equal(crash.status?.containerStatuses?.[0]?.lastState.terminated?.exitCode, 1);
      // kubectl shows it too (polled: between two back-offs the container runs, and then shows Error).
      let shown = '';
      for (let i = 0; i < 120 && !/CrashLoopBackOff/.test(shown); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 500));
        shown = await k.ok(['get', 'pod', 'crash']);
      }
      assert.match(shown, /CrashLoopBackOff/);

      // A failing liveness probe restarts the container.
      await waitPod(
        'liveness',
        (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
        'a liveness restart',
      );

      // A failing readiness probe: Running, but not Ready.
      const unready = await waitPod(
        'unready',
        (p) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.[0]?.started,
        'Running',
      );
      await new Promise((r) => setTimeout(r, 2_000));
      assert.equal(readyOf(await pods().get('default', 'unready')), 'False');
      assert.equal(unready.status?.containerStatuses?.[0]?.ready, false);
    });

    test('deleting pods removes sandboxes, containers and pod directories', async () => {
      await k.ok(['delete', 'pod', '--all', '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
      assert.deepEqual(
        (await pods().list('default')).items.map((p) => p.metadata.name),
        [],
      );
      // Deletion is confirmed by the agent only after the runtime is clean.
      assert.deepEqual(await cri.listPodSandbox(), []);
      assert.deepEqual(await cri.listContainers(), []);
      assert.deepEqual(readdirSync(join(dir, 'pods')), [], 'no pod directories left');
      assert.deepEqual(
        existsSync(join(dir, 'logs', 'pods')) ? readdirSync(join(dir, 'logs', 'pods')) : [],
        [],
      );
      assert.deepEqual(mountsUnder(join(dir, 'pods')), []);
    });
  },
);

function readyOf(p: Pod): string | undefined {
  return p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

function pod(name: string, spec: NonNullable<Pod['spec']>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, ...spec },
  };
}

function sleeper(
  extra: Partial<NonNullable<Pod['spec']>['containers'] extends (infer C)[] | undefined ? C : never>,
) {
  return { name: 'main', image: 'busybox:1.35', command: ['sleep', '3600'], ...extra };
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
