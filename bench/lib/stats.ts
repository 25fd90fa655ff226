/**
 * Order statistics over timing samples. Benchmarks report medians and percentiles rather than means
 * because timing distributions are skewed: one GC pause must not move the headline figure.
 */

/** What a set of samples looks like: count, extremes, mean and the percentiles benchmarks report. */
export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p10: number;
  p50: number;
  p90: number;
  p99: number;
}

/**
 * The p-th percentile (0..100) of samples that are already sorted ascending, interpolating linearly
 * between the two nearest ranks so small sample sets still give stable, monotone answers.
 * Returns NaN for an empty set.
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[sorted.length - 1]!;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const lower = sorted[lo]!;
  return lower + (sorted[hi]! - lower) * (rank - lo);
}

/** The p-th percentile (0..100) of unsorted samples; the input is not modified. */
export function percentile(samples: readonly number[], p: number): number {
  return percentileSorted(
    [...samples].sort((a, b) => a - b),
    p,
  );
}

/** Summarizes samples (any order); every field is NaN when there are none. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0]! : Number.NaN,
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? total / sorted.length : Number.NaN,
    p10: percentileSorted(sorted, 10),
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
  };
}
