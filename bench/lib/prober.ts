/**
 * A low-rate API latency prober that runs until stopped, for "how does the API answer while the
 * cluster is busy" figures. The probe loop is open-loop (requests start on a fixed schedule and are
 * timed from their due time, as in paced.ts), and `startProber` runs it in a worker thread with its
 * own connection, so the benchmark's own watch handling never delays a probe and skews its latency.
 */
import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load.ts';
import { summarize } from './stats.ts';

/** What `probeUntil` drives. */
export interface ProbeLoopOptions {
  /** Probes started per second. */
  rate: number;
  /** One probe; throw to count an error. */
  fn: () => Promise<unknown>;
  /** Stop starting probes when this aborts; the loop then waits for the ones in flight. */
  signal: AbortSignal;
}

/**
 * Starts `fn` every 1/rate seconds until `signal` aborts and reports the latencies (from each
 * probe's due time) in the load drivers' result shape; `concurrency` is the most in flight at once.
 */
export async function probeUntil(opts: ProbeLoopOptions): Promise<LoadResult> {
  if (!(opts.rate > 0)) throw new Error('probeUntil: rate must be > 0');
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let issued = 0;
  const begin = performance.now();

  const launch = (due: number): void => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const p: Promise<void> = opts
      .fn()
      .then(
        () => {},
        (err: unknown) => {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        },
      )
      .finally(() => {
        inFlight--;
        latencies.push(performance.now() - due);
        pending.delete(p);
      });
    pending.add(p);
  };

  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) return resolve();
    let timer: NodeJS.Timeout | undefined;
    opts.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
    const tick = (): void => {
      const now = performance.now();
      while (begin + issued * interval <= now) {
        launch(begin + issued * interval);
        issued++;
      }
      timer = setTimeout(tick, Math.max(0, begin + issued * interval - performance.now()));
    };
    tick();
  });
  await Promise.all([...pending]);
  const elapsedMs = performance.now() - begin;
  const ok = latencies.length - errors;
  return {
    concurrency: maxInFlight,
    requests: latencies.length,
    errors,
    elapsedMs,
    throughput: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0,
    latency: summarize(latencies),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** A prober running in its worker; `stop` ends it and returns what it measured. */
export interface Prober {
  stop(): Promise<LoadResult>;
}

/** What the worker needs: whom to ask (a kubeconfig file), what to GET, and how often. */
export interface ProberConfig {
  kubeconfig: string;
  path: string;
  rate: number;
}

/** Starts a prober worker GETting `path` `rate` times a second; resolves once its first probe answered. */
export function startProber(config: ProberConfig): Promise<Prober> {
  const worker = new Worker(new URL('./prober-worker.ts', import.meta.url), { workerData: config });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`prober worker exited (${code})`)));
  });
  failed.catch(() => {});
  const message = (): Promise<unknown> =>
    Promise.race([new Promise((resolve) => worker.once('message', resolve)), failed]);
  return message().then(() => ({
    async stop() {
      const result = message();
      worker.postMessage('stop');
      const r = (await result) as LoadResult;
      await worker.terminate();
      return r;
    },
  }));
}
