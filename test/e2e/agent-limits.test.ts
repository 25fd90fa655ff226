/**
 * Resources end to end (real containerd, real kubectl): a memory hog over its 32Mi limit is
 * OOMKilled — kubectl shows OOMKilled as the terminated reason (restartPolicy Never) and as the last
 * state's reason with a growing restartCount (restartPolicy Always); CPU limits reach the
 * container's cgroup as a CFS quota (cpu.max on cgroup v2, cpu.cfs_quota_us/cfs_period_us on v1),
 * and three pods get the QoS class Guaranteed, Burstable and BestEffort with the matching cgroup
 * parent. Skipped when not root, containerd/runc/CNI are missing, or the berth CLI/kubectl are absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const node = 'node-limits';
// Doubles a shell string until the memory cgroup's limit kills it.
const hog = ['sh', '-c', 'x=a; while :; do x=$x$x; done'];

/** The CFS quota of a cgroupfs path as `quota period` (cgroup v2's cpu.max format; max = none). */
function cpuMax(cgroupPath: string): string {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers'))
    return readFileSync(`/sys/fs/cgroup${cgroupPath}/cpu.max`, 'utf8').trim();
  const read = (f: string) => readFileSync(`/sys/fs/cgroup/cpu${cgroupPath}/${f}`, 'utf8').trim();
  const quota = read('cpu.cfs_quota_us');
  return `${quota === '-1' ? 'max' : quota} ${read('cpu.cfs_period_us')}`;
}

describe(
  'container resources: OOMKilled, CPU quota, QoS (real containerd)',
  { skip: skip || false, timeout: 150_000 },
  () => {
    let env: AgentEnv;

    before(async () => {
      env = await startAgentEnv(node);
    });
    after(async () => {
      await env?.stop();
    });

    const pod = (name: string, spec: NonNullable<Pod['spec']>): Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName: node, terminationGracePeriodSeconds: 1, ...spec },
    });
    const container = (
      resources: Record<string, Record<string, string>> | undefined,
      command = ['sleep', '3600'],
    ) => ({
      name: 'main',
      image: 'busybox:1.35',
      command,
      ...(resources ? { resources } : {}),
    });
    const apply = (pods: Pod[]) =>
      env.k.ok(['apply', '-f', '-'], { input: pods.map((p) => JSON.stringify(p)).join('\n') });
    const jsonpath = (name: string, path: string) =>
      env.k.ok(['get', 'pod', name, '-o', `jsonpath={${path}}`]);

    test('a memory hog over its limit is OOMKilled and restarted', async () => {
      const limit = { limits: { memory: '32Mi' } };
      await apply([
        pod('hog-once', { restartPolicy: 'Never', containers: [container(limit, hog)] }),
        pod('hog', { containers: [container(limit, hog)] }),
      ]);

      await env.waitPod('hog-once', (p) => p.status?.phase === 'Failed', 'phase Failed', 60_000);
      assert.equal(
        await jsonpath('hog-once', '.status.containerStatuses[0].state.terminated.reason'),
        'OOMKilled',
      );
      assert.equal(
        await jsonpath('hog-once', '.status.containerStatuses[0].state.terminated.exitCode'),
        '137',
      );
      assert.match(await env.k.ok(['get', 'pod', 'hog-once']), /hog-once\s+0\/1\s+OOMKilled\s+0/);

      await env.waitPod(
        'hog',
        (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2,
        'restartCount >= 2',
        90_000,
      );
      assert.equal(
        await jsonpath('hog', '.status.containerStatuses[0].lastState.terminated.reason'),
        'OOMKilled',
      );
      assert.match(
        await env.k.ok(['describe', 'pod', 'hog']),
        /Last State:\s+Terminated\s+Reason:\s+OOMKilled/,
      );
    });

    test('CPU limits become the cgroup CFS quota; QoS classes follow requests and limits', async () => {
      const cases: {
        name: string;
        resources: Record<string, Record<string, string>> | undefined;
        qos: string;
        cpuMax: string;
      }[] = [
        {
          name: 'guaranteed',
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '250m', memory: '64Mi' } },
          qos: 'Guaranteed',
          cpuMax: '25000 100000',
        },
        {
          name: 'burstable',
          resources: { requests: { cpu: '100m' }, limits: { cpu: '500m' } },
          qos: 'Burstable',
          cpuMax: '50000 100000',
        },
        { name: 'besteffort', resources: undefined, qos: 'BestEffort', cpuMax: 'max 100000' },
      ];
      await apply(cases.map((c) => pod(c.name, { containers: [container(c.resources)] })));
      for (const c of cases) {
        const p = await env.waitPod(c.name, (q) => q.status?.phase === 'Running', 'Running');
        assert.equal(await jsonpath(c.name, '.status.qosClass'), c.qos, c.name);
        const id = (p.status?.containerStatuses?.[0]?.containerID ?? '').replace('containerd://', '');
        const parent =
          c.qos === 'Guaranteed'
            ? `${env.cgroupRoot}/pod${p.metadata.uid}`
            : `${env.cgroupRoot}/${c.qos.toLowerCase()}/pod${p.metadata.uid}`;
        assert.equal(cpuMax(`${parent}/${id}`), c.cpuMax, `${c.name}: cgroup ${parent}/${id}`);
      }
    });
  },
);
