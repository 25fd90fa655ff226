/**
 * The forwarder's answer cache. An answer is kept for the smallest TTL among its records; a
 * negative answer (NXDOMAIN, or NOERROR without answers) for the SOA's negative TTL — the lesser
 * of the SOA record's TTL and its minimum field (RFC 2308 §5) — and not at all without an SOA.
 * Hits come back with every TTL lowered by the time spent in the cache. Bounded in entries;
 * the least recently used goes first.
 */
import { Rcode, RRType, type Message, type ResourceRecord } from './message.ts';

export interface DnsCacheOptions {
  /** Most entries kept (default 10,000). */
  maxEntries?: number;
  /** Longest time an answer is kept, seconds (default 3600). */
  maxTtl?: number;
  /** Longest time a negative answer is kept, seconds (default 300). */
  maxNegativeTtl?: number;
  /** Milliseconds now (tests pass a fake). */
  now?: () => number;
}

interface Entry {
  msg: Message;
  storedAt: number;
  expiresAt: number;
}

/** How long `msg` may be cached, in seconds (0 = not at all). */
export function cacheTtl(msg: Message, maxTtl = 3600, maxNegativeTtl = 300): number {
  if (msg.flags.tc) return 0;
  if (msg.rcode === Rcode.NOERROR && msg.answers.length > 0) {
    let ttl = maxTtl;
    for (const rr of [...msg.answers, ...msg.authorities]) ttl = Math.min(ttl, rr.ttl);
    return ttl;
  }
  if (msg.rcode === Rcode.NXDOMAIN || msg.rcode === Rcode.NOERROR) {
    const soa = msg.authorities.find((rr) => rr.type === RRType.SOA);
    if (!soa || !('minimum' in soa)) return 0;
    return Math.min(soa.ttl, soa.minimum, maxNegativeTtl);
  }
  return 0;
}

function aged(rr: ResourceRecord, elapsed: number): ResourceRecord {
  return { ...rr, ttl: Math.max(0, rr.ttl - elapsed) };
}

/** Answers by `name|type|class` (name lower-cased). */
export class DnsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly maxTtl: number;
  private readonly maxNegativeTtl: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(opts: DnsCacheOptions = {}) {
    this.max = opts.maxEntries ?? 10_000;
    this.maxTtl = opts.maxTtl ?? 3600;
    this.maxNegativeTtl = opts.maxNegativeTtl ?? 300;
    this.now = opts.now ?? Date.now;
  }

  static key(name: string, type: number, klass: number): string {
    return `${name.toLowerCase()}|${type}|${klass}`;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached answer with TTLs aged, or undefined. */
  get(key: string): Message | undefined {
    const e = this.entries.get(key);
    const now = this.now();
    if (!e || now >= e.expiresAt) {
      if (e) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    const elapsed = Math.floor((now - e.storedAt) / 1000);
    return {
      ...e.msg,
      answers: e.msg.answers.map((rr) => aged(rr, elapsed)),
      authorities: e.msg.authorities.map((rr) => aged(rr, elapsed)),
      additionals: e.msg.additionals.map((rr) => aged(rr, elapsed)),
    };
  }

  /** Stores `msg` under `key` if it may be cached; returns the TTL used (0 = not stored). */
  put(key: string, msg: Message): number {
    const ttl = cacheTtl(msg, this.maxTtl, this.maxNegativeTtl);
    if (ttl <= 0) return 0;
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { msg, storedAt: now, expiresAt: now + ttl * 1000 });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return ttl;
  }

  clear(): void {
    this.entries.clear();
  }
}
