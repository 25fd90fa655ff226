/**
 * Counters and histograms for the request path, exposed through a prom-client Registry. prom-client
 * hashes and validates the label set on every inc()/observe(), even through a `labels()` child;
 * these keep one plain record per label set instead, looked up once, so recording a request is a
 * few additions. The text /metrics prints is the same as prom-client's for its own types.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

/** One sample line, as prom-client's Registry formats it. */
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What a Registry asks a metric for when it renders /metrics. */
interface Snapshot {
  name: string;
  help: string;
  type: string;
  values: Sample[];
  aggregator: string;
}

/** One label set's counts. */
interface HistogramSeries {
  labels: Labels;
  /** Per bucket (not cumulative); the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/** What a caller holds for one label set: recording is a bucket search and three additions. */
export interface HistogramChild {
  observe(value: number): void;
}

export interface CounterChild {
  inc(by?: number): void;
}

abstract class HotMetric<Child> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly aggregator = 'sum' as const;
  protected readonly children = new Map<string, Child>();

  constructor(name: string, help: string, labelNames: readonly string[], registry: Registry) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    registry.registerMetric(this as never);
  }

  /** The child for these label values (in labelNames order), made on first use. */
  labels(...values: string[]): Child {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      const labels: Labels = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      child = this.makeChild(labels);
      this.children.set(key, child);
    }
    return child;
  }

  protected abstract makeChild(labels: Labels): Child;
  abstract reset(): void;
}

/** A histogram with fixed upper bounds (seconds, for latencies). */
export class HotHistogram extends HotMetric<HistogramChild> {
  readonly type = 'histogram' as const;
  private readonly buckets: readonly number[];
  private readonly series: HistogramSeries[] = [];

  constructor(
    o: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[] },
    registry: Registry,
  ) {
    super(o.name, o.help, o.labelNames, registry);
    this.buckets = [...o.buckets].sort((a, b) => a - b);
  }

  protected makeChild(labels: Labels): HistogramChild {
    const s: HistogramSeries = {
      labels,
      counts: new Array<number>(this.buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    };
    this.series.push(s);
    const bounds = this.buckets;
    return {
      observe(value: number): void {
        if (!Number.isFinite(value)) return;
        let i = 0;
        while (i < bounds.length && value > bounds[i]) i++;
        s.counts[i]++;
        s.sum += value;
        s.count++;
      },
    };
  }

  async get(): Promise<Snapshot> {
    const values: Sample[] = [];
    for (const s of this.series) {
      // As prom-client: a label set appears once observed (again, after a reset).
      if (s.count === 0) continue;
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i];
        values.push({
          labels: { le, ...s.labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', ...s.labels },
        value: s.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    for (const s of this.series) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}

/** A monotonic counter. */
export class HotCounter extends HotMetric<CounterChild> {
  readonly type = 'counter' as const;
  private readonly series: { labels: Labels; value: number }[] = [];

  protected makeChild(labels: Labels): CounterChild {
    const s = { labels, value: 0 };
    this.series.push(s);
    return {
      inc(by = 1): void {
        s.value += by;
      },
    };
  }

  async get(): Promise<Snapshot> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.series.filter((s) => s.value !== 0).map((s) => ({ labels: s.labels, value: s.value })),
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    for (const s of this.series) s.value = 0;
  }
}
