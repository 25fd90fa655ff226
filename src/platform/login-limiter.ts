/**
 * Brakes on password guessing: each client address may fail `perClient` logins within `windowMs`,
 * and all clients together `global` logins, after which logins are refused (429) until the oldest
 * failure leaves the window. A success clears that client's failures. Counting only failures keeps a
 * user who types the password right from ever being slowed down.
 */

export interface LoginLimiterOptions {
  windowMs?: number;
  perClient?: number;
  global?: number;
  now?: () => number;
}

/** Sliding-window failure counter per client address, plus one for everyone together. */
export class LoginLimiter {
  private readonly windowMs: number;
  private readonly perClient: number;
  private readonly globalMax: number;
  private readonly now: () => number;
  private readonly failures = new Map<string, number[]>();
  private globalFailures: number[] = [];

  constructor(opts: LoginLimiterOptions = {}) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.perClient = opts.perClient ?? 5;
    this.globalMax = opts.global ?? 50;
    this.now = opts.now ?? Date.now;
  }

  /** 0 when `client` may try now; otherwise how many milliseconds until it may. */
  retryAfterMs(client: string): number {
    const t = this.now();
    const mine = this.recent(this.failures.get(client) ?? [], t);
    if (mine.length === 0) this.failures.delete(client);
    else this.failures.set(client, mine);
    this.globalFailures = this.recent(this.globalFailures, t);
    let wait = 0;
    if (mine.length >= this.perClient) wait = Math.max(wait, mine[0] + this.windowMs - t);
    if (this.globalFailures.length >= this.globalMax) {
      wait = Math.max(wait, this.globalFailures[0] + this.windowMs - t);
    }
    return wait;
  }

  /** Records a failed login by `client`. */
  fail(client: string): void {
    const t = this.now();
    const list = this.failures.get(client) ?? [];
    list.push(t);
    this.failures.set(client, list);
    this.globalFailures.push(t);
  }

  /** Forgets `client`'s failures after a successful login. */
  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(list: number[], t: number): number[] {
    const from = t - this.windowMs;
    let i = 0;
    while (i < list.length && list[i] <= from) i++;
    return i === 0 ? list : list.slice(i);
  }
}
