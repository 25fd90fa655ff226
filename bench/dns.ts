/**
 * Cluster DNS: queries/s and p99 latency for cluster names on loopback, against dnsmasq serving the same records in the same run.
 *
 * A real `berth server` gets N ClusterIP Services; `berth dns` (its own process) watches them;
 * dnsmasq (its own process, --no-resolv --addn-hosts) serves the same names and addresses from a
 * hosts file. The load generator is dnsperf when installed (Debian package `dnsperf`; one thread,
 * a fixed number of queries outstanding, the N names in turn): first unpaced, alternating
 * subject/baseline per run, for throughput; then paced at the target rate, with latency
 * for p99, timed by a probe of our own sending one query at a time. Without dnsperf, a closed-loop UDP client of our own (src/dns/exchange.ts) drives
 * both sides instead and the note says so.
 * Args: --quick --services N (1000) --duration S (5) --runs N (3) --outstanding N (50)
 *   --rate Q (20000, the paced run) --clients N (8 dnsperf sockets, both sides)
 *   --udp-threads N (berth dns --udp-threads; default its own)
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { httpsClient, type HttpsClient } from '../test/helpers/https.ts';
import { berthBin, freePort, repoRoot, startServer, type TestServer } from '../test/helpers/server.ts';
import { decodeMessage, encodeMessage } from '../src/dns/codec.ts';
import { UdpExchange } from '../src/dns/exchange.ts';
import { query, RRType } from '../src/dns/message.ts';
import { createSuite, percentile, runLoad, type Suite } from './harness.ts';
import { figuresTable, judge, type Figure } from './lib/figures.ts';
import { cpuMs, processInfo } from './lib/proc.ts';
import { childCpuMs } from './proxy.ts';

/** How the DNS benchmark runs. */
export interface DnsBenchOptions {
  quick: boolean;
  services: number;
  durationS: number;
  runs: number;
  outstanding: number;
  /** The paced run's rate, q/s. */
  rate: number;
  /** dnsperf client sockets (-c): queries come from this many source ports, as from many pods. */
  clients: number;
  /** `berth dns --udp-threads` (undefined: its default). */
  udpThreads: number | undefined;
}

/** The option flags of `runDnsBench`, for parseArgs. */
export const dnsArgs = {
  quick: { type: 'boolean', default: false },
  services: { type: 'string' },
  duration: { type: 'string' },
  runs: { type: 'string' },
  outstanding: { type: 'string', default: '50' },
  rate: { type: 'string', default: '20000' },
  clients: { type: 'string', default: '8' },
  'udp-threads': { type: 'string' },
} as const;

/** DnsBenchOptions from parsed `dnsArgs` values (--quick picks smaller defaults). */
export function dnsOptions(v: {
  quick: boolean;
  services?: string;
  duration?: string;
  runs?: string;
  outstanding: string;
  rate: string;
  clients: string;
  'udp-threads'?: string;
}): DnsBenchOptions {
  const num = (s: string | undefined, full: number, quick: number): number =>
    s === undefined ? (v.quick ? quick : full) : Number(s);
  return {
    quick: v.quick,
    services: num(v.services, 1000, 200),
    durationS: num(v.duration, 5, 2),
    runs: num(v.runs, 3, 1),
    outstanding: Number(v.outstanding),
    rate: Number(v.rate),
    clients: Number(v.clients),
    udpThreads: v['udp-threads'] === undefined ? undefined : Number(v['udp-threads']),
  };
}

const has = (cmd: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Starts a child and resolves once a stdout/stderr line matches `ready`. */
function startChild(
  children: ChildProcess[],
  cmd: string,
  args: string[],
  ready: RegExp,
  what: string,
): Promise<ChildProcess> {
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${log}`)), 30_000);
    const onLine = (line: string): void => {
      log += line + '\n';
      if (ready.test(line)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}):\n${log}`)));
  });
}

interface PerfRun {
  qps: number;
  lost: number;
  noerror: number;
  completed: number;
  latenciesMs: number[];
}

/** One dnsperf run against 127.0.0.1:port; `-Q rate` paces it, `verbose` collects each latency. */
function dnsperf(
  port: number,
  file: string,
  opts: { seconds: number; outstanding: number; clients: number; rate?: number; verbose?: boolean },
): Promise<PerfRun> {
  const args = [
    '-s',
    '127.0.0.1',
    '-p',
    String(port),
    '-d',
    file,
    '-l',
    String(opts.seconds),
    '-q',
    String(opts.outstanding),
    '-t',
    '2',
    '-c',
    String(opts.clients),
  ];
  if (opts.rate) args.push('-Q', String(opts.rate));
  if (opts.verbose) args.push('-v');
  return new Promise((resolve, reject) =>
    execFile('dnsperf', args, { maxBuffer: 1 << 30 }, (err, stdout) => {
      if (err) return reject(err);
      const field = (re: RegExp): number => Number(re.exec(stdout)?.[1] ?? NaN);
      const latenciesMs: number[] = [];
      if (opts.verbose)
        for (const m of stdout.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)) latenciesMs.push(Number(m[1]) * 1000);
      resolve({
        qps: field(/Queries per second:\s+([\d.]+)/),
        lost: field(/Queries lost:\s+(\d+)/),
        completed: field(/Queries completed:\s+(\d+)/),
        noerror: field(/NOERROR (\d+)/),
        latenciesMs,
      });
    }),
  );
}

/** Fallback load: our own closed-loop UDP client, `outstanding` workers. */
async function ownClient(
  port: number,
  names: string[],
  seconds: number,
  outstanding: number,
): Promise<PerfRun> {
  const ex = new UdpExchange();
  try {
    const wires = names.map((n) => encodeMessage(query(0, n, RRType.A)));
    const r = await runLoad({
      concurrency: outstanding,
      durationMs: seconds * 1000,
      fn: async (_w, seq) => {
        const res = decodeMessage(
          await ex.exchange(wires[seq % wires.length]!, { host: '127.0.0.1', port }, 2000),
        );
        if (res.rcode !== 0 || res.answers.length !== 1) throw new Error(`bad answer rcode ${res.rcode}`);
      },
    });
    return {
      qps: r.throughput,
      lost: r.errors,
      completed: r.requests - r.errors,
      noerror: r.requests - r.errors,
      latenciesMs: [r.latency.p99],
    };
  } finally {
    ex.close();
  }
}

const median = (xs: number[]): number => percentile(xs, 50);

/** Times one query at a time (about 1,000 a second) for `ms`; the latencies in ms. */
async function probeLatency(port: number, names: string[], ms: number): Promise<number[]> {
  const ex = new UdpExchange();
  const out: number[] = [];
  const end = performance.now() + ms;
  try {
    for (let i = 0; performance.now() < end; i++) {
      const wire = encodeMessage(query(0, names[i % names.length]!, RRType.A));
      const t0 = performance.now();
      try {
        await ex.exchange(wire, { host: '127.0.0.1', port }, 1000);
        out.push(performance.now() - t0);
      } catch {
        out.push(1000);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    ex.close();
  }
  return out;
}

/**
 * Runs the DNS comparison (berth dns vs dnsmasq on the same records) and returns its figures;
 * notes go to `suite`. Starts and stops its own `berth server`, `berth dns` and dnsmasq.
 */
export async function runDnsBench(suite: Pick<Suite, 'note'>, cfg: DnsBenchOptions): Promise<Figure[]> {
  const haveDnsperf = has('dnsperf');
  const dnsmasqBin = has('dnsmasq') ? 'dnsmasq' : has('/usr/sbin/dnsmasq') ? '/usr/sbin/dnsmasq' : undefined;
  const figures: Figure[] = [];
  suite.note('config', {
    ...cfg,
    loadGenerator: haveDnsperf ? 'dnsperf' : 'own UDP client',
    cpus: (await import('node:os')).availableParallelism(),
  });
  const work = mkdtempSync(join(tmpdir(), 'bench-dns-'));
  const children: ChildProcess[] = [];
  let server: TestServer | undefined;
  let api: HttpsClient | undefined;
  try {
    server = await startServer();
    api = httpsClient(server.connection, 32);
    const JSON_CT = { 'content-type': 'application/json' };
    const ns = await api.request('POST', '/api/v1/namespaces', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }),
      headers: JSON_CT,
    });
    if (ns.status !== 201) throw new Error(`create namespace: ${ns.status} ${ns.body}`);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < cfg.services) {
          const i = next++;
          const body = JSON.stringify({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: `svc-${i}` },
            spec: { ports: [{ name: 'http', port: 80 }] },
          });
          const res = await api!.request('POST', '/api/v1/namespaces/bench/services', {
            body,
            headers: JSON_CT,
          });
          if (res.status !== 201) throw new Error(`create svc-${i}: ${res.status} ${res.body.slice(0, 200)}`);
        }
      }),
    );
    suite.note('services created', { count: cfg.services, ms: Math.round(performance.now() - t0) });
    const list = JSON.parse((await api.request('GET', '/api/v1/namespaces/bench/services')).body) as {
      items: { metadata: { name: string }; spec: { clusterIP: string } }[];
    };
    const records = list.items.map((s) => ({
      name: `${s.metadata.name}.bench.svc.cluster.local`,
      ip: s.spec.clusterIP,
    }));
    if (records.length !== cfg.services)
      throw new Error(`listed ${records.length} services, want ${cfg.services}`);
    const queriesFile = join(work, 'queries.txt');
    writeFileSync(queriesFile, records.map((r) => `${r.name} A\n`).join(''));
    const hostsFile = join(work, 'hosts');
    writeFileSync(hostsFile, records.map((r) => `${r.ip} ${r.name}\n`).join(''));

    // berth dns: nothing upstream is queried in this benchmark; port 9 (discard) stands in.
    const dnsPort = await freePort();
    const dns = await startChild(
      children,
      berthBin,
      [
        'dns',
        '--kubeconfig',
        server.kubeconfig,
        '--listen',
        `127.0.0.1:${dnsPort}`,
        '--upstream',
        '127.0.0.1:9',
        '--service-ip',
        'none',
        '--log-level',
        'warn',
        ...(cfg.udpThreads === undefined ? [] : ['--udp-threads', String(cfg.udpThreads)]),
      ],
      /berth dns listening/,
      'berth dns',
    );
    const dnsPid = dns.pid!;
    // Every Service must be in its index before the clock starts.
    const probe = new UdpExchange();
    const last = records[records.length - 1]!;
    for (let i = 0; ; i++) {
      const res = decodeMessage(
        await probe.exchange(
          encodeMessage(query(0, last.name, RRType.A)),
          { host: '127.0.0.1', port: dnsPort },
          1000,
        ),
      );
      if (res.answers.length === 1) break;
      if (i > 100) throw new Error(`berth dns never answered ${last.name}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    probe.close();

    let maskPort: number | undefined;
    if (dnsmasqBin) {
      maskPort = await freePort();
      await startChild(
        children,
        dnsmasqBin,
        [
          '--no-daemon',
          '--no-resolv',
          '--no-hosts',
          `--addn-hosts=${hostsFile}`,
          `--port=${maskPort}`,
          '--listen-address=127.0.0.1',
          '--bind-interfaces',
          '--local-ttl=5',
          '--pid-file=',
          '--user=root',
        ],
        /read .* names/,
        'dnsmasq',
      );
    }

    const drive = (
      port: number,
      o: { seconds: number; rate?: number; verbose?: boolean },
    ): Promise<PerfRun> =>
      haveDnsperf
        ? dnsperf(port, queriesFile, {
            ...o,
            clients: cfg.clients,
            outstanding: o.rate ? Math.max(cfg.outstanding, 200) : cfg.outstanding,
          })
        : ownClient(
            port,
            records.map((r) => r.name),
            o.seconds,
            cfg.outstanding,
          );

    // Warm both (JIT, caches), unrecorded.
    await drive(dnsPort, { seconds: 1 });
    if (maskPort) await drive(maskPort, { seconds: 1 });

    const berthRuns: PerfRun[] = [];
    const maskRuns: PerfRun[] = [];
    let cpu = 0;
    let wall = 0;
    // The load generator's own CPU (dnsperf is a reaped child): near 100% of a core means it, not
    // the server, set the pace.
    let genCpu = 0;
    for (let r = 0; r < cfg.runs; r++) {
      const subject = async (): Promise<void> => {
        const c0 = cpuMs(dnsPid);
        const g0 = childCpuMs();
        const w0 = performance.now();
        berthRuns.push(await drive(dnsPort, { seconds: cfg.durationS }));
        cpu += cpuMs(dnsPid) - c0;
        genCpu += childCpuMs() - g0;
        wall += performance.now() - w0;
      };
      const baseline = async (): Promise<void> => {
        if (maskPort) maskRuns.push(await drive(maskPort, { seconds: cfg.durationS }));
      };
      if (r % 2 === 0) {
        await subject();
        await baseline();
      } else {
        await baseline();
        await subject();
      }
    }
    for (const run of berthRuns)
      if (run.completed > 0 && run.noerror !== run.completed)
        throw new Error(`berth dns answered ${run.completed - run.noerror} queries with an error`);
    suite.note('throughput runs (q/s)', {
      berth: berthRuns.map((r) => Math.round(r.qps)),
      dnsmasq: maskRuns.map((r) => Math.round(r.qps)),
      lost: { berth: berthRuns.map((r) => r.lost), dnsmasq: maskRuns.map((r) => r.lost) },
      berthCpuPct: Math.round((100 * cpu) / wall),
      ...(haveDnsperf ? { dnsperfCpuPctDuringBerthRuns: Math.round((100 * genCpu) / wall) } : {}),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    });
    figures.push({
      name: `cluster A queries/s, ${cfg.services} services, ${cfg.outstanding} outstanding`,
      value: median(berthRuns.map((r) => r.qps)),
      unit: '/s',
      ...(maskRuns.length
        ? { baselineName: 'dnsmasq, same records (hosts file)', baseline: median(maskRuns.map((r) => r.qps)) }
        : {}),
      target: { op: '>=', value: 20_000 },
    });

    // Latency at the target rate: dnsperf paced at it (no -v: printing every query slows dnsperf
    // itself more than the servers), while a probe of our own times one query at a time.
    if (haveDnsperf) {
      const pacedRun = async (port: number): Promise<{ run: PerfRun; probe: number[] }> => {
        const load = drive(port, { seconds: cfg.durationS, rate: cfg.rate });
        const probe = await probeLatency(
          port,
          records.map((r) => r.name),
          cfg.durationS * 1000 - 500,
        );
        return { run: await load, probe };
      };
      const paced = await pacedRun(dnsPort);
      const pacedMask = maskPort ? await pacedRun(maskPort) : undefined;
      const facts = (p: { run: PerfRun; probe: number[] }): Record<string, number> => ({
        qps: Math.round(p.run.qps),
        lost: p.run.lost,
        probes: p.probe.length,
        p50ms: percentile(p.probe, 50),
        p99ms: percentile(p.probe, 99),
        maxMs: Math.max(...p.probe),
      });
      suite.note('paced run', {
        rate: cfg.rate,
        berth: facts(paced),
        ...(pacedMask ? { dnsmasq: facts(pacedMask) } : {}),
      });
      figures.push({
        name: `p99 latency under ${cfg.rate} q/s paced load (achieved ${Math.round(paced.run.qps)}/s)`,
        value: percentile(paced.probe, 99),
        unit: 'ms',
        ...(pacedMask
          ? { baselineName: 'dnsmasq, same load', baseline: percentile(pacedMask.probe, 99) }
          : {}),
        target: { op: '<=', value: 5 },
      });
    } else {
      figures.push({
        name: `p99 latency, closed loop, ${cfg.outstanding} outstanding (own client)`,
        value: median(berthRuns.map((r) => r.latenciesMs[0]!)),
        unit: 'ms',
        ...(maskRuns.length
          ? { baselineName: 'dnsmasq, same load', baseline: median(maskRuns.map((r) => r.latenciesMs[0]!)) }
          : {}),
        target: { op: '<=', value: 5 },
      });
    }
    const info = processInfo(dnsPid);
    figures.push({
      name: `berth dns RSS with ${cfg.services} services`,
      value: info.rssKb / 1024,
      unit: 'MB',
    });
    if (!dnsmasqBin)
      suite.note('baseline', 'dnsmasq not installed (apt-get install dnsmasq-base): no same-run ratio');
  } catch (err) {
    if (server) process.stderr.write(`bench dns: server log (tail):\n${server.logs().slice(-3000)}\n`);
    throw err;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    api?.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

/** Adds the judged figures to a suite's result file (after `finish` wrote it). */
export function addFiguresToResult(file: string, figures: readonly Figure[]): void {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  doc.figures = figures.map(judge);
  writeFileSync(
    file,
    JSON.stringify(doc, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) +
      '\n',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: dnsArgs });
  const figures: Figure[] = [];
  const suite = createSuite('dns', {
    print: (text) =>
      process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
  });
  try {
    figures.push(...(await runDnsBench(suite, dnsOptions(values))));
    addFiguresToResult(suite.finish(), figures);
  } catch (err) {
    process.stderr.write(
      `bench dns failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  }
}
