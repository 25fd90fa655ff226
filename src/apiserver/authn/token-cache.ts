/**
 * A short-lived cache of verified tokens, keyed by the token's SHA-256 (the token itself is never
 * kept as a key). It spares repeat requests the signature check and the existence lookup; the TTL
 * bounds how long a revoked credential (a deleted service account) can still be used. The cache
 * is bounded: when full, the oldest entry goes first.
 */
import { hash } from 'node:crypto';

export interface TokenCacheOptions {
  /** How long an entry lives, at most; 10 s unless told. */
  ttlMs?: number;
  /** Entries kept at most; 4096 unless told. */
  maxEntries?: number;
  /** Clock in milliseconds; Date.now unless told (tests inject one). */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** TTL cache from token to a verified value. */
export class TokenCache<V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry<V>>();

  constructor(opts: TokenCacheOptions = {}) {
    this.#ttlMs = opts.ttlMs ?? 10_000;
    this.#maxEntries = opts.maxEntries ?? 4096;
    this.#now = opts.now ?? Date.now;
  }

  static key(token: string): string {
    // One-shot hash: half the cost of a Hash object per request.
    return hash('sha256', token, 'base64url');
  }

  /** The cached value for a token, if present and not expired. */
  get(token: string): V | undefined {
    const key = TokenCache.key(token);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Caches a value until the TTL passes or `notAfterMs` (the token's own expiry), whichever is first. */
  set(token: string, value: V, notAfterMs = Infinity): void {
    const key = TokenCache.key(token);
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt: Math.min(this.#now() + this.#ttlMs, notAfterMs) });
  }

  get size(): number {
    return this.#entries.size;
  }
}
