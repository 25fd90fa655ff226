import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeService } from '../cri/service.ts';
import type { Container, ContainerStats } from '../cri/types.ts';
import {
  labelContainerName,
  labelNode,
  labelPodName,
  labelPodNamespace,
  labelPodUid,
} from '../pods/labels.ts';
import { StatsCollector, containerSample } from './collector.ts';

const labels = (container: string) => ({
  [labelPodName]: 'web',
  [labelPodNamespace]: 'default',
  [labelPodUid]: 'u1',
  [labelContainerName]: container,
  [labelNode]: 'n1',
});

function stats(id: string, container: string, cpuNs: number, atMs: number): ContainerStats {
  const v = (n: number) => ({ value: String(n) });
  return {
    attributes: { id, metadata: { name: container, attempt: 0 }, labels: labels(container), annotations: {} },
    cpu: {
      timestamp: String(BigInt(atMs) * 1_000_000n),
      usage_core_nano_seconds: v(cpuNs),
      usage_nano_cores: null,
    },
    memory: {
      timestamp: '0',
      working_set_bytes: v(4096),
      available_bytes: null,
      usage_bytes: v(8192),
      rss_bytes: null,
      page_faults: null,
      major_page_faults: null,
    },
    writable_layer: {
      timestamp: '0',
      fs_id: null,
      used_bytes: v(12_288),
      inodes_used: v(3),
    },
  };
}

test('containerSample: pod identity from the CRI labels; other containers are ignored', () => {
  const s = containerSample(stats('a', 'app', 5, 2000), 0);
  assert.deepEqual(s, {
    id: 'a',
    name: 'app',
    pod: { name: 'web', namespace: 'default', uid: 'u1' },
    cpuNs: 5,
    cpuAtMs: 2000,
    workingSetBytes: 4096,
    usageBytes: 8192,
    rssBytes: undefined,
    rootfsBytes: 12_288,
  });
  const foreign = stats('x', 'app', 5, 2000);
  foreign.attributes!.labels = {};
  assert.equal(containerSample(foreign, 0), undefined);
});

test('StatsCollector: running containers only, the node selector asked for, a rate after two readings', async () => {
  let now = 1000;
  let cpu = 0;
  const asked: unknown[] = [];
  const cri = {
    listContainers: async (f: unknown) => {
      asked.push(f);
      return [{ id: 'a' }] as Container[];
    },
    listContainerStats: async () => [stats('a', 'app', cpu, now), stats('gone', 'old', 0, now)],
  } as unknown as RuntimeService;
  const host = async () => ({
    cpuUsageCoreNanoSeconds: cpu * 2,
    memoryTotalBytes: 10,
    memoryAvailableBytes: 4,
    memoryWorkingSetBytes: 6,
  });
  const col = new StatsCollector({ cri, nodeName: 'n1', readHost: host, now: () => now, minWindowMs: 1 });
  await col.sample();
  now += 2000;
  cpu = 1e9;
  const s = await col.summary();
  assert.deepEqual(asked[0], {
    state: { state: 'CONTAINER_RUNNING' },
    label_selector: { [labelNode]: 'n1' },
  });
  assert.equal(s.pods.length, 1);
  assert.deepEqual(
    s.pods[0]?.containers.map((c) => [c.name, c.cpu?.usageNanoCores]),
    [['app', 500_000_000]],
  );
  assert.equal(s.node.cpu?.usageNanoCores, 1e9);
  assert.equal(s.node.memory?.workingSetBytes, 6);
});
