/**
 * Deployment and ReplicaSet controllers end to end against a real `berth server` with `berth sim` nodes: time for a 1,000-replica Deployment to become Ready and to roll out a new image, and (--scale) memory and idle CPU holding 1,000 nodes and 30,000 pods.
 *
 * Rollout case (default 100 nodes, 1,000 replicas; `--quick` 20 nodes, 200 replicas): nodes from
 * `berth sim --ready-delay 1s` (the sim's default: a bound pod is Running and Ready 1 s later, ±10%
 * jitter; deletion completes at once; Leases renewed every 10 s). Figures: `create` →
 * status.readyReplicas == N, seen on a watch of the Deployment; a RollingUpdate (maxSurge 25%,
 * maxUnavailable 25%) to a new image → observedGeneration current, updatedReplicas ==
 * readyReplicas == replicas == N and no pod of an older pod-template-hash left (a watch of the
 * pods); API GET p99 during the rollout, from a 20/s prober on GET /api/v1/namespaces/default in a
 * worker thread. Same-run baselines, taken first on the same server and sim (after a small warm-up
 * batch of pods, so they do not pay for a cold server): N bare pods with the same template, created
 * by this process 64 at a time and placed by the scheduler, until all Ready; then replacing them
 * (create a new pod, delete an old one, 64 at a time) until the new ones are Ready and the old ones
 * gone — the floor without the Deployment and ReplicaSet controllers; and the prober against the
 * idle cluster just before the rollout.
 *
 * Scale case (`--scale`; not with --quick; `--scale-only` skips the rollout case): a fresh server,
 * idle for `--idle-window` s (30) as the baseline; then `berth sim --nodes 1000` and 30
 * Deployments × 1,000 replicas; once all are Ready and things settle, the same idle window: VmRSS
 * and CPU (as a fraction of one core, from /proc/PID/stat) of the server and the sim, and API GET
 * p99 (5/s prober).
 * Args: --nodes N --replicas N --ready-delay D --scale-nodes N --scale-deployments N
 *   --scale-replicas N --idle-window S --settle S
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../src/api/object.ts';
import { Client } from '../src/client/client.ts';
import { httpTransport, type HttpTransport } from '../src/client/http.ts';
import { loadKubeconfig } from '../src/client/kubeconfig.ts';
import { isNotFound } from '../src/client/status.ts';
import { berthBin, repoRoot, startServer, type TestServer } from '../test/helpers/server.ts';
import { createSuite } from './harness.ts';
import { figuresTable, type Figure } from './lib/figures.ts';
import { cpuMs, pidsWithArg, processInfo } from './lib/proc.ts';
import { startProber } from './lib/prober.ts';
import { createWaiter, track } from './lib/track.ts';

const { values: v } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    'scale-only': { type: 'boolean', default: false },
    nodes: { type: 'string' },
    replicas: { type: 'string' },
    'ready-delay': { type: 'string', default: '1s' },
    'scale-nodes': { type: 'string', default: '1000' },
    'scale-deployments': { type: 'string', default: '30' },
    'scale-replicas': { type: 'string', default: '1000' },
    'idle-window': { type: 'string', default: '30' },
    settle: { type: 'string', default: '20' },
  },
});
const quick = v.quick;
const cfg = {
  nodes: Number(v.nodes ?? (quick ? 20 : 100)),
  replicas: Number(v.replicas ?? (quick ? 200 : 1000)),
  readyDelay: v['ready-delay'],
  concurrency: 64,
  probeRate: 20,
  idleProbeMs: quick ? 3000 : 5000,
  rollout: !v['scale-only'],
  scale: !quick && (v.scale || v['scale-only']),
  scaleNodes: Number(v['scale-nodes']),
  scaleDeployments: Number(v['scale-deployments']),
  scaleReplicas: Number(v['scale-replicas']),
  scaleProbeRate: 5,
  idleWindowMs: Number(v['idle-window']) * 1000,
  settleMs: Number(v.settle) * 1000,
};
const IMAGE_V1 = 'registry.example/bench/web:1.0';
const IMAGE_V2 = 'registry.example/bench/web:1.1';
const PROBE_PATH = '/api/v1/namespaces/default';
const MINUTE = 60_000;
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const mb = (kb: number): number => kb / 1024;

const figures: Figure[] = [];
const suite = createSuite('controllers', {
  print: (text) =>
    process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
});
suite.note('config', { quick, ...cfg, cpus: availableParallelism() });

type Pod = KubeObject & {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
};
interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
}
type Deployment = KubeObject & { status?: DeploymentStatus };

const isReady = (p: Pod | undefined): boolean =>
  !!p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** The pod template every case uses: one container, small requests, so capacity never limits. */
function podSpec(image: string): Record<string, unknown> {
  return {
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: 'web',
        image,
        ports: [{ containerPort: 8080 }],
        resources: { requests: { cpu: '50m', memory: '64Mi' } },
      },
    ],
  };
}

/** Runs `fn(i)` for i in [0, n) with `concurrency` in flight. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** The pid of the server process this run started (bin/berth execs node, so it is our child). */
function serverPid(server: TestServer): number {
  const pid = pidsWithArg(server.dataDir).find((p) => processInfo(p).ppid === process.pid);
  if (!pid) throw new Error(`no berth server process for ${server.dataDir}`);
  return pid;
}

/** A client with room for the bench's concurrency and patient timeouts for a loaded machine. */
async function connect(server: TestServer): Promise<{ client: Client; transport: HttpTransport }> {
  const transport = httpTransport(await loadKubeconfig(server.kubeconfig), {
    maxSockets: cfg.concurrency + 4,
    timeoutMs: 5 * MINUTE,
    connectTimeoutMs: 2 * MINUTE,
  });
  return { client: new Client(transport), transport };
}

/** Creates a namespace and waits (briefly) for its default ServiceAccount, which pod admission may want. */
async function namespace(client: Client, name: string): Promise<void> {
  await client
    .resource('', 'v1', 'namespaces')
    .create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const sa = client.resource('', 'v1', 'serviceaccounts');
  for (let i = 0; i < 100; i++) {
    try {
      await sa.get(name, 'default');
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await sleep(100);
    }
  }
}

/** Starts `berth sim` with `nodes` nodes and waits until every one of them is Ready. */
async function startSim(server: TestServer, client: Client, nodes: number): Promise<ChildProcess> {
  const t0 = performance.now();
  const sim = spawn(
    berthBin,
    [
      'sim',
      '--kubeconfig',
      server.kubeconfig,
      '--nodes',
      String(nodes),
      '--ready-delay',
      cfg.readyDelay,
      '--log-level',
      'warn',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const nodesApi = client.resource('', 'v1', 'nodes');
  let ready = 0;
  const waiter = createWaiter();
  const tracker = await track({
    api: nodesApi,
    onChange: (prev, next) => {
      ready += (isReady(next as Pod) ? 1 : 0) - (isReady(prev as Pod) ? 1 : 0);
      waiter.check();
    },
  });
  try {
    await waiter.until(() => ready >= nodes, {
      what: `sim nodes Ready`,
      timeoutMs: 10 * MINUTE,
      progress: () => `${ready}/${nodes} Ready, ${tracker.objects.size} registered`,
    });
  } finally {
    tracker.close();
  }
  log(`  ${nodes} sim nodes Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return sim;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** CPU used by `pids` since `before`, as a fraction of one core over `ms`. */
const cores = (pids: number[], before: number[], ms: number): number =>
  pids.reduce((sum, pid, i) => sum + (cpuMs(pid) - before[i]!), 0) / ms;

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Bare pods: a small warm-up batch (created, Ready, deleted) so the baseline does not pay for a cold
 * server, then N created until Ready, then all N replaced (create new, delete old) until done; then
 * everything is deleted again.
 */
async function bareBaseline(client: Client): Promise<{ createMs: number; replaceMs: number }> {
  const ns = 'bench-bare';
  const n = cfg.replicas;
  const warm = Math.max(20, Math.round(n / 10));
  await namespace(client, ns);
  const pods = client.resource<Pod>('', 'v1', 'pods');
  // Pods by their `rev` label (warm, 1, 2): all, and Ready.
  const counts = new Map<string, { all: number; ready: number }>();
  const count = (rev: string): { all: number; ready: number } => {
    let c = counts.get(rev);
    if (!c) counts.set(rev, (c = { all: 0, ready: 0 }));
    return c;
  };
  const bump = (p: Pod, d: number): void => {
    const c = count(p.metadata.labels?.rev ?? '');
    c.all += d;
    if (isReady(p)) c.ready += d;
  };
  const waiter = createWaiter();
  const tracker = await track<Pod>({
    api: pods,
    namespace: ns,
    onChange: (prev, next) => {
      if (prev) bump(prev, -1);
      if (next) bump(next, +1);
      waiter.check();
    },
  });
  const pod = (rev: string, i: number): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bare-${rev}-${i}`, namespace: ns, labels: { app: 'bare', rev } },
    spec: podSpec(rev === '2' ? IMAGE_V2 : IMAGE_V1),
  });
  const progress = (): string =>
    [...counts]
      .filter(([, c]) => c.all > 0)
      .map(([rev, c]) => `rev ${rev}: ${c.ready}/${c.all} Ready`)
      .join(', ') || 'no pods';
  const wait = (what: string, done: () => boolean): Promise<number> =>
    waiter.until(done, { what, timeoutMs: 10 * MINUTE, progress });
  try {
    log(`bare pods: warm-up with ${warm}`);
    await pool(warm, cfg.concurrency, (i) => pods.create(ns, pod('warm', i)));
    await wait('warm-up pods Ready', () => count('warm').ready >= warm);
    await pool(warm, cfg.concurrency, (i) => pods.delete(ns, `bare-warm-${i}`));
    await wait('warm-up pods gone', () => count('warm').all === 0);

    log(`bare pods: creating ${n} (${cfg.concurrency} in flight)`);
    const t0 = performance.now();
    await pool(n, cfg.concurrency, (i) => pods.create(ns, pod('1', i)));
    const createMs = (await wait('bare pods Ready', () => count('1').ready >= n)) - t0;
    log(`  ${n} bare pods Ready in ${secs(createMs)}`);

    log(`bare pods: replacing ${n} (create new, delete old; ${cfg.concurrency} in flight)`);
    const t1 = performance.now();
    await pool(n, cfg.concurrency, async (i) => {
      await pods.create(ns, pod('2', i));
      await pods.delete(ns, `bare-1-${i}`);
    });
    const replacedAt = await wait('bare pods replaced', () => count('2').ready >= n && count('1').all === 0);
    const replaceMs = replacedAt - t1;
    log(`  ${n} bare pods replaced in ${secs(replaceMs)}`);

    log('bare pods: cleaning up');
    await pool(n, cfg.concurrency, (i) => pods.delete(ns, `bare-2-${i}`));
    await wait('bare pods gone', () => tracker.objects.size === 0);
    return { createMs, replaceMs };
  } finally {
    tracker.close();
  }
}

/** The rollout case: baseline, then the Deployment's create and rolling update, with the API prober. */
async function rolloutCase(): Promise<void> {
  log(`== rollout case: ${cfg.nodes} nodes, ${cfg.replicas} replicas`);
  const server = await startServer({ readyTimeoutMs: 2 * MINUTE });
  let sim: ChildProcess | undefined;
  const { client, transport } = await connect(server);
  try {
    const pid = serverPid(server);
    sim = await startSim(server, client, cfg.nodes);
    const pids = [pid, sim.pid!];
    const bare = await bareBaseline(client);

    const ns = 'bench';
    const n = cfg.replicas;
    await namespace(client, ns);
    const podsApi = client.resource<Pod>('', 'v1', 'pods');
    const deployApi = client.resource<Deployment>('apps', 'v1', 'deployments');
    const waiter = createWaiter();
    // Pods per pod-template-hash: all, and Ready.
    const byHash = new Map<string, { all: number; ready: number }>();
    const bump = (p: Pod, d: number): void => {
      const h = p.metadata.labels?.['pod-template-hash'] ?? '';
      const c = byHash.get(h) ?? { all: 0, ready: 0 };
      c.all += d;
      if (isReady(p)) c.ready += d;
      byHash.set(h, c);
    };
    const podTracker = await track<Pod>({
      api: podsApi,
      namespace: ns,
      onChange: (prev, next) => {
        if (prev) bump(prev, -1);
        if (next) bump(next, +1);
        waiter.check();
      },
    });
    let dep: Deployment | undefined;
    const depTracker = await track<Deployment>({
      api: deployApi,
      namespace: ns,
      onChange: (_prev, next) => {
        dep = next;
        waiter.check();
      },
    });
    const st = (): DeploymentStatus => dep?.status ?? {};
    const depProgress = (): string => {
      const s = st();
      return `replicas ${s.replicas ?? 0}, updated ${s.updatedReplicas ?? 0}, ready ${s.readyReplicas ?? 0}, pods by hash ${JSON.stringify(Object.fromEntries([...byHash].filter(([, c]) => c.all > 0).map(([h, c]) => [h, `${c.ready}/${c.all}`])))}`;
    };
    try {
      log(`deployment: creating web with ${n} replicas`);
      const cpu0 = pids.map(cpuMs);
      const t0 = performance.now();
      const created = await deployApi.create(ns, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: ns },
        spec: {
          replicas: n,
          selector: { matchLabels: { app: 'web' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
          template: { metadata: { labels: { app: 'web' } }, spec: podSpec(IMAGE_V1) },
        },
      });
      const gen1 = created.metadata.generation ?? 1;
      const readyAt = await waiter.until(
        () => (st().observedGeneration ?? 0) >= gen1 && st().readyReplicas === n,
        { what: 'deployment Ready', timeoutMs: 15 * MINUTE, progress: depProgress },
      );
      const createMs = readyAt - t0;
      const createCores = cores(pids, cpu0, performance.now() - t0);
      log(`  ${n} replicas Ready in ${secs(createMs)}`);

      log(`API prober: ${cfg.idleProbeMs / 1000} s against the idle cluster`);
      const idleProber = await startProber({
        kubeconfig: server.kubeconfig,
        path: PROBE_PATH,
        rate: cfg.probeRate,
      });
      await sleep(cfg.idleProbeMs);
      const idleProbe = await idleProber.stop();

      log(`deployment: rolling update to ${IMAGE_V2} (maxSurge 25%, maxUnavailable 25%)`);
      const oldHashes = new Set([...byHash].filter(([, c]) => c.all > 0).map(([h]) => h));
      const oldLeft = (): number => [...oldHashes].reduce((s, h) => s + (byHash.get(h)?.all ?? 0), 0);
      const prober = await startProber({
        kubeconfig: server.kubeconfig,
        path: PROBE_PATH,
        rate: cfg.probeRate,
      });
      const cpu1 = pids.map(cpuMs);
      const t1 = performance.now();
      const patched = await deployApi.patch(ns, 'web', 'json', [
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: IMAGE_V2 },
      ]);
      const gen2 = patched.metadata.generation ?? gen1 + 1;
      const rolledAt = await waiter.until(
        () => {
          const s = st();
          return (
            (s.observedGeneration ?? 0) >= gen2 &&
            s.updatedReplicas === n &&
            s.readyReplicas === n &&
            s.replicas === n &&
            oldLeft() === 0
          );
        },
        {
          what: 'rollout complete',
          timeoutMs: 20 * MINUTE,
          progress: () => `${depProgress()}, old pods left ${oldLeft()}`,
        },
      );
      const rolloutMs = rolledAt - t1;
      const rolloutCores = cores(pids, cpu1, performance.now() - t1);
      const probe = await prober.stop();
      log(`  rollout complete in ${secs(rolloutMs)}`);

      suite.note('rollout case', {
        nodes: cfg.nodes,
        replicas: n,
        readyDelay: cfg.readyDelay,
        bareCreateSeconds: bare.createMs / 1000,
        bareReplaceSeconds: bare.replaceMs / 1000,
        createSeconds: createMs / 1000,
        rolloutSeconds: rolloutMs / 1000,
        cpuCoresServerPlusSimDuringCreate: +createCores.toFixed(2),
        cpuCoresServerPlusSimDuringRollout: +rolloutCores.toFixed(2),
        serverRssMB: +mb(processInfo(pid).rssKb).toFixed(1),
        simRssMB: +mb(processInfo(sim.pid!).rssKb).toFixed(1),
        probeIdle: { requests: idleProbe.requests, errors: idleProbe.errors, p50: idleProbe.latency.p50 },
        probeRollout: { requests: probe.requests, errors: probe.errors, p50: probe.latency.p50 },
      });
      figures.push(
        {
          name: `Deployment ${n} replicas on ${cfg.nodes} nodes: create → all Ready`,
          value: createMs,
          unit: 'ms',
          baselineName: `${n} bare pods, ${cfg.concurrency} in flight`,
          baseline: bare.createMs,
          target: { op: '<=', value: 15_000 },
        },
        {
          name: `rolling update (25%/25%) of ${n} → complete`,
          value: rolloutMs,
          unit: 'ms',
          baselineName: `replace ${n} bare pods, ${cfg.concurrency} in flight`,
          baseline: bare.replaceMs,
          target: { op: '<=', value: 30_000 },
        },
        {
          name: `API GET p99 during rollout (${cfg.probeRate}/s)`,
          value: probe.latency.p99,
          unit: 'ms',
          baselineName: 'same prober, idle cluster',
          baseline: idleProbe.latency.p99,
        },
      );
    } finally {
      podTracker.close();
      depTracker.close();
    }
  } finally {
    transport.close();
    await stopChild(sim);
    await server.stop();
  }
}

/** RSS, CPU and prober figures of `pids` over one idle window. */
async function idleWindow(
  server: TestServer,
  pids: number[],
): Promise<{ rssKb: number[]; hwmKb: number[]; cores: number[]; p99: number; p50: number; probes: number }> {
  const prober = await startProber({
    kubeconfig: server.kubeconfig,
    path: PROBE_PATH,
    rate: cfg.scaleProbeRate,
  });
  const before = pids.map(cpuMs);
  const t0 = performance.now();
  await sleep(cfg.idleWindowMs);
  const ms = performance.now() - t0;
  const used = pids.map((pid, i) => (cpuMs(pid) - before[i]!) / ms);
  const info = pids.map(processInfo);
  const probe = await prober.stop();
  return {
    rssKb: info.map((i) => i.rssKb),
    hwmKb: info.map((i) => i.hwmKb),
    cores: used,
    p99: probe.latency.p99,
    p50: probe.latency.p50,
    probes: probe.requests,
  };
}

/** A cluster CIDR with a /24 for 32,768 nodes, clear of the default service CIDR (10.96.0.0/12). */
const bigClusterCidr = '10.128.0.0/9';

/** The scale case: idle server alone, then nodes and pods held, each over the same idle window. */
async function scaleCase(): Promise<void> {
  const { scaleNodes: nodes, scaleDeployments: deps, scaleReplicas: reps } = cfg;
  const total = deps * reps;
  log(`== scale case: ${nodes} nodes, ${deps} Deployments × ${reps} replicas = ${total} pods`);
  // The default cluster CIDR (10.244.0.0/16, a /24 per node) runs out at 256 nodes; a /9 has room
  // for every simulated node, as kubemark clusters are configured.
  const server = await startServer({ readyTimeoutMs: 2 * MINUTE, args: ['--cluster-cidr', bigClusterCidr] });
  let sim: ChildProcess | undefined;
  const { client, transport } = await connect(server);
  try {
    const pid = serverPid(server);
    log(`idle server alone: settling ${cfg.settleMs / 1000} s, then a ${cfg.idleWindowMs / 1000} s window`);
    await sleep(cfg.settleMs);
    const base = await idleWindow(server, [pid]);

    sim = await startSim(server, client, nodes);
    const ns = 'bench-scale';
    await namespace(client, ns);
    const deployApi = client.resource<Deployment>('apps', 'v1', 'deployments');
    const t0 = performance.now();
    log(`creating ${deps} Deployments of ${reps} replicas`);
    await pool(deps, 4, (i) =>
      deployApi.create(ns, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `web-${i}`, namespace: ns },
        spec: {
          replicas: reps,
          selector: { matchLabels: { app: `web-${i}` } },
          template: { metadata: { labels: { app: `web-${i}` } }, spec: podSpec(IMAGE_V1) },
        },
      }),
    );
    // Polling a list of 30 Deployments every 2 s keeps the bench's own load on the server small.
    const deadline = performance.now() + 60 * MINUTE;
    let lastPrint = 0;
    for (;;) {
      const list = await deployApi.list(ns);
      const ready = list.items.reduce((s, d) => s + (d.status?.readyReplicas ?? 0), 0);
      const current = list.items.every(
        (d) => (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1),
      );
      if (ready >= total && current) break;
      if (performance.now() > deadline) throw new Error(`scale: only ${ready}/${total} Ready after 60 min`);
      if (performance.now() - lastPrint >= 10_000) {
        lastPrint = performance.now();
        log(`  ${secs(performance.now() - t0)}: ${ready}/${total} pods Ready`);
      }
      await sleep(2000);
    }
    const upMs = performance.now() - t0;
    log(`  ${total} pods Ready in ${secs(upMs)}; settling ${cfg.settleMs / 1000} s`);
    await sleep(cfg.settleMs);
    log(`steady state: ${cfg.idleWindowMs / 1000} s window`);
    const pids = [pid, sim.pid!];
    const held = await idleWindow(server, pids);
    const rssTotalMb = mb(held.rssKb[0]! + held.rssKb[1]!);
    const coresTotal = held.cores[0]! + held.cores[1]!;

    suite.note('scale case', {
      nodes,
      pods: total,
      allReadySeconds: upMs / 1000,
      idleServerAlone: {
        rssMB: +mb(base.rssKb[0]!).toFixed(1),
        cpuPercentOfOneCore: +(base.cores[0]! * 100).toFixed(1),
        probeP50: base.p50,
        probes: base.probes,
      },
      held: {
        serverRssMB: +mb(held.rssKb[0]!).toFixed(1),
        serverPeakMB: +mb(held.hwmKb[0]!).toFixed(1),
        simRssMB: +mb(held.rssKb[1]!).toFixed(1),
        simPeakMB: +mb(held.hwmKb[1]!).toFixed(1),
        serverCpuPercentOfOneCore: +(held.cores[0]! * 100).toFixed(1),
        simCpuPercentOfOneCore: +(held.cores[1]! * 100).toFixed(1),
        probeP50: held.p50,
        probes: held.probes,
      },
    });
    figures.push(
      {
        name: `RSS server + sim (${nodes} nodes, ${total} pods)`,
        value: rssTotalMb,
        unit: 'MB',
        baselineName: 'idle server alone',
        baseline: mb(base.rssKb[0]!),
        target: { op: '<=', value: 2.5 * 1024 },
      },
      {
        name: `steady CPU server + sim, cores (${cfg.idleWindowMs / 1000} s window)`,
        value: coresTotal,
        unit: 'x',
        baselineName: 'idle server alone',
        baseline: base.cores[0]!,
        target: { op: '<=', value: 0.3 },
      },
      {
        name: `API GET p99 at steady state (${cfg.scaleProbeRate}/s)`,
        value: held.p99,
        unit: 'ms',
        baselineName: 'idle server alone',
        baseline: base.p99,
      },
      { name: '  of which server RSS', value: mb(held.rssKb[0]!), unit: 'MB' },
      { name: '  of which sim RSS', value: mb(held.rssKb[1]!), unit: 'MB' },
      { name: '  of which server CPU, cores', value: held.cores[0]!, unit: 'x' },
      { name: '  of which sim CPU, cores', value: held.cores[1]!, unit: 'x' },
    );
  } finally {
    transport.close();
    await stopChild(sim);
    await server.stop();
  }
}

if (cfg.rollout) await rolloutCase();
if (cfg.scale) await scaleCase();
suite.note('figures', figures);
suite.finish();
