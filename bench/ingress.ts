/**
 * Ingress throughput: requests/s through the nginx configuration Berth's controller generates vs a hand-written minimal nginx proxy config to the same backends, same run.
 *
 * A real `berth server`, the ingress controller in this process, and two backends (one nginx
 * process with two `return 200` servers, so the backends are never the bottleneck). The subject is
 * an Ingress routed through the generated configuration (X-Forwarded headers, keepalive upstream,
 * access log as shipped); the baseline is the smallest reasonable proxy config (upstream with
 * keepalive, proxy_pass, no log) in a second nginx with the same worker count. wrk drives both,
 * in adjacent pairs (which goes first flips each pair); the ratio is the median of the per-pair
 * ratios, so load from elsewhere on the machine lands on both sides of a pair. Target: ratio ≥ 0.9.
 * Args: --seconds S (3) --runs N (8) --connections N (32) --workers N (1) --no-access-log
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '../src/client/client.ts';
import { httpTransport } from '../src/client/http.ts';
import { loadKubeconfig } from '../src/client/kubeconfig.ts';
import { silentLogger } from '../src/client/logger.ts';
import { IngressController } from '../src/ingress/controller.ts';
import { findNginx } from '../src/ingress/nginx.ts';
import { freePort, startServer } from '../test/helpers/server.ts';
import { createSuite, type Suite } from './harness.ts';
import { figuresTable, type Figure } from './lib/figures.ts';

/** How the ingress benchmark runs (the command-line flags, as numbers). */
export interface IngressBenchOptions {
  seconds: number;
  runs: number;
  connections: number;
  workers: number;
  accessLog: boolean;
}

/** The option flags of `runIngressBench`, for parseArgs. */
export const ingressArgs = {
  seconds: { type: 'string', default: '3' },
  runs: { type: 'string', default: '8' },
  connections: { type: 'string', default: '32' },
  workers: { type: 'string', default: '1' },
  'no-access-log': { type: 'boolean', default: false },
} as const;

/** IngressBenchOptions from parsed `ingressArgs` values. */
export function ingressOptions(v: {
  seconds: string;
  runs: string;
  connections: string;
  workers: string;
  'no-access-log': boolean;
}): IngressBenchOptions {
  return {
    seconds: Number(v.seconds),
    runs: Number(v.runs),
    connections: Number(v.connections),
    workers: Number(v.workers),
    accessLog: !v['no-access-log'],
  };
}

/** Why the ingress benchmark cannot run here (wrk or nginx missing), or undefined. */
export function ingressSkip(): string | undefined {
  for (const tool of ['wrk', findNginx()])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (apt-get install wrk nginx)`;
  return undefined;
}

/**
 * A hand-written nginx config (`http` is the body of its http block) run in its own prefix under
 * `work`, optionally inside network namespace `netns`; resolves once the process has stayed up
 * briefly. The child is pushed onto `children` for the caller to stop (SIGQUIT).
 */
export async function nginxWith(
  work: string,
  name: string,
  http: string,
  children: ChildProcess[],
  opts: { workers?: number; netns?: string } = {},
): Promise<void> {
  const dir = join(work, name);
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `${t}_temp_path ${dir}/tmp/${t};`)
    .join(' ');
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;\n${user}worker_processes ${opts.workers ?? 1};\npid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\n` +
      `events { worker_connections 4096; }\nhttp { access_log off; ${temps}\n${http}\n}\n`,
  );
  const argv = [findNginx(), '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'];
  const [cmd, ...args] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
  const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error(`${name} nginx exited`);
}

/**
 * Runs the ingress comparison and returns its figure (generated config vs hand-written, ratio =
 * median of per-pair ratios); notes go to `suite`. Starts and stops its own `berth server`.
 */
export async function runIngressBench(suite: Pick<Suite, 'note'>, o: IngressBenchOptions): Promise<Figure[]> {
  const { seconds, runs, connections: conns, workers } = o;
  const figures: Figure[] = [];
  suite.note('config', {
    seconds,
    runs,
    connections: conns,
    nginxWorkers: workers,
    accessLog: o.accessLog,
  });
  const work = mkdtempSync(join(tmpdir(), 'bench-ingress-'));
  const children: ChildProcess[] = [];
  const nginx = (name: string, http: string): Promise<void> =>
    nginxWith(work, name, http, children, { workers });
  /** One wrk run: requests/s (non-2xx counted as errors). */
  function wrk(port: number, host: string): { rps: number; errors: number; p50: string; p99: string } {
    const r = spawnSync(
      'wrk',
      ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', '-H', `Host: ${host}`, `http://127.0.0.1:${port}/`],
      { encoding: 'utf8' },
    );
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0),
      errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? 0),
      p50: /50%\s+(\S+)/.exec(r.stdout)?.[1] ?? '?',
      p99: /99%\s+(\S+)/.exec(r.stdout)?.[1] ?? '?',
    };
  }

  const server = await startServer();
  let controller: IngressController | undefined;
  try {
    // Backends: two ports answering a short body.
    const [b1, b2] = [await freePort(), await freePort()];
    await nginx(
      'backends',
      [b1, b2]
        .map(
          (p) =>
            `server { listen 127.0.0.1:${p}; keepalive_requests 100000; location / { return 200 "ok ${p}\\n"; } }`,
        )
        .join('\n'),
    );

    // Baseline: the minimal proxy a person would write by hand.
    const basePort = await freePort();
    await nginx(
      'baseline',
      `upstream backends { server 127.0.0.1:${b1}; server 127.0.0.1:${b2}; keepalive 64; }\n` +
        `server { listen 127.0.0.1:${basePort}; location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
    );

    // Subject: Berth's controller and its generated configuration.
    const transport = httpTransport(await loadKubeconfig(server.kubeconfig));
    const client = new Client(transport);
    await client.resource('', 'v1', 'services').create('default', {
      metadata: { name: 'bench' },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    await client.resource('discovery.k8s.io', 'v1', 'endpointslices').create('default', {
      metadata: {
        name: 'bench-1',
        labels: { 'kubernetes.io/service-name': 'bench', 'endpointslice.kubernetes.io/managed-by': 'bench' },
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: b1 }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    });
    await client.resource('discovery.k8s.io', 'v1', 'endpointslices').create('default', {
      metadata: {
        name: 'bench-2',
        labels: { 'kubernetes.io/service-name': 'bench', 'endpointslice.kubernetes.io/managed-by': 'bench' },
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: b2 }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    });
    await client.resource('networking.k8s.io', 'v1', 'ingresses').create('default', {
      metadata: { name: 'bench' },
      spec: {
        rules: [
          {
            host: 'bench.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'bench', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    const httpPort = await freePort();
    controller = new IngressController({
      client,
      dataDir: join(work, 'berth'),
      httpListen: `127.0.0.1:${httpPort}`,
      httpsListen: `127.0.0.1:${await freePort()}`,
      workerProcesses: workers,
      accessLog: o.accessLog,
      logger: silentLogger,
    });
    await controller.start();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const probe = spawnSync(
        'curl',
        ['-s', '-H', 'Host: bench.example.com', `http://127.0.0.1:${httpPort}/`],
        { encoding: 'utf8' },
      );
      if (probe.stdout.startsWith('ok ')) break;
      await controller.sync();
      await new Promise((r) => setTimeout(r, 100));
    }

    // Warm both, then alternate (which goes first flips each run).
    wrk(httpPort, 'bench.example.com');
    wrk(basePort, 'bench.example.com');
    const subject: ReturnType<typeof wrk>[] = [];
    const baseline: ReturnType<typeof wrk>[] = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 1) baseline.push(wrk(basePort, 'bench.example.com'));
      subject.push(wrk(httpPort, 'bench.example.com'));
      if (i % 2 === 0) baseline.push(wrk(basePort, 'bench.example.com'));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const s = median(subject.map((r) => r.rps));
    const b = median(baseline.map((r) => r.rps));
    const pairRatio = median(subject.map((r, i) => r.rps / baseline[i]!.rps));
    suite.note('runs (req/s)', {
      berth: subject.map((r) => Math.round(r.rps)),
      handWritten: baseline.map((r) => Math.round(r.rps)),
      errors: subject.reduce((n, r) => n + r.errors, 0) + baseline.reduce((n, r) => n + r.errors, 0),
      latency: {
        berth: `${subject[0]!.p50} p50, ${subject[0]!.p99} p99`,
        handWritten: `${baseline[0]!.p50} p50, ${baseline[0]!.p99} p99`,
      },
    });
    figures.push({
      name: `req/s via generated config (wrk ${conns} conns, ${runs} pairs; ratio: median per pair)`,
      value: s,
      unit: '/s',
      baselineName: 'hand-written minimal proxy config',
      baseline: b,
      ratio: pairRatio,
      target: { op: '>=', value: 0.9, on: 'ratio' },
    });
    transport.close();
  } finally {
    await controller?.stop();
    for (const c of children) c.kill('SIGQUIT');
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const why = ingressSkip();
  if (why) {
    process.stderr.write(`ingress bench: ${why}\n`);
    process.exit(2);
  }
  const { values } = parseArgs({ options: ingressArgs });
  const figures: Figure[] = [];
  const suite = createSuite('ingress', {
    print: (text) =>
      process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
  });
  figures.push(...(await runIngressBench(suite, ingressOptions(values))));
  suite.finish();
}
