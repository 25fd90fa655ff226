import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../../client/clock.ts';
import type { PressureReport } from '../agent/node-status.ts';
import type { Pod, RPod } from '../pods/types.ts';
import type { ContainerSample } from '../stats/summary.ts';
import { EvictionManager } from './manager.ts';
import type { SignalSource } from './signals.ts';
import { parseEvictionHard, parseEvictionSoft, type Observation, type Signal } from './thresholds.ts';

const Mi = 1024 * 1024;
const interval = 5_000;
const transition = 60_000;

function pod(name: string, resources?: Record<string, Record<string, string>>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'main', image: 'busybox', ...(resources ? { resources } : {}) }] },
    status: { phase: 'Running' },
  };
}

/** A node with fake signals, pods and usage, and a manager driven by a fake clock. */
function fakeNode(o: { soft?: string; softGrace?: string; maxPodGrace?: number } = {}) {
  const clock = new FakeClock();
  const observed: Partial<Record<Signal, Observation>> = {
    'memory.available': { availableBytes: 1000 * Mi, capacityBytes: 4096 * Mi },
    'nodefs.available': { availableBytes: 50_000 * Mi, capacityBytes: 100_000 * Mi },
  };
  const signals: SignalSource = { observe: async () => structuredClone(observed) };
  const pods = new Map<string, Pod>();
  const usage = new Map<string, number>();
  /** Writable-layer bytes of each pod's container, by pod name; other disk use (logs, emptyDirs) likewise. */
  const rootfs = new Map<string, number>();
  const otherDisk = new Map<string, number>();
  const evicted: { name: string; message: string; grace?: number }[] = [];
  const reports: PressureReport[] = [];
  const manager = new EvictionManager({
    clock,
    signals,
    thresholds: parseEvictionHard('memory.available<200Mi,nodefs.available<10%'),
    ...(o.soft ? { softThresholds: parseEvictionSoft(o.soft, o.softGrace ?? '') } : {}),
    ...(o.maxPodGrace !== undefined ? { maxPodGracePeriodSeconds: o.maxPodGrace } : {}),
    // Disk usage as podDiskUsage adds it up (disk-usage.test.ts measures real files).
    diskUsage: async (p, layers) => {
      const containers = (p.spec?.containers ?? []).map((c) => ({
        name: c.name,
        bytes: layers.get(c.name) ?? 0,
      }));
      const volumeBytes = otherDisk.get(p.metadata.name ?? '') ?? 0;
      return { containers, volumeBytes, totalBytes: containers.reduce((n, c) => n + c.bytes, volumeBytes) };
    },
    monitoringIntervalMs: interval,
    pressureTransitionPeriodMs: transition,
    pods: {
      knownPods: () => [...pods.values()] as RPod[],
      evictPod: async (uid, message, grace) => {
        const p = pods.get(uid);
        if (!p) return false;
        p.status = { phase: 'Failed', reason: 'Evicted', message };
        evicted.push({ name: p.metadata.name!, message, grace });
        return true;
      },
    },
    usage: {
      sample: async () => ({
        containers: [...pods.values()].map((p): ContainerSample => ({
          id: `c-${p.metadata.name}`,
          name: 'main',
          pod: { name: p.metadata.name!, namespace: 'default', uid: p.metadata.uid! },
          cpuAtMs: clock.now(),
          workingSetBytes: usage.get(p.metadata.name!) ?? 0,
          rootfsBytes: rootfs.get(p.metadata.name!) ?? 0,
        })),
      }),
    },
  });
  const add = (p: Pod, bytes: number) => {
    pods.set(p.metadata.uid!, p);
    usage.set(p.metadata.name!, bytes);
  };
  const start = async () => {
    await manager.start({
      nodeName: 'n1',
      dataDir: '/nonexistent',
      setPressure: (p) => reports.push(p),
    });
    await settle();
  };
  const pass = async () => {
    const before = manager.passCount;
    await clock.advanceAsync(interval);
    assert.equal(manager.passCount, before + 1, 'one pass per interval');
  };
  const last = () => reports[reports.length - 1];
  return { clock, observed, manager, evicted, reports, rootfs, otherDisk, add, start, pass, last };
}

test('no pressure: conditions False and nothing evicted', async () => {
  const n = fakeNode();
  n.add(pod('a'), 100 * Mi);
  await n.start();
  await n.pass();
  assert.deepEqual(n.last(), { MemoryPressure: false, DiskPressure: false });
  assert.deepEqual(n.evicted, []);
  await n.manager.stop();
});

test('memory pressure: MemoryPressure True, one pod per pass, BestEffort first, Guaranteed last', async () => {
  const n = fakeNode();
  const g = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '100m', memory: '256Mi' } };
  n.add(pod('guaranteed', g), 200 * Mi);
  n.add(pod('burstable', { requests: { memory: '128Mi' } }), 140 * Mi);
  n.add(pod('besteffort'), 50 * Mi);
  n.observed['memory.available']!.availableBytes = 150 * Mi;
  await n.start();
  assert.deepEqual(n.last(), { MemoryPressure: true, DiskPressure: false });
  assert.deepEqual(
    n.evicted.map((e) => e.name),
    ['besteffort'],
    'the first pass evicts one pod',
  );
  assert.equal(n.evicted[0]!.grace, 1);
  assert.match(
    n.evicted[0]!.message,
    /^The node was low on resource: memory\. Threshold quantity: 200Mi, available: 150Mi\. Container main was using 50Mi, request is 0\.$/,
  );
  await n.pass();
  assert.deepEqual(
    n.evicted.map((e) => e.name),
    ['besteffort', 'burstable'],
  );
  await n.pass();
  assert.deepEqual(
    n.evicted.map((e) => e.name),
    ['besteffort', 'burstable', 'guaranteed'],
  );
  await n.pass();
  assert.equal(n.evicted.length, 3, 'nothing left to evict');
  assert.deepEqual(
    n.manager.history.map((h) => [h.pass, h.name]),
    [
      [1, 'besteffort'],
      [2, 'burstable'],
      [3, 'guaranteed'],
    ],
  );
  await n.manager.stop();
});

test('the condition stays True for the transition period after the pressure is gone', async () => {
  const n = fakeNode();
  n.observed['memory.available']!.availableBytes = 100 * Mi;
  await n.start();
  assert.equal(n.last()?.MemoryPressure, true);
  n.observed['memory.available']!.availableBytes = 1000 * Mi;
  const passesInPeriod = transition / interval - 1;
  for (let i = 0; i < passesInPeriod; i++) {
    await n.pass();
    assert.equal(n.last()?.MemoryPressure, true, `pass ${i + 2} is within the transition period`);
  }
  await n.pass();
  assert.equal(n.last()?.MemoryPressure, false, 'cleared once the period is over');
  // Pressure again restarts the period.
  n.observed['memory.available']!.availableBytes = 10 * Mi;
  await n.pass();
  assert.equal(n.last()?.MemoryPressure, true);
  await n.manager.stop();
});

test('disk pressure: DiskPressure True and a pod evicted, lower priority first', async () => {
  const n = fakeNode();
  const high = pod('high');
  (high.spec as { priority?: number }).priority = 100;
  n.add(high, 0);
  n.add(pod('low'), 0);
  n.observed['nodefs.available']!.availableBytes = 5_000 * Mi;
  await n.start();
  assert.deepEqual(n.last(), { MemoryPressure: false, DiskPressure: true });
  assert.deepEqual(
    n.evicted.map((e) => e.name),
    ['low'],
  );
  assert.match(
    n.evicted[0]!.message,
    /^The node was low on resource: ephemeral-storage\. Threshold quantity: 10000Mi, available: 5000Mi\./,
  );
  await n.manager.stop();
});

test('stop ends the passes', async () => {
  const n = fakeNode();
  await n.start();
  await n.manager.stop();
  const passes = n.manager.passCount;
  await n.clock.advanceAsync(interval * 3, interval);
  assert.equal(n.manager.passCount, passes);
});

test('soft threshold: the condition at once, evictions only after the grace period, with the pod’s grace capped', async () => {
  const n = fakeNode({ soft: 'memory.available<500Mi', softGrace: 'memory.available=20s', maxPodGrace: 10 });
  const p = pod('besteffort');
  p.spec!.terminationGracePeriodSeconds = 60;
  n.add(p, 50 * Mi);
  const short = pod('short');
  short.spec!.terminationGracePeriodSeconds = 3;
  n.add(short, 10 * Mi);
  n.observed['memory.available']!.availableBytes = 400 * Mi; // under the soft threshold only
  await n.start();
  assert.deepEqual(n.last(), { MemoryPressure: true, DiskPressure: false });
  assert.equal(n.evicted.length, 0, 'within the grace period nothing is evicted');
  await n.pass(); // 5 s
  await n.pass(); // 10 s
  // The signal recovers briefly: the grace period starts over.
  n.observed['memory.available']!.availableBytes = 600 * Mi;
  await n.pass(); // 15 s
  n.observed['memory.available']!.availableBytes = 400 * Mi;
  for (let i = 0; i < 4; i++) await n.pass(); // 20 s … 35 s: below again since 20 s
  assert.equal(n.evicted.length, 0, 'the grace period restarted when the signal recovered');
  await n.pass(); // 40 s: below for 20 s
  assert.deepEqual(
    n.evicted.map((e) => [e.name, e.grace]),
    [['besteffort', 10]],
    'evicted with its own grace period capped at --eviction-max-pod-grace-period',
  );
  await n.pass();
  assert.deepEqual(
    n.evicted.map((e) => [e.name, e.grace]),
    [
      ['besteffort', 10],
      ['short', 3],
    ],
    'a pod with a shorter grace period keeps it',
  );
  await n.manager.stop();
});

test('a hard threshold crossed with a soft one evicts at once, with the hard grace period', async () => {
  const n = fakeNode({ soft: 'memory.available<500Mi', softGrace: 'memory.available=1m' });
  n.add(pod('a'), 10 * Mi);
  n.observed['memory.available']!.availableBytes = 100 * Mi;
  await n.start();
  assert.deepEqual(
    n.evicted.map((e) => [e.name, e.grace]),
    [['a', 1]],
  );
  await n.manager.stop();
});

test('disk pressure ranks by disk use (writable layer + logs + disk emptyDirs) over the pod’s request', async () => {
  const n = fakeNode();
  n.add(pod('layer'), 0);
  n.rootfs.set('layer', 12 * Mi);
  n.add(pod('scratch'), 0);
  n.rootfs.set('scratch', 1 * Mi);
  n.otherDisk.set('scratch', 20 * Mi);
  n.add(pod('small'), 0);
  n.rootfs.set('small', 1 * Mi);
  n.add(pod('requested', { requests: { 'ephemeral-storage': '64Mi' } }), 0);
  n.rootfs.set('requested', 20 * Mi);
  n.observed['nodefs.available']!.availableBytes = 5_000 * Mi;
  await n.start();
  for (let i = 0; i < 3; i++) await n.pass();
  assert.deepEqual(
    n.evicted.map((e) => e.name),
    ['scratch', 'layer', 'small', 'requested'],
    'over their requests by most first; within its request last',
  );
  assert.match(n.evicted[1]!.message, /Container main was using 12Mi, request is 0\.$/);
  await n.manager.stop();
});
