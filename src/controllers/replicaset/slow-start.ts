/**
 * Slow start: run `count` calls of `fn` in batches of 1, 2, 4, ... (doubling from `initialBatch`),
 * each batch in parallel, stopping after the first batch with a failure. A systematic failure
 * (quota exceeded, bad template) then costs one call instead of `count`, while healthy creates
 * still get close to full parallelism.
 */

/** Outcome: how many calls succeeded, and the first error (if a batch failed). */
export interface SlowStartResult {
  successes: number;
  error?: unknown;
}

/** Calls `fn(i)` for i in 0..count-1 in doubling batches; see the file comment. */
export async function slowStartBatch(
  count: number,
  initialBatch: number,
  fn: (i: number) => Promise<void>,
): Promise<SlowStartResult> {
  let successes = 0;
  let next = 0;
  let batch = Math.min(count, Math.max(1, initialBatch));
  while (batch > 0) {
    const start = next;
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, j) => fn(start + j)));
    next += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    batch = Math.min(2 * batch, count - next);
  }
  return { successes };
}
