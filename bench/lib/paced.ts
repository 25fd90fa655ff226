/**
 * An open-loop load driver: requests start on a fixed schedule (`rate` per second) whether or not
 * earlier ones have finished, and each latency is measured from the request's scheduled start. So a
 * stall shows up in the percentiles of every request it delayed, not just the one it hit — the
 * figure a client with a steady arrival rate sees (a closed loop would slow down and hide it).
 */
import { summarize } from './stats.ts';
import type { LoadResult } from './load.ts';

/** How much paced load to drive. */
export interface PacedOptions {
  /** Requests started per second. */
  rate: number;
  /** Schedule requests for this long; the run then waits for the ones in flight. */
  durationMs: number;
  /** One request; `seq` counts from 0. Throw to count an error. */
  fn: (seq: number) => Promise<unknown>;
}

/**
 * Drives `fn` at `rate` for `durationMs`. The result has the closed-loop driver's shape; its
 * `concurrency` is the most requests that were in flight at once.
 */
export async function runPaced(opts: PacedOptions): Promise<LoadResult> {
  if (!(opts.rate > 0) || !(opts.durationMs > 0))
    throw new Error('runPaced: rate and durationMs must be > 0');
  const interval = 1000 / opts.rate;
  const total = Math.max(1, Math.floor((opts.durationMs * opts.rate) / 1000));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let issued = 0;
  const pending: Promise<void>[] = [];
  const begin = performance.now();

  const launch = (seq: number, due: number): Promise<void> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return opts
      .fn(seq)
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
      });
  };

  // Each tick starts every request that is due by now; timers fire at ~1 ms granularity, so at high
  // rates a tick starts a few at once, each still timed from its own due time.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (issued < total && begin + issued * interval <= now) {
        pending.push(launch(issued, begin + issued * interval));
        issued++;
      }
      if (issued >= total) resolve();
      else setTimeout(tick, Math.max(0, begin + issued * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
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
