/**
 * Scheduler throughput against a real `berth server` with `berth sim` nodes: N nodes (default
 * 5,000), M pods (default 10,000) created at once; pods/s from the first create to the last bind,
 * and per-pod latency from the pod's ADDED to the MODIFIED that carries its node, seen on one
 * watch. Baseline in the same run: the same number of pods bound by this process itself through
 * pods/binding round-robin (no scheduling decisions) — the floor set by the API's write path.
 * `--nodes N --pods M` change the case; `--quick` runs 500 nodes and 2,000 pods.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../src/api/object.ts';
import { Client } from '../src/client/client.ts';
import { httpTransport } from '../src/client/http.ts';
import { loadKubeconfig } from '../src/client/kubeconfig.ts';
import { berthBin, repoRoot, startServer } from '../test/helpers/server.ts';
import { createSuite, percentile } from './harness.ts';
import { figuresTable, type Figure } from './lib/figures.ts';
import { cpuMs, pidsWithArg } from './lib/proc.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = args.includes('--quick');
const nodes = flag('nodes', quick ? 500 : 5000);
const podCount = flag('pods', quick ? 2000 : 10000);
const concurrency = 64;

const figures: Figure[] = [];
const suite = createSuite('scheduler', {
  print: (text) =>
    process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
});
suite.note('config', {
  nodes,
  pods: podCount,
  concurrency,
  cpus: (await import('node:os')).availableParallelism(),
});

const server = await startServer();
let sim: ChildProcess | undefined;
try {
  const kc = await loadKubeconfig(server.kubeconfig);
  const transport = httpTransport(kc, {
    maxSockets: concurrency + 4,
    timeoutMs: 120_000,
    connectTimeoutMs: 120_000,
  });
  const client = new Client(transport);
  const podsApi = client.resource('', 'v1', 'pods');

  const simStart = Date.now();
  sim = spawn(
    berthBin,
    [
      'sim',
      '--kubeconfig',
      server.kubeconfig,
      '--nodes',
      String(nodes),
      '--ready-delay',
      '10m',
      '--log-level',
      'warn',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  for (;;) {
    const list = await client.resource('', 'v1', 'nodes').list(undefined, { limit: 1 });
    const total = (list.metadata.remainingItemCount ?? 0) + list.items.length;
    if (total >= nodes) break;
    await sleep(500);
  }
  // Every node Ready, so the scheduler's cache has them all.
  for (;;) {
    const all = await client.resource('', 'v1', 'nodes').list();
    const ready = all.items.filter((n) =>
      ((n.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    ).length;
    if (ready >= nodes) break;
    await sleep(500);
  }
  suite.note('nodes registered', { nodes, seconds: (Date.now() - simStart) / 1000 });
  const nodeNames = (await client.resource('', 'v1', 'nodes').list()).items.map((n) => n.metadata.name!);

  const podObj = (ns: string, i: number, schedulerName: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${i}`, namespace: ns, labels: { app: 'bench' } },
    spec: {
      schedulerName,
      containers: [
        { name: 'c', image: 'busybox', resources: { requests: { cpu: '100m', memory: '128Mi' } } },
      ],
    },
  });

  /** Runs `fn(i)` for i in [0, n) with `concurrency` in flight. */
  async function pool(n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) await fn(next++);
      }),
    );
  }

  async function namespace(name: string): Promise<void> {
    await client.resource('', 'v1', 'namespaces').create(undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }

  // Baseline: this process binds pods itself (round-robin), with pods the scheduler ignores.
  await namespace('bench-baseline');
  await pool(podCount, (i) => podsApi.create('bench-baseline', podObj('bench-baseline', i, 'none')));
  const bStart = performance.now();
  await pool(podCount, (i) =>
    client.call({
      method: 'POST',
      path: `/api/v1/namespaces/bench-baseline/pods/p-${i}/binding`,
      body: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: `p-${i}` },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeNames[i % nodeNames.length] },
      },
    }),
  );
  const baselineRate = podCount / ((performance.now() - bStart) / 1000);

  // Subject: the scheduler places every pod.
  await namespace('bench');
  const list = await podsApi.list('bench');
  const watch = await podsApi.watch('bench', { resourceVersion: list.metadata.resourceVersion });
  const added = new Map<string, number>();
  const latencies: number[] = [];
  let firstCreate = 0;
  let lastBind = 0;
  const schedPid = pidsWithArg(server.dataDir)[0];
  const cpuBefore = schedPid ? cpuMs(schedPid) : 0;
  const done = (async () => {
    for await (const ev of watch) {
      const name = ev.object.metadata.name!;
      const now = performance.now();
      if (ev.type === 'ADDED') added.set(name, now);
      const node = (ev.object.spec as { nodeName?: string } | undefined)?.nodeName;
      if (node && added.has(name)) {
        latencies.push(now - added.get(name)!);
        added.delete(name);
        lastBind = now;
        if (latencies.length === podCount) break;
      }
    }
  })();
  firstCreate = performance.now();
  await pool(podCount, (i) => podsApi.create('bench', podObj('bench', i, 'default-scheduler')));
  const createdAt = performance.now();
  await done;
  watch.close();
  const cpuUsed = schedPid ? cpuMs(schedPid) - cpuBefore : 0;
  const seconds = (lastBind - firstCreate) / 1000;
  const rate = podCount / seconds;
  latencies.sort((a, b) => a - b);
  suite.note('subject', {
    createSeconds: (createdAt - firstCreate) / 1000,
    lastBindSeconds: seconds,
    serverCpuPercentOfOneCore: Math.round(cpuUsed / 10 / seconds),
  });
  figures.push(
    {
      name: `pods scheduled and bound/s (${nodes} nodes, ${podCount} pods)`,
      value: rate,
      unit: '/s',
      baselineName: 'bench binds round-robin',
      baseline: baselineRate,
      target: { op: '>=', value: 1000 },
    },
    { name: 'per-pod scheduling latency p50', value: percentile(latencies, 50), unit: 'ms' },
    { name: 'per-pod scheduling latency p99', value: percentile(latencies, 99), unit: 'ms' },
  );
  suite.note('figures', figures);
  suite.finish();
  transport.close();
} finally {
  sim?.kill('SIGTERM');
  await server.stop();
}
