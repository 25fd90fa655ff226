import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostInfo } from './host-info.ts';
import {
  currentConditions,
  newNode,
  nodeResources,
  nodeStatus,
  stampConditions,
  statusDigest,
  type NodeStatusInput,
} from './node-status.ts';

const GiB = 1024 ** 3;

function host(over: Partial<HostInfo> = {}): HostInfo {
  return {
    hostname: 'box',
    cpus: 4,
    memTotalBytes: 16 * GiB,
    memAvailableBytes: 8 * GiB,
    storageTotalBytes: 100 * GiB,
    storageAvailableBytes: 50 * GiB,
    pids: 300,
    pidMax: 4194304,
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    kernelVersion: '6.1.0',
    operatingSystem: 'linux',
    architecture: 'amd64',
    internalIP: '10.0.0.5',
    machineID: 'm',
    bootID: 'b',
    systemUUID: 'u',
    ...over,
  };
}

const input = (over: Partial<HostInfo> = {}, more: Partial<NodeStatusInput> = {}): NodeStatusInput => ({
  host: host(over),
  runtimeVersion: 'containerd://1.6.20',
  runtimeReady: true,
  kubeletVersion: 'v1.32.4+berth',
  ...more,
});

test('capacity and allocatable: reservations of 100m cpu, 356Mi memory, 10% storage', () => {
  assert.deepEqual(nodeResources(host()), {
    capacity: { cpu: '4', memory: '16777216Ki', 'ephemeral-storage': '104857600Ki', pods: '110' },
    allocatable: {
      cpu: '3900m',
      memory: `${16777216 - 356 * 1024}Ki`,
      'ephemeral-storage': '94371840Ki',
      pods: '110',
    },
  });
});

const statusOf = (i: NodeStatusInput) =>
  Object.fromEntries(currentConditions(i).map((c) => [c.type, c.status]));

test('conditions follow the host', () => {
  const cases: [string, NodeStatusInput, Record<string, string>][] = [
    [
      'healthy',
      input(),
      { MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', Ready: 'True' },
    ],
    [
      'memory low',
      input({ memAvailableBytes: 50 * 1024 * 1024 }),
      { MemoryPressure: 'True', DiskPressure: 'False', PIDPressure: 'False', Ready: 'True' },
    ],
    [
      'disk low',
      input({ storageAvailableBytes: 5 * GiB }),
      { MemoryPressure: 'False', DiskPressure: 'True', PIDPressure: 'False', Ready: 'True' },
    ],
    [
      'pids low',
      input({ pids: 950, pidMax: 1000 }),
      { MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'True', Ready: 'True' },
    ],
    [
      "the eviction manager's verdict replaces the host check",
      input(
        { memAvailableBytes: 50 * 1024 * 1024 },
        { pressure: { MemoryPressure: false, DiskPressure: true } },
      ),
      { MemoryPressure: 'False', DiskPressure: 'True', PIDPressure: 'False', Ready: 'True' },
    ],
    [
      'a condition the eviction manager does not decide still follows the host',
      input({ storageAvailableBytes: 5 * GiB }, { pressure: { MemoryPressure: true } }),
      { MemoryPressure: 'True', DiskPressure: 'True', PIDPressure: 'False', Ready: 'True' },
    ],
    [
      'runtime down',
      input({}, { runtimeReady: false, runtimeMessage: 'socket missing' }),
      { MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', Ready: 'False' },
    ],
  ];
  for (const [name, i, want] of cases) assert.deepEqual(statusOf(i), want, name);
  const ready = currentConditions(input({}, { runtimeReady: false, runtimeMessage: 'socket missing' })).find(
    (c) => c.type === 'Ready',
  );
  assert.deepEqual(
    [ready?.reason, ready?.message],
    ['KubeletNotReady', 'container runtime is down: socket missing'],
  );
});

test('stampConditions keeps lastTransitionTime unless the status flips', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const first = stampConditions(currentConditions(input()), [], t0);
  const later = stampConditions(currentConditions(input({ memAvailableBytes: 1 })), first, t0 + 60_000);
  const mem = later.find((c) => c.type === 'MemoryPressure')!;
  const ready = later.find((c) => c.type === 'Ready')!;
  assert.equal(mem.lastTransitionTime, '2026-01-01T00:01:00Z');
  assert.equal(ready.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(ready.lastHeartbeatTime, '2026-01-01T00:01:00Z');
});

test('newNode: labels, addresses, nodeInfo', () => {
  const n = newNode('n1', input(), Date.UTC(2026, 0, 1), { 'node.kubernetes.io/instance-type': 'small' });
  assert.deepEqual(n.metadata.labels, {
    'kubernetes.io/hostname': 'n1',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    'node.kubernetes.io/instance-type': 'small',
  });
  const st = n.status as Record<string, unknown>;
  assert.deepEqual(st.addresses, [
    { type: 'InternalIP', address: '10.0.0.5' },
    { type: 'Hostname', address: 'box' },
  ]);
  assert.deepEqual(st.nodeInfo, {
    machineID: 'm',
    systemUUID: 'u',
    bootID: 'b',
    kernelVersion: '6.1.0',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    containerRuntimeVersion: 'containerd://1.6.20',
    kubeletVersion: 'v1.32.4+berth',
    kubeProxyVersion: 'v1.32.4+berth',
    operatingSystem: 'linux',
    architecture: 'amd64',
  });
});

test('statusDigest ignores heartbeat times but not condition flips', () => {
  const a = nodeStatus(input(), [], 1000);
  const b = nodeStatus(input({ memAvailableBytes: 7 * GiB }), [], 50_000);
  const c = nodeStatus(input({ memAvailableBytes: 1 }), [], 50_000);
  assert.equal(statusDigest(a), statusDigest(b));
  assert.notEqual(statusDigest(a), statusDigest(c));
  const ip = nodeStatus(input({}, { nodeIP: '192.168.1.9' }), [], 1000);
  assert.deepEqual((ip.addresses as unknown[])[0], { type: 'InternalIP', address: '192.168.1.9' });
});
