import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSummary, rate, type ContainerSample, type Sample } from './summary.ts';
import { parseProcStatCpu } from './host.ts';

const pod = { name: 'web', namespace: 'default', uid: 'u1' };
const c = (id: string, name: string, cpuNs: number, atMs: number, mem = 1000): ContainerSample => ({
  id,
  name,
  pod,
  cpuNs,
  cpuAtMs: atMs,
  workingSetBytes: mem,
});
const host = (cpuNs: number) => ({
  cpuUsageCoreNanoSeconds: cpuNs,
  memoryTotalBytes: 100,
  memoryAvailableBytes: 40,
  memoryWorkingSetBytes: 60,
});

test('rate: nanocores from cumulative nanoseconds; none when the counter goes back or time stands', () => {
  const cases: [number, number, number, number, number | undefined][] = [
    [0, 0, 1e9, 1000, 1e9],
    [5e8, 0, 1e9, 2000, 2.5e8],
    [1e9, 0, 5e8, 1000, undefined],
    [0, 1000, 1e9, 1000, undefined],
  ];
  for (const [a, at, b, bt, want] of cases) assert.equal(rate(a, at, b, bt), want, `${a}@${at} → ${b}@${bt}`);
});

test('buildSummary: rates over about one window, pod sums, node from the host', () => {
  const history: Sample[] = [
    { atMs: 0, host: host(0), containers: [c('a', 'app', 0, 0)] },
    { atMs: 10_000, host: host(5e9), containers: [c('a', 'app', 2e9, 10_000), c('b', 'side', 0, 10_000)] },
    {
      atMs: 12_000,
      host: host(6e9),
      containers: [c('a', 'app', 3e9, 12_000, 3000), c('b', 'side', 2e8, 12_000, 500)],
    },
  ];
  const s = buildSummary('n1', history, 10_000);
  // The node compares with the reading >= 10 s back (t=0): 6e9 ns over 12 s.
  assert.equal(s.node.cpu?.usageNanoCores, 5e8);
  assert.equal(s.node.cpu?.windowSeconds, 12);
  assert.equal(s.node.memory?.workingSetBytes, 60);
  assert.equal(s.pods.length, 1);
  const p = s.pods[0]!;
  assert.deepEqual(p.podRef, pod);
  const [app, side] = p.containers;
  assert.equal(app?.cpu?.usageNanoCores, 250_000_000); // 3e9 over 12 s
  // `side` was first seen at t=10 s: its rate covers the 2 s it has.
  assert.equal(side?.cpu?.usageNanoCores, 100_000_000);
  assert.equal(side?.cpu?.windowSeconds, 2);
  assert.equal(p.cpu?.usageNanoCores, 350_000_000);
  assert.equal(p.memory?.workingSetBytes, 3500);
});

test('buildSummary: a single reading has cumulative figures but no rate', () => {
  const s = buildSummary('n1', [{ atMs: 5, host: host(1e9), containers: [c('a', 'app', 1e9, 5)] }], 10_000);
  assert.equal(s.node.cpu?.usageNanoCores, undefined);
  assert.equal(s.node.cpu?.usageCoreNanoSeconds, 1e9);
  assert.equal(s.pods[0]?.containers[0]?.cpu?.usageNanoCores, undefined);
  assert.equal(s.pods[0]?.cpu?.usageNanoCores, undefined);
  assert.deepEqual(buildSummary('n1', [], 1000), { node: { nodeName: 'n1' }, pods: [] });
});

test('parseProcStatCpu: busy ticks of the aggregate line in nanoseconds', () => {
  const text = 'cpu  100 10 50 1000 20 5 5 10 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\n';
  // user+nice+system+irq+softirq+steal = 180 ticks of 10 ms.
  assert.equal(parseProcStatCpu(text), 180 * 1e7);
  assert.throws(() => parseProcStatCpu('intr 1 2 3\n'), /no aggregate cpu line/);
});
