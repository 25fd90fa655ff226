/**
 * /metrics in Prometheus text format: requests by verb, resource and code, request latency, open
 * watches, and datastore latency per operation (through a Store wrapper that times every call).
 */
import client from 'prom-client';
import type { Store } from '../store/types.ts';
import { HotCounter, HotHistogram, type CounterChild, type HistogramChild } from './hot-metrics.ts';

export class ApiMetrics {
  readonly registry = new client.Registry();
  // Recorded on every request: the hot-path metric types (one plain record per label set).
  readonly requests = new HotCounter(
    'apiserver_request_total',
    'API requests by verb, resource and HTTP code.',
    ['verb', 'resource', 'code'],
    this.registry,
  );
  readonly latency = new HotHistogram(
    {
      name: 'apiserver_request_duration_seconds',
      help: 'API request latency by verb and resource (watches excluded).',
      labelNames: ['verb', 'resource'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    },
    this.registry,
  );
  readonly watchers = new client.Gauge({
    name: 'apiserver_registered_watchers',
    help: 'Open watch streams by resource.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly storeLatency = new HotHistogram(
    {
      name: 'berth_store_request_duration_seconds',
      help: 'Datastore call latency by operation.',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    },
    this.registry,
  );

  private readonly requestChildren = new Map<string, CounterChild>();
  private readonly latencyChildren = new Map<string, HistogramChild>();

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Records one finished request. Label children are looked up once per label set and kept, which
   * spares prom-client's label hashing on the hot path.
   */
  observeRequest(verb: string, resource: string, code: number, seconds: number | undefined): void {
    const rkey = `${verb}|${resource}|${code}`;
    let counter = this.requestChildren.get(rkey);
    if (!counter) {
      counter = this.requests.labels(verb, resource, String(code));
      this.requestChildren.set(rkey, counter);
    }
    counter.inc();
    if (seconds === undefined) return;
    const lkey = `${verb}|${resource}`;
    let histogram = this.latencyChildren.get(lkey);
    if (!histogram) {
      histogram = this.latency.labels(verb, resource);
      this.latencyChildren.set(lkey, histogram);
    }
    histogram.observe(seconds);
  }

  /** A Store that records the latency of every call. */
  instrument(store: Store): Store {
    // One label child per operation, looked up once.
    const children = new Map<string, HistogramChild>();
    const timed = <T>(op: string, p: Promise<T>): Promise<T> => {
      let child = children.get(op);
      if (!child) {
        child = this.storeLatency.labels(op);
        children.set(op, child);
      }
      const start = performance.now();
      const h = child;
      return p.then(
        (v) => {
          h.observe((performance.now() - start) / 1000);
          return v;
        },
        (err: unknown) => {
          h.observe((performance.now() - start) / 1000);
          throw err;
        },
      );
    };
    return {
      currentRevision: () => store.currentRevision(),
      compactedRevision: () => store.compactedRevision(),
      get: (k, r) => timed('get', store.get(k, r)),
      list: (p, o) => timed('list', store.list(p, o)),
      count: (p) => timed('count', store.count(p)),
      create: (k, v) => timed('create', store.create(k, v)),
      update: (k, v, r) => timed('update', store.update(k, v, r)),
      delete: (k, r) => timed('delete', store.delete(k, r)),
      watch: (p, r, hs) => store.watch(p, r, hs),
      compact: (r) => timed('compact', store.compact(r)),
      close: () => store.close(),
    };
  }
}
