/**
 * Same-run baselines for the API server on etcd: etcd's own `etcdctl check perf` verdict, and raw
 * creates of unique keys through the project's own etcd store (gRPC, one Txn per key), so a Berth
 * create rate can be read as a fraction of what the datastore alone sustains from Node.
 */
import { spawn } from 'node:child_process';
import { openEtcdStore, type EtcdStore } from '../../src/store/etcd.ts';

/** What `etcdctl check perf` printed at the end. etcd 3.4 reports no percentiles, only the slowest and the spread. */
export interface CheckPerf {
  /** The tool's overall verdict (last line PASS or FAIL). */
  pass: boolean;
  /** Writes per second achieved; the tool paces writes, so this is at most the load's limit. */
  writesPerSec?: number;
  slowestMs?: number;
  stddevMs?: number;
  /** The PASS/FAIL lines as printed. */
  lines: string[];
}

/** Parses the summary lines of `etcdctl check perf`; progress-bar noise before them is ignored. */
export function parseCheckPerf(output: string): CheckPerf {
  const lines = output
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => /^(PASS|FAIL)\b/.test(l));
  const num = (re: RegExp): number | undefined => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  const seconds = (re: RegExp): number | undefined => {
    const s = num(re);
    return s === undefined ? undefined : s * 1000;
  };
  const writesPerSec = num(/Throughput is ([\d.]+) writes\/s/);
  const slowestMs = seconds(/Slowest request took ([\d.]+)s/);
  const stddevMs = seconds(/Stddev is ([\d.]+)s/);
  return {
    pass: lines.length > 0 && lines.at(-1) === 'PASS',
    ...(writesPerSec === undefined ? {} : { writesPerSec }),
    ...(slowestMs === undefined ? {} : { slowestMs }),
    ...(stddevMs === undefined ? {} : { stddevMs }),
    lines,
  };
}

/**
 * Runs `ETCDCTL_API=3 etcdctl --endpoints=URL check perf --load=LOAD` (about 60 s in etcd 3.4) and
 * parses its summary; rejects with the tool's output when it exits non-zero without a summary.
 */
export function runCheckPerf(
  endpoint: string,
  load = 's',
  etcdctl = 'etcdctl',
): Promise<CheckPerf & { elapsedMs: number }> {
  const t0 = performance.now();
  const child = spawn(etcdctl, [`--endpoints=${endpoint}`, 'check', 'perf', `--load=${load}`], {
    env: { ...process.env, ETCDCTL_API: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const r = parseCheckPerf(out);
      if (r.lines.length === 0)
        reject(new Error(`etcdctl check perf exited ${code} without a summary:\n${out.slice(-2000)}`));
      else resolve({ ...r, elapsedMs: performance.now() - t0 });
    });
  });
}

/** Raw etcd creates of unique keys under their own prefix, through src/store/etcd.ts. */
export interface EtcdPutBaseline {
  /** Creates `/bench-raw/NAME` with `value` (one gRPC Txn, create_revision == 0 guard). */
  create(name: string, value: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens an etcd store on `endpoint` with a prefix of its own, so its keys never meet the API server's. */
export async function openEtcdPutBaseline(endpoint: string): Promise<EtcdPutBaseline> {
  const store: EtcdStore = await openEtcdStore({ endpoints: [endpoint], prefix: '/bench-raw' });
  return {
    create: (name, value) => store.create(`/${name}`, value),
    close: () => store.close(),
  };
}
