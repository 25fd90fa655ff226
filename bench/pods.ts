/**
 * Pod startup on one real node: a `berth server` and one `berth agent` (its own containerd, inside
 * a `berth machine` network namespace so its CNI bridge is private), busybox already imported.
 * Sequential: N pods (default 20) one after another, create → Ready seen on a watch, p50/p90/p99,
 * beside the same-run bare CRI cost (RunPodSandbox + CreateContainer + StartContainer against the
 * same containerd, interleaved pod by pod, then removed). Burst: 30 pods at once, p50/p99 create →
 * Ready, beside the same 30 bare CRI starts with 8 in flight (the sync loop's workers). Agent RSS (VmRSS of the agent process only; containerd and shims excluded) idle with no
 * pods and with the 30 pods running. `--pods N --burst M` change the case; `--quick` runs 8 and 30.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../src/api/object.ts';
import { Client } from '../src/client/client.ts';
import { httpTransport } from '../src/client/http.ts';
import { loadKubeconfig } from '../src/client/kubeconfig.ts';
import { removeCgroup, runtimePreflightMessage } from '../src/node/containerd/index.ts';
import { CriClient } from '../src/node/cri/index.ts';
import { BUSYBOX_REF } from '../src/node/images/local-images.ts';
import type { Pod } from '../src/node/pods/types.ts';
import { berthBin, freePort, repoRoot, startServer } from '../test/helpers/server.ts';
import { createSuite, percentile } from './harness.ts';
import { figuresTable, type Figure } from './lib/figures.ts';
import { berthNode, processInfo } from './lib/proc.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = args.includes('--quick');
const seqCount = flag('pods', quick ? 8 : 20);
const burstCount = flag('burst', 30);
const ns = 'bench';

const preflight = process.getuid?.() !== 0 ? 'needs root' : runtimePreflightMessage();
if (preflight) {
  process.stderr.write(`bench pods: ${preflight}\n`);
  process.exit(2);
}

/** Runs the berth CLI to completion; throws with its output unless it exits 0. */
function berth(argv: string[], timeoutMs = 180_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(berthBin, argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`berth ${argv.slice(0, 3).join(' ')} exited ${code}:\n${out}`));
    });
  });
}

/**
 * Loads the agent's modules once with bin/berth's compile cache, so an agent that runs from the
 * sources (no fresh bundle: `npm run build:agent`) starts as an installed berth would: from compiled
 * modules, without the TypeScript stripper (~20 MB of its RSS otherwise). The bundle needs no warming.
 */
function warmCompileCache(): Promise<void> {
  const child = spawn(
    berthNode(),
    [
      '--no-warnings',
      // bin/berth runs `agent` with this flag, and the compile cache is keyed on V8 flags.
      '--max-semi-space-size=1',
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(join(repoRoot, 'src/cli/agent.ts'))})`,
    ],
    {
      env: {
        ...process.env,
        NODE_COMPILE_CACHE:
          process.env.NODE_COMPILE_CACHE ?? join(repoRoot, 'node_modules', '.cache', 'berth-compile'),
      },
      stdio: 'inherit',
    },
  );
  return new Promise((resolve) => child.on('close', () => resolve()));
}

/** User + system CPU time of a process so far, in seconds (/proc/PID/stat, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const isReady = (p: Pod): boolean =>
  (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const figures: Figure[] = [];
const suite = createSuite('pods', {
  print: (text) =>
    process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
});
const tag = randomBytes(2).toString('hex');
const octet = 100 + (randomBytes(1)[0]! % 100);
const machine = `bench${tag}`;
const dir = mkdtempSync('/tmp/bench-pods-');
const common = ['--data-dir', dir, '--bridge', `bpb${tag}`, '--subnet', `172.30.${octet}.0/24`];
const clusterCidr = `10.${200 + (randomBytes(1)[0]! % 50)}.0.0/16`;
const bareCgroup = `/berth-bench-bare-${tag}`;
suite.note('config', {
  sequentialPods: seqCount,
  burstPods: burstCount,
  cpus: (await import('node:os')).availableParallelism(),
});

const server = await startServer({
  args: ['--listen', `0.0.0.0:${await freePort()}`, '--cluster-cidr', clusterCidr],
});
const kc = await loadKubeconfig(server.kubeconfig);
const transport = httpTransport(kc, { maxSockets: Infinity, timeoutMs: 60_000 });
const client = new Client(transport);
const podsApi = client.resource<Pod>('', 'v1', 'pods');
let cri: CriClient | undefined;
let machineCreated = false;
try {
  const token = (await berth(['token', 'create', '--kubeconfig', server.kubeconfig, '--ttl', '1h'])).trim();
  const joinArgs = token.split('\n')[1]!.split(' ').slice(2); // --server … --token … --ca-cert-hash …
  await warmCompileCache();
  const t0 = performance.now();
  machineCreated = true;
  await berth(['machine', 'create', machine, ...common, ...joinArgs, '--cluster-cidr', clusterCidr]);
  suite.note('node up', { seconds: (performance.now() - t0) / 1000 });
  const info = JSON.parse(await berth(['machine', 'list', ...common, '-o', 'json'])) as Array<{
    name: string;
    pid?: number;
  }>;
  const agentPid = info.find((m) => m.name === machine)?.pid;
  if (!agentPid || !processInfo(agentPid).exe.includes('node'))
    throw new Error(`cannot find the agent process of machine ${machine}`);
  // bin/berth runs the agent's bundle when it is fresh (npm run build:agent), else the sources.
  const agentArgv = readFileSync(`/proc/${agentPid}/cmdline`, 'utf8').split('\0');
  const entry = agentArgv.findIndex((a) => /\/(dist\/agent\/main\.js|src\/cli\/main\.ts)$/.test(a));
  suite.note('agent entry', {
    bundle: agentArgv[entry]?.endsWith('/dist/agent/main.js') ?? false,
    nodeFlags: agentArgv.slice(1, Math.max(entry, 1)),
  });
  cri = new CriClient({
    endpoint: join(dir, 'machines', machine, 'agent', 'containerd', 'containerd.sock'),
    requestTimeoutMs: 60_000,
  });
  await client.resource('', 'v1', 'namespaces').create(undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  for (let i = 0; ; i++) {
    const sa = await client
      .resource('', 'v1', 'serviceaccounts')
      .get(ns, 'default')
      .catch(() => undefined);
    if (sa) break;
    if (i > 100) throw new Error('no default service account in the bench namespace');
    await sleep(200);
  }

  // Idle: the agent with its Node registered and no pods, after it settled.
  await sleep(10_000);
  const idleRss = processInfo(agentPid).rssKb / 1024;

  // One watch sees every pod turn Ready.
  const list = await podsApi.list(ns);
  const watch = await podsApi.watch(ns, { resourceVersion: list.metadata.resourceVersion });
  const waiting = new Map<string, (at: number) => void>();
  const watching = (async () => {
    for await (const ev of watch) {
      const name = ev.object.metadata.name!;
      if (ev.type !== 'DELETED' && isReady(ev.object as Pod)) {
        waiting.get(name)?.(performance.now());
        waiting.delete(name);
      }
    }
  })();
  const podObj = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: 'bench' } },
    spec: {
      nodeName: machine,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: 'busybox:1.35', command: ['sleep', '3600'] }],
    },
  });
  /** Creates pod `name` and resolves with create → Ready in ms. */
  async function startPod(name: string, timeoutMs = 120_000): Promise<number> {
    const ready = new Promise<number>((resolve, reject) => {
      waiting.set(name, resolve);
      setTimeout(() => reject(new Error(`pod ${name} not Ready in ${timeoutMs} ms`)), timeoutMs).unref();
    });
    const start = performance.now();
    await podsApi.create(ns, podObj(name));
    return (await ready) - start;
  }
  async function deleteAllPods(): Promise<void> {
    await client.call({ method: 'DELETE', path: `/api/v1/namespaces/${ns}/pods` });
    for (let i = 0; (await podsApi.list(ns)).items.length > 0; i++) {
      if (i > 600) throw new Error('pods not gone after 2 minutes');
      await sleep(200);
    }
  }

  // The bare CRI calls one pod costs, against the same containerd.
  const logRoot = join(dir, 'bare-logs');
  async function bareCri(i: number, keep = false): Promise<number> {
    const sandboxConfig = {
      metadata: { name: `bare-${i}`, uid: `bare-${tag}-${i}`, namespace: 'bench-bare' },
      hostname: `bare-${i}`,
      log_directory: join(logRoot, String(i)),
      linux: { cgroup_parent: `${bareCgroup}/pod-${i}` },
    };
    mkdirSync(sandboxConfig.log_directory, { recursive: true });
    const t = performance.now();
    const sandbox = await cri!.runPodSandbox(sandboxConfig);
    const id = await cri!.createContainer(
      sandbox,
      {
        metadata: { name: 'c' },
        image: { image: BUSYBOX_REF },
        command: ['sleep', '3600'],
        log_path: 'c/0.log',
      },
      sandboxConfig,
    );
    await cri!.startContainer(id);
    const ms = performance.now() - t;
    if (!keep) await removeSandbox(sandbox);
    return ms;
  }
  async function removeSandbox(id: string): Promise<void> {
    await cri!.stopPodSandbox(id);
    await cri!.removePodSandbox(id);
  }
  /** Bare CRI starts of `n` pods at once, `inFlight` at a time (the sync loop's worker count). */
  async function bareBurst(n: number, inFlight = 8): Promise<number[]> {
    const t0 = performance.now();
    const out: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < n) {
          const i = 1000 + next++;
          await bareCri(i, true);
          out.push(performance.now() - t0);
        }
      }),
    );
    for (const s of await cri!.listPodSandbox())
      if (s.metadata?.namespace === 'bench-bare') await removeSandbox(s.id);
    return out;
  }

  // Sequential, interleaved with the bare CRI calls so both see the same machine.
  const seq: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < seqCount; i++) {
    bare.push(await bareCri(i));
    seq.push(await startPod(`seq-${i}`));
  }
  await deleteAllPods();

  // Burst: every pod created at once, after the same burst of bare CRI calls.
  const bareBurstMs = await bareBurst(burstCount);
  const burstStart = performance.now();
  const cpuBefore = cpuSeconds(agentPid);
  const burst = await Promise.all(Array.from({ length: burstCount }, (_, i) => startPod(`burst-${i}`)));
  const burstSeconds = (performance.now() - burstStart) / 1000;
  const burstCpu = cpuSeconds(agentPid) - cpuBefore;
  await sleep(10_000);
  const loadedRss = processInfo(agentPid).rssKb / 1024;
  const hwm = processInfo(agentPid).hwmKb / 1024;
  await deleteAllPods();
  watch.close();
  await watching.catch(() => {});

  for (const xs of [seq, bare, burst, bareBurstMs]) xs.sort((a, b) => a - b);
  suite.note('sequential create→Ready ms', seq.map(Math.round));
  suite.note('bare CRI ms', bare.map(Math.round));
  suite.note('burst create→Ready ms', burst.map(Math.round));
  suite.note('burst all Ready in s', burstSeconds);
  suite.note('bare CRI burst ms (8 in flight)', bareBurstMs.map(Math.round));
  suite.note('agent VmHWM MB', hwm);
  suite.note('agent CPU seconds for the burst', burstCpu);
  const p = (xs: number[], q: number) => percentile(xs, q);
  figures.push(
    {
      name: `sequential pod startup p50 (${seqCount} pods)`,
      value: p(seq, 50),
      unit: 'ms',
      baselineName: 'bare CRI p50',
      baseline: p(bare, 50),
      target: { op: '<=', value: 500 },
    },
    { name: 'sequential pod startup p90', value: p(seq, 90), unit: 'ms', baseline: p(bare, 90) },
    { name: 'sequential pod startup p99', value: p(seq, 99), unit: 'ms', baseline: p(bare, 99) },
    {
      name: `burst of ${burstCount} pods, startup p50`,
      value: p(burst, 50),
      unit: 'ms',
      baselineName: 'bare CRI burst',
      baseline: p(bareBurstMs, 50),
    },
    {
      name: `burst of ${burstCount} pods, startup p99`,
      value: p(burst, 99),
      unit: 'ms',
      baseline: p(bareBurstMs, 99),
      target: { op: '<=', value: 5000 },
    },
    { name: 'agent RSS idle, no pods', value: idleRss, unit: 'MB', target: { op: '<=', value: 60 } },
    {
      name: `agent RSS with ${burstCount} pods`,
      value: loadedRss,
      unit: 'MB',
      target: { op: '<=', value: 120 },
    },
  );
  suite.note('figures', figures);
  suite.finish();
} finally {
  cri?.close();
  if (machineCreated)
    await berth(['machine', 'delete', machine, ...common]).catch((err: Error) => {
      process.stderr.write(`${err.message}\n`);
    });
  removeCgroup(bareCgroup);
  transport.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
