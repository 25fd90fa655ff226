/**
 * The benchmark harness every file in bench/ uses. A benchmark file creates a suite, measures cases
 * with `bench` (repeated timed runs, each case optionally against a baseline measured in the same
 * process and interleaved with it) or with `load` (concurrent request driving), then calls `finish`,
 * which prints one table and writes bench/results/NAME-<timestamp>.json.
 *
 * Why baselines in the same run: absolute figures from a shared 2-core machine drift by tens of
 * percent between runs; a ratio against a baseline measured alternately with the subject does not.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadOptions, type LoadResult } from './lib/load.ts';
import { summarize, type Summary } from './lib/stats.ts';
import { formatDuration, formatRate, formatRatio, formatTable } from './lib/table.ts';

export { percentile, percentileSorted, summarize, type Summary } from './lib/stats.ts';
export { runLoad, type LoadOptions, type LoadResult } from './lib/load.ts';

/** One timed case. Each run calls `fn` `iterations` times; the sample is the mean time per call. */
export interface BenchOptions {
  /** Untimed runs first, to let the JIT and caches settle. Default 3. */
  warmup?: number;
  /** Timed runs (samples). */
  runs: number;
  /** Calls per run, for operations too fast to time one at a time. Default 1. */
  iterations?: number;
  fn: () => unknown;
  /** The same work done the simple or known way; timed alternately with `fn` in the same runs. */
  baseline?: () => unknown;
}

/** Figures for one side of a case, per call, in milliseconds. */
export interface Timing {
  ms: Summary;
  opsPerSec: number;
}

/** What `bench` measured. `ratio` = subject median / baseline median (above 1 = slower than baseline). */
export interface BenchResult {
  name: string;
  runs: number;
  iterations: number;
  subject: Timing;
  baseline?: Timing;
  ratio?: number;
}

/** A load case: the subject and, optionally, a baseline target driven with the same shape of load. */
export interface LoadCase extends LoadOptions {
  baseline?: LoadOptions['fn'];
  /**
   * With a baseline and durationMs: split the time into this many rounds, subject and baseline
   * alternating, so a swing in the machine's speed lands on both; the ratio is then the median of
   * the rounds' ratios.
   */
  rounds?: number;
}

/** What `load` measured. `ratio` = subject throughput / baseline throughput (below 1 = fewer requests served). */
export interface LoadCaseResult {
  name: string;
  subject: LoadResult;
  baseline?: LoadResult;
  ratio?: number;
  /** Each round's subject/baseline throughput ratio (alternating rounds only). */
  roundRatios?: number[];
}

async function timeRun(fn: () => unknown, iterations: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - t0) / iterations;
}

function timing(samples: number[]): Timing {
  const ms = summarize(samples);
  return { ms, opsPerSec: ms.p50 > 0 ? 1000 / ms.p50 : Infinity };
}

/**
 * Times `fn` over `runs` runs after `warmup` untimed ones; with a baseline, runs alternate
 * subject/baseline (which goes first flips each run) so drift and GC land on both sides alike.
 */
export async function bench(name: string, opts: BenchOptions): Promise<BenchResult> {
  const iterations = opts.iterations ?? 1;
  const warmup = opts.warmup ?? 3;
  if (!(opts.runs >= 1) || !(iterations >= 1))
    throw new Error(`bench ${name}: runs and iterations must be >= 1`);
  for (let i = 0; i < warmup; i++) {
    await timeRun(opts.fn, iterations);
    if (opts.baseline) await timeRun(opts.baseline, iterations);
  }
  const subject: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    if (opts.baseline && i % 2 === 1) base.push(await timeRun(opts.baseline, iterations));
    subject.push(await timeRun(opts.fn, iterations));
    if (opts.baseline && i % 2 === 0) base.push(await timeRun(opts.baseline, iterations));
  }
  const result: BenchResult = { name, runs: opts.runs, iterations, subject: timing(subject) };
  if (opts.baseline) {
    result.baseline = timing(base);
    result.ratio = result.subject.ms.p50 / result.baseline.ms.p50;
  }
  return result;
}

/** Drives load at the subject, then (if given) the same load at the baseline, and compares throughput. */
export async function load(name: string, opts: LoadCase): Promise<LoadCaseResult> {
  const { baseline, rounds, ...shape } = opts;
  if (baseline && rounds && rounds > 1 && shape.durationMs !== undefined)
    return alternating(name, shape, baseline, rounds);
  const result: LoadCaseResult = { name, subject: await runLoad(shape) };
  if (baseline) {
    result.baseline = await runLoad({ ...shape, fn: baseline });
    result.ratio = result.subject.throughput / result.baseline.throughput;
  }
  return result;
}

/** `load` in alternating rounds: subject, baseline, subject, … each durationMs / rounds long. */
async function alternating(
  name: string,
  shape: LoadOptions,
  baseline: LoadOptions['fn'],
  rounds: number,
): Promise<LoadCaseResult> {
  const durationMs = shape.durationMs! / rounds;
  const seen = { subject: [] as number[], baseline: [] as number[] };
  const runs = { subject: [] as LoadResult[], baseline: [] as LoadResult[] };
  for (let r = 0; r < rounds; r++) {
    runs.subject.push(await runLoad({ ...shape, durationMs, collect: seen.subject }));
    runs.baseline.push(await runLoad({ ...shape, durationMs, fn: baseline, collect: seen.baseline }));
  }
  const merge = (parts: LoadResult[], latencies: number[]): LoadResult => {
    const requests = parts.reduce((a, p) => a + p.requests, 0);
    const errors = parts.reduce((a, p) => a + p.errors, 0);
    const elapsedMs = parts.reduce((a, p) => a + p.elapsedMs, 0);
    const firstError = parts.find((p) => p.firstError !== undefined)?.firstError;
    return {
      concurrency: shape.concurrency,
      requests,
      errors,
      elapsedMs,
      throughput: elapsedMs > 0 ? ((requests - errors) * 1000) / elapsedMs : 0,
      latency: summarize(latencies),
      ...(firstError === undefined ? {} : { firstError }),
    };
  };
  const roundRatios = runs.subject.map((s, i) => s.throughput / runs.baseline[i]!.throughput);
  const sorted = [...roundRatios].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return {
    name,
    subject: merge(runs.subject, seen.subject),
    baseline: merge(runs.baseline, seen.baseline),
    ratio: sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    roundRatios,
  };
}

/** Where result files go: bench/results, or $BENCH_RESULTS_DIR (tests point it at a temp dir). */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL('./results/', import.meta.url));
}

/** Renders timed cases as a table: per-call median, p10/p90 spread, extremes, rate, baseline and ratio. */
export function benchTable(results: readonly BenchResult[]): string {
  return formatTable(
    ['case', 'median', 'p10', 'p90', 'min', 'max', 'ops/s', 'baseline', 'ratio'],
    results.map((r) => [
      r.name,
      formatDuration(r.subject.ms.p50),
      formatDuration(r.subject.ms.p10),
      formatDuration(r.subject.ms.p90),
      formatDuration(r.subject.ms.min),
      formatDuration(r.subject.ms.max),
      formatRate(r.subject.opsPerSec),
      r.baseline ? formatDuration(r.baseline.ms.p50) : '-',
      formatRatio(r.ratio),
    ]),
  );
}

/** Renders load cases as a table: throughput, latency percentiles, errors, baseline throughput and ratio. */
export function loadTable(results: readonly LoadCaseResult[]): string {
  return formatTable(
    ['case', 'conc', 'requests', 'errors', 'req/s', 'p50', 'p90', 'p99', 'baseline req/s', 'ratio'],
    results.map((r) => [
      r.name,
      String(r.subject.concurrency),
      String(r.subject.requests),
      String(r.subject.errors),
      formatRate(r.subject.throughput),
      formatDuration(r.subject.latency.p50),
      formatDuration(r.subject.latency.p90),
      formatDuration(r.subject.latency.p99),
      r.baseline ? formatRate(r.baseline.throughput) : '-',
      formatRatio(r.ratio),
    ]),
  );
}

/** A named set of cases that ends in one printed report and one JSON file. */
export interface Suite {
  readonly name: string;
  bench(name: string, opts: BenchOptions): Promise<BenchResult>;
  load(name: string, opts: LoadCase): Promise<LoadCaseResult>;
  /** Records a figure or fact worth keeping with the results (sizes, versions, settings). */
  note(key: string, value: unknown): void;
  /** Prints the tables and writes the JSON file; returns the file's path. */
  finish(): string;
}

/** Starts a suite; `name` becomes the result file's prefix, so keep it to [a-z0-9-]. */
export function createSuite(name: string, opts: { print?: (text: string) => void } = {}): Suite {
  const print = opts.print ?? ((text: string) => process.stdout.write(text + '\n'));
  const benches: BenchResult[] = [];
  const loads: LoadCaseResult[] = [];
  const notes: Record<string, unknown> = {};
  const startedAt = new Date();
  return {
    name,
    async bench(caseName, o) {
      const r = await bench(caseName, o);
      benches.push(r);
      return r;
    },
    async load(caseName, o) {
      const r = await load(caseName, o);
      loads.push(r);
      if (r.subject.firstError)
        print(`  ${caseName}: ${r.subject.errors} errors, first: ${r.subject.firstError}`);
      return r;
    },
    note(key, value) {
      notes[key] = value;
    },
    finish() {
      const parts = [`\n== ${name} (node ${process.version}, ${startedAt.toISOString()})`];
      if (benches.length) parts.push(benchTable(benches));
      if (loads.length) parts.push(loadTable(loads));
      for (const [k, v] of Object.entries(notes))
        parts.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      const dir = resultsDir();
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
      const doc = {
        name,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        node: process.version,
        platform: `${process.platform}/${process.arch}`,
        argv: process.argv.slice(2),
        notes,
        benches,
        loads,
      };
      // JSON has no NaN/Infinity: write them as null rather than failing the whole report.
      writeFileSync(
        file,
        JSON.stringify(
          doc,
          (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
          2,
        ) + '\n',
      );
      parts.push(`results: ${file}`);
      print(parts.join('\n\n'));
      return file;
    },
  };
}
