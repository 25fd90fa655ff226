/**
 * Eviction under memory pressure, end to end (real containerd, real kubectl), without exhausting
 * the machine: the memory.available threshold is set 2Gi above the host's MemAvailable read from
 * /proc/meminfo at start, so the real signal reads as under pressure once the test arms it. With a
 * BestEffort and a Guaranteed pod running, the first pass evicts the BestEffort pod (phase Failed,
 * reason Evicted; `kubectl get` shows Evicted) while the Guaranteed one keeps running; the Node shows
 * MemoryPressure True (KubeletHasInsufficientMemory) and the node lifecycle controller's
 * memory-pressure NoSchedule taint. The signal is disarmed right after that first eviction, so the
 * Guaranteed pod survives the following passes, and the condition and taint clear after the
 * transition period. Skipped when not root, containerd/runc/CNI are missing, or the berth CLI or
 * kubectl are absent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMeminfo } from '../../src/node/agent/host-info.ts';
import { runtimePreflightMessage } from '../../src/node/containerd/index.ts';
import { EvictionManager } from '../../src/node/eviction/manager.ts';
import { hostSignals, type SignalSource } from '../../src/node/eviction/signals.ts';
import { parseEvictionHard } from '../../src/node/eviction/thresholds.ts';
import type { Pod } from '../../src/node/pods/types.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { startAgentEnv, type AgentEnv } from './agent-env.ts';

const skip = runtimePreflightMessage() ?? e2eSkip();
const node = 'node-evict';
const Mi = 1024 * 1024;
const intervalMs = 1_500;
const transitionMs = 12_000;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last !== undefined) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe(
  'eviction under memory pressure (real containerd)',
  { skip: skip || false, timeout: 150_000 },
  () => {
    let env: AgentEnv;
    let manager: EvictionManager;
    let armed = false;

    before(async () => {
      const available = parseMeminfo(readFileSync('/proc/meminfo', 'utf8')).availableBytes;
      const thresholdMi = Math.ceil(available / Mi) + 2048;
      const host = hostSignals('/tmp');
      // The real /proc/meminfo reading, passed on only while the test arms it.
      const signals: SignalSource = { observe: async () => (armed ? host.observe() : {}) };
      env = await startAgentEnv(
        node,
        {},
        {
          workers: ({ loop, cri }) => {
            manager = new EvictionManager({
              cri,
              signals,
              thresholds: parseEvictionHard(`memory.available<${thresholdMi}Mi`),
              monitoringIntervalMs: intervalMs,
              pressureTransitionPeriodMs: transitionMs,
              pods: {
                knownPods: () => loop.knownPods(),
                // One eviction is enough to see the order; then the pressure is taken away.
                evictPod: async (uid, message, grace) => {
                  armed = false;
                  return loop.evictPod(uid, message, grace);
                },
              },
            });
            return [manager];
          },
        },
      );
    });
    after(async () => {
      await env?.stop();
    });

    const pod = (name: string, resources?: Record<string, Record<string, string>>): Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'main',
            image: 'busybox:1.35',
            command: ['sleep', '3600'],
            ...(resources ? { resources } : {}),
          },
        ],
      },
    });
    const nodeJson = async () =>
      JSON.parse(await env.k.ok(['get', 'node', node, '-o', 'json'])) as {
        spec?: { taints?: { key: string; effect: string }[] };
        status?: { conditions?: { type: string; status: string; reason: string }[] };
      };
    const memoryPressure = async () =>
      (await nodeJson()).status?.conditions?.find((c) => c.type === 'MemoryPressure');
    const tainted = async () =>
      ((await nodeJson()).spec?.taints ?? []).some(
        (t) => t.key === 'node.kubernetes.io/memory-pressure' && t.effect === 'NoSchedule',
      );

    test('the BestEffort pod is evicted first; MemoryPressure and its taint come and go', async () => {
      const g = { cpu: '100m', memory: '64Mi' };
      await env.k.ok(['apply', '-f', '-'], {
        input: [pod('besteffort'), pod('guaranteed', { requests: g, limits: g })]
          .map((p) => JSON.stringify(p))
          .join('\n'),
      });
      for (const name of ['besteffort', 'guaranteed'])
        await env.waitPod(name, (p) => p.status?.phase === 'Running', 'Running', 60_000);
      assert.equal((await memoryPressure())?.status, 'False', 'no pressure before the signal is armed');

      armed = true;
      const evicted = await env.waitPod(
        'besteffort',
        (p) => p.status?.phase === 'Failed',
        'phase Failed',
        30_000,
      );
      assert.equal(evicted.status?.reason, 'Evicted');
      assert.match(
        evicted.status?.message ?? '',
        /^The node was low on resource: memory\. Threshold quantity: \d+[KMG]i, available: \d+[KMG]i\. Container main was using \d+[KMG]?i?, request is 0\.$/,
      );
      // The manager records the eviction once the pod's sandbox is stopped too.
      await until('the eviction recorded', async () => (manager.history.length ? true : undefined));
      assert.deepEqual(
        manager.history.map((h) => h.name),
        ['besteffort'],
        'the BestEffort pod was chosen over the Guaranteed one',
      );
      const evictedAt = manager.history[0]!.pass;
      assert.match(await env.k.ok(['get', 'pod', 'besteffort']), /besteffort\s+0\/1\s+Evicted\s+/);

      // The Node reports the pressure; the node lifecycle controller taints it.
      const cond = await until('MemoryPressure True', async () => {
        const c = await memoryPressure();
        return c?.status === 'True' ? c : undefined;
      });
      assert.equal(cond.reason, 'KubeletHasInsufficientMemory');
      await until('the memory-pressure taint', async () => ((await tainted()) ? true : undefined));

      // The Guaranteed pod runs on through at least one more pass.
      await until('another pass', async () => (manager.passCount > evictedAt + 1 ? true : undefined));
      const g2 = await env.client.resource<Pod>('', 'v1', 'pods').get('default', 'guaranteed');
      assert.equal(g2.status?.phase, 'Running');
      assert.equal(manager.history.length, 1);

      // The pressure is gone: after the transition period the condition and the taint clear.
      await until(
        'MemoryPressure False',
        async () => ((await memoryPressure())?.status === 'False' ? true : undefined),
        transitionMs + 30_000,
      );
      await until('the taint removed', async () => ((await tainted()) ? undefined : true));
      // The evicted pod stays evicted: its container is not started again.
      const again = await env.client.resource<Pod>('', 'v1', 'pods').get('default', 'besteffort');
      assert.equal(again.status?.phase, 'Failed');
      assert.equal(again.status?.containerStatuses?.[0]?.state.running, undefined);
    });
  },
);
