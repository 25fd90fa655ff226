/**
 * Answers to keyed requests, kept for a short while so a resend gets the first attempt's answer.
 * A browser on a Berth node sees the host's addresses change whenever a pod starts (its veth gets
 * a link-local address), and chromium then drops every request under way on its HTTP/2 session; a
 * create may or may not have reached the cluster. The console marks each create with a random
 * request key and resends it when the network dropped it; the proxy answers the resend from here
 * (waiting while the first attempt is still under way) instead of creating twice or replying
 * AlreadyExists for the user's own object.
 */

/** Request header that carries the key (a random UUID per create). */
export const requestKeyHeader = 'x-berth-request-key';

/** An upstream answer, whole. */
export interface ReplayAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Entry {
  answer: Promise<ReplayAnswer>;
  expires: number;
}

/** Key → answer (or the answer under way), for `ttlMs`, at most `maxEntries` (oldest go first). */
export class ReplayCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(opts: { ttlMs?: number; maxEntries?: number } = {}) {
    this.ttlMs = opts.ttlMs ?? 120_000;
    this.maxEntries = opts.maxEntries ?? 256;
  }

  /** The answer recorded under `key`, if it has not expired. */
  get(key: string, now = Date.now()): Promise<ReplayAnswer> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires > now) return e.answer;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * Records `answer` under `key`. A failed answer (the upstream request broke) is forgotten, so a
   * resend tries again rather than replaying the break.
   */
  set(key: string, answer: Promise<ReplayAnswer>, now = Date.now()): void {
    for (const [k, e] of this.entries) {
      if (e.expires <= now || this.entries.size >= this.maxEntries) this.entries.delete(k);
      else break;
    }
    const entry = { answer, expires: now + this.ttlMs };
    this.entries.set(key, entry);
    answer.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
  }
}
