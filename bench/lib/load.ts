/**
 * A closed-loop load driver: N workers each issue one request at a time, back to back, until a time
 * budget or a request budget is spent. Closed-loop means throughput is what the target sustains at
 * that concurrency, and each latency sample is one request's own round trip.
 */
import { summarize, type Summary } from './stats.ts';

/** How much load to drive. At least one of durationMs and requests must be given; both = whichever ends first. */
export interface LoadOptions {
  /** Number of concurrent workers (each has one request in flight at a time). */
  concurrency: number;
  /** Stop starting new requests after this many milliseconds. */
  durationMs?: number;
  /** Stop after this many requests in total (across workers). */
  requests?: number;
  /** One request. `worker` is 0..concurrency-1, `seq` counts requests across all workers. Throw to count an error. */
  fn: (worker: number, seq: number) => Promise<unknown>;
  /** Also push every latency here (to summarize several runs together). */
  collect?: number[];
}

/** What a load run measured. Latencies are in milliseconds and include failed requests. */
export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  elapsedMs: number;
  /** Successful requests per second over the whole run. */
  throughput: number;
  latency: Summary;
  /** The first error's message, so a run full of failures says why. */
  firstError?: string;
}

/** Drives `fn` with `concurrency` workers and reports throughput and latency percentiles. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (!(opts.concurrency >= 1)) throw new Error('runLoad: concurrency must be >= 1');
  if (opts.durationMs === undefined && opts.requests === undefined) {
    throw new Error('runLoad: give durationMs, requests, or both');
  }
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const deadline = opts.durationMs === undefined ? Infinity : begin + opts.durationMs;
  const limit = opts.requests ?? Infinity;

  const worker = async (id: number): Promise<void> => {
    // `started` is claimed synchronously before the await, so the request budget is never overshot.
    while (started < limit && performance.now() < deadline) {
      const seq = started++;
      const t0 = performance.now();
      try {
        await opts.fn(id, seq);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      const ms = performance.now() - t0;
      latencies.push(ms);
      opts.collect?.push(ms);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, id) => worker(id)));
  const elapsedMs = performance.now() - begin;
  const ok = latencies.length - errors;
  return {
    concurrency: opts.concurrency,
    requests: latencies.length,
    errors,
    elapsedMs,
    throughput: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0,
    latency: summarize(latencies),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
