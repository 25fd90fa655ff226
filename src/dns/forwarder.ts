/**
 * Resolution of names outside the cluster through the host's resolvers. Each question goes to the
 * upstreams in turn (rotating the starting one per question), each try bounded by a timeout, for a
 * fixed number of rounds; a truncated UDP reply is asked again over TCP; SERVFAIL and REFUSED
 * move on to the next upstream. Answers are cached (see cache.ts) and identical questions in
 * flight at the same time share one upstream query.
 */
import { DnsCache, type DnsCacheOptions } from './cache.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import { tcpExchange, UdpExchange, type Endpoint } from './exchange.ts';
import { query, Rcode, type Message, type Question } from './message.ts';

export interface ForwarderOptions {
  upstreams: Endpoint[];
  /** Per-try timeout in ms (default 2000). */
  timeoutMs?: number;
  /** Rounds over all upstreams before giving up (default 2). */
  rounds?: number;
  cache?: DnsCacheOptions;
}

/** Every upstream failed or timed out; the server answers SERVFAIL. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
}

/** Counters for logs and metrics. */
export interface ForwarderStats {
  queries: number;
  cacheHits: number;
  upstreamQueries: number;
  failures: number;
}

/** A caching forwarder to a list of upstream resolvers. */
export class Forwarder {
  readonly upstreams: readonly Endpoint[];
  readonly cache: DnsCache;
  private readonly timeoutMs: number;
  private readonly rounds: number;
  private readonly udp = new UdpExchange();
  private readonly inflight = new Map<string, Promise<Message>>();
  private next = 0;
  readonly stats: ForwarderStats = { queries: 0, cacheHits: 0, upstreamQueries: 0, failures: 0 };

  constructor(opts: ForwarderOptions) {
    if (opts.upstreams.length === 0) throw new Error('forwarder: no upstream resolvers');
    this.upstreams = opts.upstreams;
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.rounds = opts.rounds ?? 2;
    this.cache = new DnsCache(opts.cache);
  }

  /**
   * The upstream answer to `q` (id 0; the caller sets its own), from the cache when fresh. Rejects
   * with UpstreamError when no upstream gave a usable answer.
   */
  resolve(q: Question): Promise<Message> {
    this.stats.queries++;
    const key = DnsCache.key(q.name, q.type, q.class);
    const cached = this.cache.get(key);
    if (cached) {
      this.stats.cacheHits++;
      return Promise.resolve(cached);
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask(q).then(
        (msg) => {
          this.inflight.delete(key);
          this.cache.put(key, msg);
          return msg;
        },
        (err: unknown) => {
          this.inflight.delete(key);
          this.stats.failures++;
          throw err;
        },
      );
      this.inflight.set(key, p);
    }
    return p;
  }

  private async ask(q: Question): Promise<Message> {
    const wire = encodeMessage(query(0, q.name, q.type, { udpSize: 1232 }));
    const n = this.upstreams.length;
    const start = this.next++ % n;
    let last: Message | undefined;
    let lastErr: unknown;
    for (let i = 0; i < n * this.rounds; i++) {
      const to = this.upstreams[(start + i) % n]!;
      try {
        this.stats.upstreamQueries++;
        let reply = this.check(await this.udp.exchange(wire, to, this.timeoutMs), q);
        if (reply.flags.tc) reply = this.check(await tcpExchange(wire, to, this.timeoutMs), q);
        if (reply.rcode === Rcode.SERVFAIL || reply.rcode === Rcode.REFUSED) {
          last = reply;
          continue;
        }
        return { ...reply, id: 0 };
      } catch (err) {
        lastErr = err;
      }
    }
    if (last) return { ...last, id: 0 };
    throw new UpstreamError(
      `no upstream answered ${q.name}: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`,
    );
  }

  /** Decodes a reply and checks it answers `q` (a reply to something else is an error). */
  private check(buf: Buffer, q: Question): Message {
    const m = decodeMessage(buf);
    const rq = m.questions[0];
    if (!m.flags.qr || !rq || rq.type !== q.type || rq.name.toLowerCase() !== q.name.toLowerCase())
      throw new Error(`upstream reply does not answer ${q.name}`);
    return m;
  }

  close(): void {
    this.udp.close();
  }
}
