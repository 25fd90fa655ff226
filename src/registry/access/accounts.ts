/**
 * Accounts that can authenticate to the registry: users (for now the `admin` account, created on
 * first start with a random password) and robot accounts (one namespace, a fixed set of actions, a
 * generated token shown once). Passwords are kept as scrypt hashes; robot tokens are 256 random
 * bits, so their SHA-256 is enough. Every comparison is constant-time. A successful password check
 * is remembered for a minute (keyed by a hash of name and password), because clients that send
 * Basic credentials on every request would otherwise pay for scrypt each time.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import type { Action } from '../auth.ts';
import type { RegistryMetadata } from '../storage/metadata.ts';

/** Who a request comes from. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; name: string; admin: boolean }
  | { kind: 'robot'; name: string; namespace: string; actions: Action[] };

/** The admin account's name. */
export const ADMIN_USER = 'admin';

/** A robot's account name: `robot$NAMESPACE+NAME` (the form Harbor uses, unambiguous). */
export const robotAccountName = (namespace: string, name: string): string => `robot$${namespace}+${name}`;

const ROBOT_NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
const CACHE_MS = 60_000;

/** A robot account as listed (never with its token). */
export interface RobotInfo {
  name: string;
  namespace: string;
  actions: Action[];
  createdAt: number;
}

type Row = Record<string, SQLInputValue>;

/** scrypt$N$r$p$salt$hash, salt and hash in base64url. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Checks `password` against a hashPassword result, in constant time. */
export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  const got = scryptSync(password, Buffer.from(salt, 'base64url'), want.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(got, want);
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Users and robots in the registry's metadata database. */
export class AccountStore {
  private readonly meta: RegistryMetadata;
  private readonly now: () => number;
  private readonly verified = new Map<string, number>();

  constructor(meta: RegistryMetadata, now: () => number = Date.now) {
    this.meta = meta;
    this.now = now;
  }

  private row(sql: string, ...p: SQLInputValue[]): Row | undefined {
    return this.meta.statement(sql).get(...p) as Row | undefined;
  }

  /**
   * Creates the admin account with a random password unless it exists; returns the password when
   * it was just created, undefined otherwise. `persist` is called with the password before the
   * account is recorded (the caller writes it down), so a crash never leaves an unknown password.
   */
  ensureAdmin(persist?: (password: string) => void): string | undefined {
    if (this.row('SELECT 1 AS x FROM users WHERE name = ?', ADMIN_USER)) return undefined;
    const password = randomBytes(18).toString('base64url');
    persist?.(password);
    const inserted = this.meta.db
      .prepare('INSERT OR IGNORE INTO users (name, password_hash, admin, created_at) VALUES (?, ?, 1, ?)')
      .run(ADMIN_USER, hashPassword(password), this.now()).changes;
    return Number(inserted) > 0 ? password : undefined;
  }

  /** Sets (or creates) a user's password. */
  setPassword(name: string, password: string, admin = false): void {
    this.meta.db
      .prepare(
        `INSERT INTO users (name, password_hash, admin, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash`,
      )
      .run(name, hashPassword(password), admin ? 1 : 0, this.now());
    this.verified.clear();
  }

  /** Creates a robot of `namespace` allowed `actions`; returns its account name and token (once). */
  createRobot(namespace: string, name: string, actions: Action[]): { name: string; token: string } {
    if (!ROBOT_NAME_RE.test(name))
      throw new Error(
        `invalid robot name ${JSON.stringify(name)}: lowercase letters, digits and -, at most 63`,
      );
    if (actions.length === 0) throw new Error('a robot needs at least one of pull, push, delete');
    const account = robotAccountName(namespace, name);
    const token = randomBytes(32).toString('base64url');
    const ok = this.meta.db
      .prepare(
        'INSERT OR IGNORE INTO robots (name, namespace, token_hash, actions, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        account,
        namespace,
        sha256(token).toString('hex'),
        [...new Set(actions)].join(','),
        this.now(),
      ).changes;
    if (Number(ok) === 0) throw new Error(`robot ${account} already exists`);
    return { name: account, token };
  }

  /** Robots, of one namespace or all. */
  listRobots(namespace?: string): RobotInfo[] {
    const rows = (
      namespace === undefined
        ? this.meta.db.prepare('SELECT * FROM robots ORDER BY name').all()
        : this.meta.db.prepare('SELECT * FROM robots WHERE namespace = ? ORDER BY name').all(namespace)
    ) as Row[];
    return rows.map((r) => ({
      name: r.name as string,
      namespace: r.namespace as string,
      actions: (r.actions as string).split(',') as Action[],
      createdAt: Number(r.created_at),
    }));
  }

  /** Deletes a robot by account name; false when there was none. */
  deleteRobot(account: string): boolean {
    return Number(this.meta.db.prepare('DELETE FROM robots WHERE name = ?').run(account).changes) > 0;
  }

  /** The principal for a user name or robot account, without checking a secret (refresh tokens). */
  lookup(name: string): Principal | undefined {
    return this.meta.cache.get(`a\0${name}`, () => this.lookupUncached(name));
  }

  private lookupUncached(name: string): Principal | undefined {
    const robot = this.row('SELECT namespace, actions FROM robots WHERE name = ?', name);
    if (robot)
      return {
        kind: 'robot',
        name,
        namespace: robot.namespace as string,
        actions: (robot.actions as string).split(',') as Action[],
      };
    const user = this.row('SELECT admin FROM users WHERE name = ?', name);
    return user ? { kind: 'user', name, admin: user.admin === 1 } : undefined;
  }

  /** The principal whose name and secret these are, or undefined. */
  authenticate(name: string, secret: string): Principal | undefined {
    const robot = this.row('SELECT token_hash FROM robots WHERE name = ?', name);
    if (robot) {
      const ok = timingSafeEqual(sha256(secret), Buffer.from(robot.token_hash as string, 'hex'));
      return ok ? this.lookup(name) : undefined;
    }
    const user = this.row('SELECT password_hash FROM users WHERE name = ?', name);
    if (!user) return undefined;
    const key = sha256(`${name}\0${secret}\0${user.password_hash as string}`).toString('hex');
    const until = this.verified.get(key);
    if (until !== undefined && until > this.now()) return this.lookup(name);
    if (!verifyPassword(secret, user.password_hash as string)) return undefined;
    if (this.verified.size > 1000) this.verified.clear();
    this.verified.set(key, this.now() + CACHE_MS);
    return this.lookup(name);
  }
}
