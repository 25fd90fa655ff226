/**
 * GET load from wrk (Debian package wrk, a C load generator), for latency figures the 2-core
 * machine can resolve: at ~7,000 requests/s a Node client's own event-loop and GC stalls put ~11 ms
 * into the p99 of even a bare Node server, more than the 5 ms being measured. wrk measures each
 * request from its write to the end of its response. With `delayMs`, every connection waits that
 * long after a response before its next request, so the rate is about
 * connections / (delayMs + latency): a paced load, but closed-loop — a server stall delays only the
 * requests in flight, not ones that would have been sent meanwhile (see bench/lib/paced.ts for
 * the open-loop driver).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one wrk run saw. Latencies in ms. */
export interface WrkResult {
  requests: number;
  seconds: number;
  /** Completed requests per second. */
  rate: number;
  /** Socket errors (connect, read, write, timeout) plus responses other than 2xx/3xx. */
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One wrk run's shape. */
export interface WrkOptions {
  /** https://host:port of the server. */
  base: string;
  path: string;
  /** Request headers (authorization, accept). */
  headers: Record<string, string>;
  connections: number;
  threads?: number;
  seconds: number;
  /** Pause after each response before the connection's next request (whole ms; 0: none). */
  delayMs?: number;
}

/** Whether wrk is installed. */
export function wrkAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0;
}

/** Runs wrk once and parses the line its script's done() prints. */
export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-wrk-'));
  try {
    const headers = Object.entries(opts.headers)
      .map(([k, v]) => `[${JSON.stringify(k)}]=${JSON.stringify(v)}`)
      .join(', ');
    const script = join(dir, 'get.lua');
    writeFileSync(
      script,
      // wrk.format fills in Host only once wrk knows the target: in init, not at load.
      `local req
init = function(args) req = wrk.format("GET", ${JSON.stringify(opts.path)}, {${headers}}) end
request = function() return req end
${opts.delayMs ? `delay = function() return ${Math.round(opts.delayMs)} end` : ''}
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format("WRK_RESULT %d %f %d %f %f %f %f %f\\n", s.requests, s.duration / 1e6,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
`,
    );
    const args = [
      `-t${opts.threads ?? 1}`,
      `-c${opts.connections}`,
      `-d${opts.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      `${opts.base}/`,
    ];
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`)),
      );
    });
    const m = /WRK_RESULT (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)/.exec(out);
    if (!m) throw new Error(`wrk printed no result:\n${out}`);
    const [requests, seconds, errors, p50, p90, p99, p999, max] = m.slice(1).map(Number) as number[];
    return {
      requests: requests!,
      seconds: seconds!,
      rate: requests! / seconds!,
      errors: errors!,
      p50: p50!,
      p90: p90!,
      p99: p99!,
      p999: p999!,
      max: max!,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Paces wrk near `rate` requests/s: each connection pauses `delayMs` after a response, and the
 * number of connections comes from a short calibration run (the rate it reached, scaled). The
 * result's `rate` is what the measured run reached — report it beside the target.
 */
export async function runWrkAtRate(
  opts: Omit<WrkOptions, 'connections' | 'delayMs'> & {
    rate: number;
    delayMs?: number;
    maxConnections?: number;
  },
): Promise<WrkResult & { connections: number; delayMs: number }> {
  const delayMs = opts.delayMs ?? 8;
  const max = opts.maxConnections ?? 256;
  const clamp = (c: number): number => Math.max(1, Math.min(max, Math.round(c)));
  // A first guess from the pause alone, then one calibration run to account for the latency.
  let connections = clamp((opts.rate * delayMs) / 1000);
  const probe = await runWrk({ ...opts, connections, delayMs, seconds: Math.min(2, opts.seconds) });
  if (probe.rate > 0) connections = clamp((connections * opts.rate) / probe.rate);
  const run = await runWrk({ ...opts, connections, delayMs });
  return { ...run, connections, delayMs };
}
