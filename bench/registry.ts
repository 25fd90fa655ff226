/**
 * Image repository beside Debian's docker-registry (CNCF distribution) in the same run, same disk, same clients: manifest GET by tag, push/pull of a 5-layer image, RSS while streaming a 1 GB blob.
 *
 * Both registries run as their own processes over plain HTTP on loopback with their data in one temp
 * dir: no TLS on either side, and both fsync a blob before acknowledging it (distribution syncs on
 * commit; checked with strace), so the comparison is like with like. Manifest GETs come from a keep-alive Node client (closed loop, --concurrency workers);
 * push and pull of the image use skopeo (oci: layout ↔ docker://, a fresh image and repository per
 * run so nothing is skipped as already present or mounted), alternating subject and baseline run by run; the 1 GB blob
 * is streamed up (POST + PUT ?digest=) and down (a whole GET, then a ranged GET of all but the first
 * 1000 bytes) by a Node client while the server's VmRSS is sampled.
 * Args: --quick --duration S (5) --concurrency N (16) --image-mb N (200) --runs N (6) --big-mb N (1024)
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  call,
  haveDistribution,
  imageBlobs,
  makeImage,
  pushBlob,
  pushManifest,
  skopeo,
  startBerthRegistry,
  startDistribution,
  writeOciLayout,
  type RegistryProcess,
} from '../test/e2e/registry-fixtures.ts';
import { createSuite, runLoad } from './harness.ts';
import { figuresTable, judge, type Figure } from './lib/figures.ts';

const { values: v } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    'image-mb': { type: 'string' },
    runs: { type: 'string' },
    'big-mb': { type: 'string' },
  },
});
const q = v.quick;
const num = (s: string | undefined, full: number, quick: number): number =>
  s === undefined ? (q ? quick : full) : Number(s);
const cfg = {
  durationMs: num(v.duration, 5, 1.5) * 1000,
  concurrency: Number(v.concurrency),
  imageMb: num(v['image-mb'], 200, 40),
  // Even, so each side goes first in half the runs: the first push of a run also contends with the
  // writeback of the 200 MB layout just written, and with 5 runs Berth went first 3 times to 2.
  runs: num(v.runs, 6, 1),
  bigMb: num(v['big-mb'], 1024, 256),
};
if (!haveDistribution())
  throw new Error('bench registry needs docker-registry (apt-get install docker-registry)');

const MB = 1024 * 1024;
const rssKb = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const figures: Figure[] = [];
const suite = createSuite('registry', {
  print: (text) =>
    process.stdout.write(`${text}\n\n== figures (target met: yes/NO)\n${figuresTable(figures)}\n`),
});
const os = await import('node:os');
suite.note('config', { quick: q, ...cfg, cpus: os.availableParallelism() });
// Other work on the machine moves every figure; the ratios are same-run, the load says how busy it was.
suite.note(
  'load average at start (1, 5, 15 min)',
  os.loadavg().map((x) => Number(x.toFixed(2))),
);

const work = mkdtempSync(join(tmpdir(), 'bench-registry-'));
let berth: RegistryProcess | undefined;
let dist: RegistryProcess | undefined;
try {
  berth = await startBerthRegistry(join(work, 'berth'), { plainHttp: true });
  dist = await startDistribution(join(work, 'dist'));
  const sides: [string, RegistryProcess][] = [
    ['berth', berth],
    ['distribution', dist],
  ];

  // --- manifest GET by tag ------------------------------------------------------------------
  const small = makeImage({ layers: 2, layerSize: 4096 });
  for (const [, reg] of sides) {
    for (const b of imageBlobs(small)) await pushBlob(reg.url, 'bench/app', b);
    const r = await pushManifest(reg.url, 'bench/app', 'latest', small.manifest);
    if (r.status !== 201) throw new Error(`manifest push to ${reg.url}: ${r.status} ${r.body.toString()}`);
  }
  // wrk (C) drives the GETs when installed, so on 2 cores the servers saturate before the client;
  // otherwise a keep-alive Node client does (and is likely the bottleneck: see the note).
  const manifestPath = '/v2/bench/app/manifests/latest';
  const useWrk = spawnSync('sh', ['-c', 'command -v wrk']).status === 0;
  suite.note('manifest GET client', useWrk ? `wrk -t1 -c${cfg.concurrency}` : 'node http keep-alive');
  const wrk = (reg: RegistryProcess, seconds: number): { rps: number; out: string } => {
    const r = spawnSync(
      'wrk',
      [
        '-t1',
        `-c${cfg.concurrency}`,
        `-d${seconds}s`,
        '-H',
        `Accept: ${small.manifest.mediaType}`,
        reg.url + manifestPath,
      ],
      { encoding: 'utf8' },
    );
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
    if (!/Non-2xx/.test(r.stdout) && Number.isFinite(rps)) return { rps, out: r.stdout };
    throw new Error(`wrk against ${reg.url} failed:\n${r.stdout}${r.stderr}`);
  };
  const getter = (reg: RegistryProcess) => {
    const agent = new Agent({ keepAlive: true, maxSockets: cfg.concurrency });
    const u = new URL(manifestPath, reg.url);
    return () =>
      new Promise<void>((resolve, reject) => {
        const req = request(u, { agent, headers: { Accept: small.manifest.mediaType } }, (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
        });
        req.on('error', reject);
        req.end();
      });
  };
  let berthRps: number;
  let distRps: number;
  if (useWrk) {
    const seconds = Math.max(1, Math.round(cfg.durationMs / 1000));
    wrk(berth, 1);
    wrk(dist, 1);
    const b: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < 2; i++) {
      b.push(wrk(berth, seconds).rps);
      d.push(wrk(dist, seconds).rps);
    }
    berthRps = Math.max(...b);
    distRps = Math.max(...d);
    suite.note('manifest GET by tag (wrk runs, req/s)', { berth: b, distribution: d });
  } else {
    const getBerth = getter(berth);
    const getDist = getter(dist);
    await runLoad({ concurrency: cfg.concurrency, durationMs: 1000, fn: getBerth }); // warm-up
    await runLoad({ concurrency: cfg.concurrency, durationMs: 1000, fn: getDist });
    const gets = await suite.load('manifest GET by tag', {
      concurrency: cfg.concurrency,
      durationMs: cfg.durationMs,
      fn: getBerth,
      baseline: getDist,
    });
    berthRps = gets.subject.throughput;
    distRps = gets.baseline?.throughput ?? NaN;
  }
  figures.push({
    name: 'manifest GET by tag',
    value: berthRps,
    unit: '/s',
    baselineName: 'docker-registry',
    baseline: distRps,
    target: { op: '>=', value: 5000 },
  });

  // --- push and pull of a 5-layer image with skopeo -----------------------------------------
  // A fresh image per run: skopeo's blob-info cache would otherwise turn later pushes into
  // cross-repository mounts of the first run's layers (no bytes moved).
  let imageBytes = 0;
  const times: Record<string, { push: number[]; pull: number[] }> = {
    berth: { push: [], pull: [] },
    distribution: { push: [], pull: [] },
  };
  for (let run = 0; run < cfg.runs; run++) {
    const img = makeImage({ layers: 5, layerSize: Math.round((cfg.imageMb * MB) / 5) });
    const layout = join(work, `image${run}`);
    writeOciLayout(layout, 'v1', img.manifest, imageBlobs(img));
    imageBytes = imageBlobs(img).reduce((n, b) => n + b.size, 0);
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const [label, reg] of order) {
      const repo = `bench/img${run}`;
      let t0 = performance.now();
      await skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${reg.host}/${repo}:v1`);
      times[label]!.push.push(performance.now() - t0);
      const out = join(work, `pull-${label}-${run}`);
      t0 = performance.now();
      await skopeo('copy', '--src-tls-verify=false', `docker://${reg.host}/${repo}:v1`, `oci:${out}:v1`);
      times[label]!.pull.push(performance.now() - t0);
      rmSync(out, { recursive: true, force: true });
    }
    rmSync(layout, { recursive: true, force: true });
  }
  suite.note('image', { layers: 5, bytes: imageBytes });
  const mbps = (ms: number): number => imageBytes / MB / (ms / 1000);
  for (const op of ['push', 'pull'] as const) {
    const b = mbps(median(times.berth![op]));
    const d = mbps(median(times.distribution![op]));
    figures.push({
      name: `${op} ${cfg.imageMb} MB 5-layer image (skopeo), MB/s`,
      value: b,
      unit: '/s',
      baselineName: 'docker-registry',
      baseline: d,
      target: { op: '>=', value: 1.0, on: 'ratio' },
    });
  }
  suite.note('push/pull ms per run', times);

  // --- RSS while streaming a large blob ------------------------------------------------------
  const chunk = randomBytes(MB);
  const hash = createHash('sha256');
  for (let i = 0; i < cfg.bigMb; i++) hash.update(chunk);
  const bigDigest = `sha256:${hash.digest('hex')}`;
  const rss: Record<
    string,
    { baseMb: number; pushPeakMb: number; pullPeakMb: number; pushMs: number; pullMs: number }
  > = {};
  for (const [label, reg] of sides) {
    const base = rssKb(reg.pid);
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(reg.pid))), 50);
    const start = await call(reg.url, 'POST', '/v2/bench/big/blobs/uploads/', {
      headers: { 'Content-Length': 0 },
    });
    const loc = new URL(start.headers.location as string, reg.url);
    loc.searchParams.set('digest', bigDigest);
    let t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const req = request(loc, {
        method: 'PUT',
        headers: { 'Content-Length': cfg.bigMb * MB, 'Content-Type': 'application/octet-stream' },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`${label} PUT ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < cfg.bigMb) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    const pushMs = performance.now() - t0;
    const pushPeak = peak;
    peak = rssKb(reg.pid);
    t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      request(new URL(`/v2/bench/big/blobs/${bigDigest}`, reg.url), (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`${label} GET ${res.statusCode}`)),
        );
      })
        .on('error', reject)
        .end();
    });
    const pullMs = performance.now() - t0;
    // A ranged pull (206) of most of the blob, as a resuming client asks: the same copy path.
    await new Promise<void>((resolve, reject) => {
      request(
        new URL(`/v2/bench/big/blobs/${bigDigest}`, reg.url),
        { headers: { Range: `bytes=1000-${cfg.bigMb * MB - 1}` } },
        (res) => {
          let got = 0;
          res.on('data', (c: Buffer) => (got += c.length));
          res.on('end', () =>
            res.statusCode === 206 && got === cfg.bigMb * MB - 1000
              ? resolve()
              : reject(new Error(`${label} ranged GET ${res.statusCode}, ${got} bytes`)),
          );
        },
      )
        .on('error', reject)
        .end();
    });
    clearInterval(sampler);
    rss[label] = {
      baseMb: base / 1024,
      pushPeakMb: pushPeak / 1024,
      pullPeakMb: Math.max(peak, rssKb(reg.pid)) / 1024,
      pushMs,
      pullMs,
    };
  }
  suite.note(`RSS streaming a ${cfg.bigMb} MB blob`, rss);
  const growth = (r: (typeof rss)[string]): number => Math.max(r.pushPeakMb, r.pullPeakMb) - r.baseMb;
  figures.push({
    name: `RSS growth streaming a ${cfg.bigMb} MB blob up and down`,
    value: growth(rss.berth!),
    unit: 'MB',
    baselineName: 'docker-registry',
    baseline: growth(rss.distribution!),
    target: { op: '<=', value: 50 },
  });
  figures.push({
    name: `${cfg.bigMb} MB blob upload, MB/s`,
    value: cfg.bigMb / (rss.berth!.pushMs / 1000),
    unit: '/s',
    baselineName: 'docker-registry',
    baseline: cfg.bigMb / (rss.distribution!.pushMs / 1000),
  });

  suite.note(
    'load average at end (1, 5, 15 min)',
    os.loadavg().map((x) => Number(x.toFixed(2))),
  );
  const file = suite.finish();
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  doc.figures = figures.map(judge);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    file,
    JSON.stringify(doc, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) +
      '\n',
  );
} finally {
  await berth?.stop();
  await dist?.stop();
  rmSync(work, { recursive: true, force: true });
}
