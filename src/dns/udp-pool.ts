/**
 * UDP threads for cluster DNS. Node answers datagrams on one thread, and on a busy host that
 * thread's per-datagram cost and scheduling delays set the latency tail. The pool starts N
 * worker_threads, each with its own UDP socket bound with SO_REUSEPORT to the server's address
 * (the main server's socket is bound the same way), so the kernel spreads queries over the sockets
 * by client address and port and each thread answers its share from its own index replica.
 *
 * The pool is the replicas' source of truth: every Service/EndpointSlice event the main index gets
 * goes through `apply`, which keeps the latest objects (for threads that start later) and posts
 * the event to every thread, in order. A thread that dies is logged; the kernel then spreads its
 * share over the sockets still bound.
 */
import { Worker } from 'node:worker_threads';
import type { DeepReadonly } from '../api/object.ts';
import type { ClientLogger } from '../client/logger.ts';
import type { Endpoint } from './exchange.ts';

/** One change to the cluster index, as posted to the threads. */
export type IndexEvent =
  | { op: 'upsertService' | 'deleteService'; obj: DeepReadonly<object> }
  | { op: 'upsertSlice' | 'deleteSlice'; obj: DeepReadonly<object> };

/** What a thread starts from (its workerData). */
export interface UdpThreadData {
  host: string;
  port: number;
  domain: string;
  ttl: number | undefined;
  udpSize: number | undefined;
  upstreams: Endpoint[];
  upstreamTimeoutMs: number | undefined;
  /** The index state when the thread was started: upserts of every known object. */
  snapshot: IndexEvent[];
}

/** Messages from a thread. */
export type ThreadReport =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'closed' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields: Record<string, unknown> };

export interface UdpThreadPoolOptions {
  threads: number;
  domain: string;
  ttl?: number;
  udpSize?: number;
  upstreams: Endpoint[];
  upstreamTimeoutMs?: number;
  logger: ClientLogger;
}

const THREAD_URL = new URL('./udp-thread.ts', import.meta.url);

type MetaObj = DeepReadonly<{ metadata?: { namespace?: string; name?: string } }>;
const keyOf = (o: DeepReadonly<object>): string => {
  const m = (o as MetaObj).metadata;
  return `${m?.namespace ?? ''}/${m?.name ?? ''}`;
};

/** Worker threads answering UDP beside the main DNS server. */
export class UdpThreadPool {
  readonly #o: UdpThreadPoolOptions;
  readonly #services = new Map<string, DeepReadonly<object>>();
  readonly #slices = new Map<string, DeepReadonly<object>>();
  readonly #workers = new Set<Worker>();

  constructor(o: UdpThreadPoolOptions) {
    this.#o = o;
  }

  /** Threads currently running. */
  get size(): number {
    return this.#workers.size;
  }

  /** Records one index event and posts it to every thread. */
  apply(ev: IndexEvent): void {
    const key = keyOf(ev.obj);
    if (ev.op === 'upsertService') this.#services.set(key, ev.obj);
    else if (ev.op === 'deleteService') this.#services.delete(key);
    else if (ev.op === 'upsertSlice') this.#slices.set(key, ev.obj);
    else this.#slices.delete(key);
    for (const w of this.#workers) w.postMessage(ev);
  }

  /** Starts the threads on `host:port` (a port already bound with SO_REUSEPORT); resolves when all listen. */
  async start(host: string, port: number): Promise<void> {
    const started = Array.from({ length: this.#o.threads }, () => this.#spawn(host, port));
    const results = await Promise.allSettled(started);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.close();
      throw (failed as PromiseRejectedResult).reason;
    }
  }

  #spawn(host: string, port: number): Promise<void> {
    const snapshot: IndexEvent[] = [
      ...[...this.#services.values()].map((obj) => ({ op: 'upsertService' as const, obj })),
      ...[...this.#slices.values()].map((obj) => ({ op: 'upsertSlice' as const, obj })),
    ];
    const data: UdpThreadData = {
      host,
      port,
      domain: this.#o.domain,
      ttl: this.#o.ttl,
      udpSize: this.#o.udpSize,
      upstreams: this.#o.upstreams,
      upstreamTimeoutMs: this.#o.upstreamTimeoutMs,
      snapshot,
    };
    const log = this.#o.logger;
    const w = new Worker(THREAD_URL, { workerData: data });
    // Events from now on reach it after the snapshot (one port, in order).
    this.#workers.add(w);
    return new Promise((resolve, reject) => {
      w.on('message', (r: ThreadReport) => {
        if (r.type === 'ready') resolve();
        else if (r.type === 'failed') reject(new Error(`DNS UDP thread: ${r.message}`));
        else if (r.type === 'log') log[r.level]({ thread: w.threadId, ...r.fields }, r.msg);
      });
      w.on('error', (err) => {
        log.error({ err, thread: w.threadId }, 'DNS UDP thread failed');
        reject(err);
      });
      w.on('exit', () => {
        this.#workers.delete(w);
        reject(new Error('DNS UDP thread exited before it listened'));
      });
    });
  }

  /** Stops every thread: each closes its socket and exits; one that does not within 2 s is terminated. */
  async close(): Promise<void> {
    const workers = [...this.#workers];
    await Promise.all(
      workers.map(async (w) => {
        const exited = new Promise<void>((r) => w.once('exit', () => r()));
        w.postMessage({ op: 'close' });
        const timer = setTimeout(() => void w.terminate(), 2_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.#workers.clear();
  }
}
