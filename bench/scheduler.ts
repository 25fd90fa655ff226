/**
 * Scheduler throughput against a real `berth server` with `berth sim` nodes: N nodes (default
 * 5,000), M pods (default 10,000) created at once; pods/s from the first create to the last bind,
 * and per-pod latency from the pod's ADDED to the MODIFIED that carries its node, seen on one
 * watch. Baseline in the same run: the same number of pods bound by this process itself through
 * pods/binding round-robin (no scheduling decisions) — the floor set by the API's write path.
 * `--nodes N --pods M` change the case; `--quick` runs 500 nodes and 2,000 pods; `--threads` runs the
 * server with `--component-threads`.
 *
 * Where a pod's CPU goes (profiles of 2026-11-29, `NODE_OPTIONS=--cpu-prof` on this bench; worker
 * threads write their own profiles): the decision itself (filter 500 of 5,000 nodes, score them)
 * is ~0.15–0.2 ms since plugins skip pods they have nothing to check and NodeInfo keeps cpu/memory
 * as numbers — about a sixth of the scheduler thread's time. The rest of that thread is client
 * work: the bind and the Scheduled Event (two HTTP requests per pod) and decoding and freezing
 * the pod's ADDED and MODIFIED watch events (the baseline namespace's pods too). Without
 * `--threads` all of it, plus the API's side of every request, is on the one main thread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../src/api/object.ts';
import { Client } from '../src/client/client.ts';
import { httpTransport } from '../src/client/http.ts';
import { loadKubeconfig } from '../src/client/kubeconfig.ts';
import { berthBin, repoRoot, startServer } from '../test/helpers/server.ts';
import { createSuite, percentile } from './harness.ts';
import { leanHttpsClient } from './lib/lean-client.ts';
import { readKubeconfig } from '../test/helpers/kubeconfig.ts';
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

/**
 * CPU ms per thread name of `pid` (from /proc/PID/task/TID/stat; the API server runs on
 * `MainThread`, the scheduler and the controller manager on threads named after them).
 */
function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(rest[11]) + Number(rest[12])) * 10);
    } catch {
      // the thread ended while we looked
    }
  }
  return out;
}

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

// The default cluster CIDR (10.244.0.0/16, a /24 per node) runs out at 256 nodes; a /9 (clear of
// the service CIDR 10.96.0.0/12) gives every simulated node its podCIDR, as kubemark clusters do.
// `--threads`: the scheduler and the controller manager on worker threads (`--component-threads`).
const threads = process.argv.includes('--threads');
const server = await startServer({
  args: ['--cluster-cidr', '10.128.0.0/9', ...(threads ? ['--component-threads'] : [])],
});
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

  /** Runs `fn(i, w)` for i in [0, n) with `concurrency` in flight; `w` names the worker. */
  async function pool(n: number, fn: (i: number, w: number) => Promise<unknown>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        while (next < n) await fn(next++, w);
      }),
    );
  }

  // Creates and the baseline's binds go through lean clients (bench/lib/lean-client.ts, one
  // connection per worker), as in the api bench: on 2 cores the full client's CPU per request is
  // taken from the server being measured. The same clients serve subject and baseline.
  const lean = Array.from({ length: concurrency }, () => leanHttpsClient(readKubeconfig(server.kubeconfig)));
  async function post(w: number, path: string, body: unknown): Promise<void> {
    const r = await lean[w]!.request('POST', path, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.body.slice(0, 300)}`);
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
  await pool(podCount, (i, w) =>
    post(w, '/api/v1/namespaces/bench-baseline/pods', podObj('bench-baseline', i, 'none')),
  );
  const bStart = performance.now();
  await pool(podCount, (i, w) =>
    post(w, `/api/v1/namespaces/bench-baseline/pods/p-${i}/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: `p-${i}` },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeNames[i % nodeNames.length] },
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
  const threadsBefore = schedPid ? threadCpuMs(schedPid) : new Map<string, number>();
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
  await pool(podCount, (i, w) =>
    post(w, '/api/v1/namespaces/bench/pods', podObj('bench', i, 'default-scheduler')),
  );
  const createdAt = performance.now();
  await done;
  watch.close();
  const cpuUsed = schedPid ? cpuMs(schedPid) - cpuBefore : 0;
  const threadsAfter = schedPid ? threadCpuMs(schedPid) : new Map<string, number>();
  const seconds = (lastBind - firstCreate) / 1000;
  const rate = podCount / seconds;
  latencies.sort((a, b) => a - b);
  suite.note('subject', {
    createSeconds: (createdAt - firstCreate) / 1000,
    lastBindSeconds: seconds,
    serverCpuPercentOfOneCore: Math.round(cpuUsed / 10 / seconds),
    // The API server's thread, the scheduler's and the controller manager's (same window).
    threadCpuPercentOfOneCore: Object.fromEntries(
      [...threadsAfter]
        .map(
          ([name, ms]) => [name, Math.round((ms - (threadsBefore.get(name) ?? 0)) / 10 / seconds)] as const,
        )
        .filter(([, pct]) => pct > 0),
    ),
    loadAverage: (await import('node:os')).loadavg().map((l) => +l.toFixed(2)),
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
  for (const c of lean) c.close();
} finally {
  sim?.kill('SIGTERM');
  await server.stop();
}
