/**
 * Namespaces: the first path component of every repository name, as in TKE's image repository.
 * Public namespaces allow anonymous pull; private ones need credentials. A namespace may carry a
 * quota in bytes (see quota.ts for how usage is counted) and may be a pull-through cache of an
 * upstream registry. Lookups go through the metadata's read cache, which is emptied by any commit
 * (this process's or another's), so a change made by the CLI in another process applies at once.
 */
import type { SQLInputValue } from 'node:sqlite';
import { isValidNamespace, namespaceRange } from '../reference.ts';
import type { RegistryMetadata } from './metadata.ts';

/** Default time a cached tag is served before it is compared with the upstream again. */
export const DEFAULT_PROXY_TTL_S = 600;

/** The upstream of a pull-through cache namespace. */
export interface ProxyConfig {
  /** Base URL of the upstream registry, e.g. https://registry-1.docker.io. */
  url: string;
  username?: string;
  password?: string;
  /** How long a cached tag is trusted before it is re-validated upstream. */
  ttlSeconds: number;
}

/** One namespace. */
export interface Namespace {
  name: string;
  public: boolean;
  /** Quota in bytes; null when unlimited. */
  quotaBytes: number | null;
  proxy?: ProxyConfig;
  createdAt: number;
}

/** What `create` takes. */
export interface NamespaceSpec {
  name: string;
  public?: boolean;
  quotaBytes?: number | null;
  proxy?: { url: string; username?: string; password?: string; ttlSeconds?: number };
}

/** A namespace create or update refused for a reason the caller should show as is. */
export class NamespaceError extends Error {
  readonly reason: 'Invalid' | 'AlreadyExists' | 'NotFound';
  constructor(reason: 'Invalid' | 'AlreadyExists' | 'NotFound', message: string) {
    super(message);
    this.name = 'NamespaceError';
    this.reason = reason;
  }
}

type Row = Record<string, SQLInputValue>;

function fromRow(r: Row): Namespace {
  const ns: Namespace = {
    name: r.name as string,
    public: r.public === 1,
    quotaBytes: r.quota_bytes === null ? null : Number(r.quota_bytes),
    createdAt: Number(r.created_at),
  };
  if (r.proxy_url !== null) {
    ns.proxy = {
      url: r.proxy_url as string,
      ttlSeconds: r.proxy_ttl_s === null ? DEFAULT_PROXY_TTL_S : Number(r.proxy_ttl_s),
    };
    if (r.proxy_username !== null) ns.proxy.username = r.proxy_username as string;
    if (r.proxy_password !== null) ns.proxy.password = r.proxy_password as string;
  }
  return ns;
}

function freeze(ns: Namespace): Namespace {
  if (ns.proxy) Object.freeze(ns.proxy);
  return Object.freeze(ns);
}

function checkProxyUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NamespaceError('Invalid', `proxy URL ${JSON.stringify(url)} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new NamespaceError('Invalid', `proxy URL must be http(s), got ${u.protocol}`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

function checkQuota(q: number | null | undefined): number | null {
  if (q === undefined || q === null) return null;
  if (!Number.isSafeInteger(q) || q < 0)
    throw new NamespaceError('Invalid', `quota must be a non-negative number of bytes, got ${q}`);
  return q;
}

/** Namespaces in the registry's metadata database. */
export class NamespaceStore {
  private readonly meta: RegistryMetadata;
  private readonly now: () => number;

  constructor(meta: RegistryMetadata, now: () => number = Date.now) {
    this.meta = meta;
    this.now = now;
  }

  private all(sql: string, ...p: SQLInputValue[]): Row[] {
    return this.meta.statement(sql).all(...p) as Row[];
  }

  /** The namespace (a shared, frozen object answered from the read cache when it can be). */
  get(name: string): Namespace | undefined {
    return this.meta.cache.get(`n\0${name}`, () => {
      const r = this.meta.statement('SELECT * FROM namespaces WHERE name = ?').get(name) as Row | undefined;
      return r ? freeze(fromRow(r)) : undefined;
    });
  }

  /** Every namespace, by name. */
  list(): Namespace[] {
    return this.all('SELECT * FROM namespaces ORDER BY name').map(fromRow);
  }

  /** Creates a namespace; NamespaceError when the name is invalid or taken. */
  create(spec: NamespaceSpec): Namespace {
    if (!isValidNamespace(spec.name))
      throw new NamespaceError(
        'Invalid',
        `invalid namespace name ${JSON.stringify(spec.name)}: lowercase letters, digits and . _ - inside, at most 63`,
      );
    const quota = checkQuota(spec.quotaBytes);
    const proxyUrl = spec.proxy ? checkProxyUrl(spec.proxy.url) : null;
    return this.meta.transaction(() => {
      if (this.get(spec.name))
        throw new NamespaceError('AlreadyExists', `namespace ${spec.name} already exists`);
      this.meta.db
        .prepare(
          `INSERT INTO namespaces (name, public, quota_bytes, proxy_url, proxy_username, proxy_password,
             proxy_ttl_s, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          spec.name,
          spec.public ? 1 : 0,
          quota,
          proxyUrl,
          spec.proxy?.username ?? null,
          spec.proxy?.password ?? null,
          spec.proxy?.ttlSeconds ?? null,
          this.now(),
        );
      return this.get(spec.name)!;
    });
  }

  /** Changes visibility and/or quota; NamespaceError NotFound when there is no such namespace. */
  update(name: string, patch: { public?: boolean; quotaBytes?: number | null }): Namespace {
    const quota = patch.quotaBytes === undefined ? undefined : checkQuota(patch.quotaBytes);
    return this.meta.transaction(() => {
      if (!this.get(name)) throw new NamespaceError('NotFound', `namespace ${name} not found`);
      if (patch.public !== undefined)
        this.meta.db
          .prepare('UPDATE namespaces SET public = ? WHERE name = ?')
          .run(patch.public ? 1 : 0, name);
      if (quota !== undefined)
        this.meta.db.prepare('UPDATE namespaces SET quota_bytes = ? WHERE name = ?').run(quota, name);
      return this.get(name)!;
    });
  }

  /**
   * Deletes a namespace with its repositories (tags, manifest and blob links, uploads, cache
   * checks) and robots, in one transaction. The bytes go at the next gc. Returns the number of
   * repositories removed; NamespaceError NotFound when there was no such namespace.
   */
  delete(name: string): { repositories: number } {
    const [lo, hi] = namespaceRange(name);
    return this.meta.transaction(() => {
      if (!this.get(name)) throw new NamespaceError('NotFound', `namespace ${name} not found`);
      const db = this.meta.db;
      for (const table of ['tags', 'manifest_links', 'blob_links', 'uploads', 'proxy_checks'])
        db.prepare(`DELETE FROM ${table} WHERE repo >= ? AND repo < ?`).run(lo, hi);
      const repos = Number(
        db.prepare('DELETE FROM repositories WHERE name >= ? AND name < ?').run(lo, hi).changes,
      );
      db.prepare('DELETE FROM robots WHERE namespace = ?').run(name);
      db.prepare('DELETE FROM namespaces WHERE name = ?').run(name);
      return { repositories: repos };
    });
  }

  /** Bytes used by the namespace (see RegistryMetadata.namespaceUsage). */
  usage(name: string): number {
    return this.meta.namespaceUsage(name);
  }
}
