/**
 * Console sessions: a random 256-bit token per login, kept in memory and handed to the browser only
 * as an HTTP-only cookie. A session ends on logout, after `idleMs` without use, or after `maxAgeMs`
 * in any case. Restarting the console ends every session (users log in again): nothing secret is
 * written to disk besides the admin password itself.
 */
import { randomBytes } from 'node:crypto';

/** What a session knows about its user. */
export interface Session {
  user: string;
  createdAt: number;
  lastUsedAt: number;
}

export interface SessionStoreOptions {
  /** Idle timeout (default 12 h). */
  idleMs?: number;
  /** Absolute lifetime (default 7 days). */
  maxAgeMs?: number;
  /** Injected clock for tests. */
  now?: () => number;
}

/** In-memory session table keyed by token. */
export class SessionStore {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly sessions = new Map<string, Session>();

  constructor(opts: SessionStoreOptions = {}) {
    this.idleMs = opts.idleMs ?? 12 * 60 * 60 * 1000;
    this.maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts a session for `user` and returns its token. */
  create(user: string): string {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    this.sessions.set(token, { user, createdAt: t, lastUsedAt: t });
    return token;
  }

  /** The live session for `token` (and marks it used), or undefined when unknown or expired. */
  get(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const t = this.now();
    if (this.expired(s, t)) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastUsedAt = t;
    return s;
  }

  /** Ends the session; unknown tokens are ignored. */
  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  /** Number of live sessions (expired ones are dropped first). */
  size(): number {
    this.sweep();
    return this.sessions.size;
  }

  private expired(s: Session, t: number): boolean {
    return t - s.lastUsedAt > this.idleMs || t - s.createdAt > this.maxAgeMs;
  }

  private sweep(): void {
    const t = this.now();
    for (const [token, s] of this.sessions) if (this.expired(s, t)) this.sessions.delete(token);
  }
}
