/**
 * Repositories, manifests, tags and blob links in SQLite (node:sqlite, WAL, synchronous=FULL). Every
 * change is one IMMEDIATE transaction, so a reader never sees half a push and two pushes of the same
 * tag simply apply in order (the last writer wins). The file is opened in normal (not exclusive)
 * locking mode with a busy timeout: `berth registry gc` may run in another process while the
 * registry serves, and the two serialise on SQLite's write lock.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { RegistryError } from '../errors.ts';
import type { Descriptor, ParsedManifest } from '../manifest.ts';
import { QuotaExceededError } from '../quota.ts';
import { namespaceRange } from '../reference.ts';
import { ACCESS_SCHEMA } from './access-schema.ts';
import { REGISTRY_SCHEMA } from './metadata-schema.ts';
import { ReadCache } from './read-cache.ts';

/** A `deleting` row older than this is left over from a collector that died; it is ignored. */
const STALE_DELETING_MS = 10 * 60 * 1000;

/** A stored manifest. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  content: Uint8Array;
}

/** The collector is deleting this blob right now; retry the link shortly. */
export class BlobBeingDeletedError extends Error {
  constructor(digest: string) {
    super(`blob ${digest} is being garbage collected`);
    this.name = 'BlobBeingDeletedError';
  }
}

/** Why a manifest delete did not happen. */
export type DeleteManifestResult = { deleted: true } | { deleted: false; referencedBy?: string };

type Row = Record<string, SQLInputValue>;

const manifestBytes = (m: StoredManifest | undefined): number => m?.content.byteLength ?? 0;

/** The registry's metadata store. Open with RegistryMetadata.open; close when done. */
export class RegistryMetadata {
  readonly db: DatabaseSync;
  /**
   * Remembered answers of hot reads (manifests by tag and digest, namespaces, accounts), emptied
   * whenever this or another process commits a change (see read-cache.ts).
   */
  readonly cache: ReadCache;
  private readonly now: () => number;
  private readonly stmts = new Map<string, ReturnType<DatabaseSync['prepare']>>();

  private constructor(db: DatabaseSync, now: () => number) {
    this.db = db;
    this.now = now;
    this.cache = new ReadCache(db);
  }

  /** Opens (creating) the database at `path` (':memory:' for tests). */
  static open(path: string, opts: { now?: () => number } = {}): RegistryMetadata {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: 10_000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = OFF');
    db.exec(REGISTRY_SCHEMA);
    db.exec(ACCESS_SCHEMA);
    return new RegistryMetadata(db, opts.now ?? Date.now);
  }

  close(): void {
    this.db.close();
  }

  private q(sql: string): ReturnType<DatabaseSync['prepare']> {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /**
   * The prepared statement for `sql`, made once and cached: preparing costs far more than running a
   * point query, and the hot paths (every manifest and blob GET) run the same few queries.
   */
  statement(sql: string): ReturnType<DatabaseSync['prepare']> {
    return this.q(sql);
  }

  private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.q(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.q(sql).all(...params) as Row[];
  }

  private run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.q(sql).run(...params).changes);
  }

  /** Runs `fn` in one IMMEDIATE transaction (takes the write lock up front, so checks stay true). */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  // --- repositories -------------------------------------------------------------------------

  private ensureRepository(repo: string): void {
    this.run('INSERT OR IGNORE INTO repositories (name, created_at) VALUES (?, ?)', repo, this.now());
  }

  repositoryExists(repo: string): boolean {
    return this.get('SELECT 1 AS x FROM repositories WHERE name = ?', repo) !== undefined;
  }

  /** Repository names after `last`, in byte order, at most `n`. */
  listRepositories(n: number, last = ''): string[] {
    return this.all('SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?', last, n).map(
      (r) => r.name as string,
    );
  }

  // --- blobs ----------------------------------------------------------------------------------

  /**
   * Lets `repo` see blob `digest`. Throws BlobBeingDeletedError while the collector removes that
   * digest (the caller waits and retries, then writes the bytes again).
   */
  linkBlob(repo: string, digest: string, size: number, quota?: { namespace: string; limit: number }): void {
    this.transaction(() => {
      const row = this.get('SELECT since FROM deleting WHERE digest = ?', digest);
      if (row && this.now() - (row.since as number) < STALE_DELETING_MS)
        throw new BlobBeingDeletedError(digest);
      // Checked inside the write transaction, so two concurrent pushes cannot both slip under it.
      if (quota && !this.namespaceHasBlob(quota.namespace, digest)) {
        const used = this.namespaceUsage(quota.namespace);
        if (used + size > quota.limit) throw new QuotaExceededError(quota.namespace, used, quota.limit, size);
      }
      this.ensureRepository(repo);
      this.run(
        `INSERT INTO blob_links (repo, digest, size, linked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (repo, digest) DO UPDATE SET linked_at = excluded.linked_at, size = excluded.size`,
        repo,
        digest,
        size,
        this.now(),
      );
    });
  }

  /**
   * Bytes used by namespace `ns`: the sizes of the distinct blobs linked into its repositories (a
   * blob shared by two repositories of the namespace counts once).
   */
  namespaceUsage(ns: string): number {
    const [lo, hi] = namespaceRange(ns);
    const r = this.get(
      `SELECT COALESCE(SUM(size), 0) AS used FROM
         (SELECT MAX(size) AS size FROM blob_links WHERE repo >= ? AND repo < ? GROUP BY digest)`,
      lo,
      hi,
    );
    return Number(r?.used ?? 0);
  }

  /** Whether some repository of namespace `ns` links `digest` (so linking it again costs nothing). */
  namespaceHasBlob(ns: string, digest: string): boolean {
    const [lo, hi] = namespaceRange(ns);
    return (
      this.get(
        'SELECT 1 AS x FROM blob_links WHERE digest = ? AND repo >= ? AND repo < ? LIMIT 1',
        digest,
        lo,
        hi,
      ) !== undefined
    );
  }

  /** The blob link's size and age, or undefined when `repo` cannot see `digest`. */
  blobLink(repo: string, digest: string): { size: number; linkedAt: number } | undefined {
    const r = this.get('SELECT size, linked_at FROM blob_links WHERE repo = ? AND digest = ?', repo, digest);
    return r ? { size: r.size as number, linkedAt: r.linked_at as number } : undefined;
  }

  /** Restarts the link's grace period (a client just checked the blob exists before reusing it). */
  touchBlobLink(repo: string, digest: string): void {
    this.run('UPDATE blob_links SET linked_at = ? WHERE repo = ? AND digest = ?', this.now(), repo, digest);
  }

  /** Removes `repo`'s view of a blob; false when it had none. The bytes go at the next gc. */
  unlinkBlob(repo: string, digest: string): boolean {
    return this.run('DELETE FROM blob_links WHERE repo = ? AND digest = ?', repo, digest) > 0;
  }

  // --- uploads --------------------------------------------------------------------------------

  recordUpload(id: string, repo: string): void {
    this.transaction(() => {
      this.ensureRepository(repo);
      this.run('INSERT INTO uploads (id, repo, started_at) VALUES (?, ?, ?)', id, repo, this.now());
    });
  }

  uploadRepository(id: string): string | undefined {
    return this.get('SELECT repo FROM uploads WHERE id = ?', id)?.repo as string | undefined;
  }

  forgetUpload(id: string): void {
    this.run('DELETE FROM uploads WHERE id = ?', id);
  }

  // --- manifests and tags ---------------------------------------------------------------------

  /**
   * Records a manifest in `repo` (and points `tag` at it), after checking inside the transaction
   * that every blob it references is linked in `repo` and every child manifest is held by `repo`;
   * otherwise throws MANIFEST_BLOB_UNKNOWN naming what is missing and records nothing.
   * `lazyReferences` skips that check: a pull-through cache stores an upstream manifest first and
   * fetches its blobs and children only when a client asks for them.
   */
  putManifest(
    repo: string,
    digest: string,
    content: Uint8Array,
    m: ParsedManifest,
    tag?: string,
    opts: { lazyReferences?: boolean } = {},
  ): void {
    this.transaction(() => {
      const missing: string[] = [];
      if (!opts.lazyReferences) {
        for (const b of m.blobs) if (!this.blobLink(repo, b.digest)) missing.push(b.digest);
        for (const c of m.manifests) if (!this.hasManifest(repo, c.digest)) missing.push(c.digest);
      }
      if (missing.length > 0) {
        throw new RegistryError(
          'MANIFEST_BLOB_UNKNOWN',
          `manifest references unknown ${missing.join(', ')}`,
          {
            detail: { digests: missing },
          },
        );
      }
      const now = this.now();
      this.ensureRepository(repo);
      this.run(
        `INSERT OR IGNORE INTO manifests (digest, media_type, size, content, subject, artifact_type, annotations)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        digest,
        m.mediaType,
        content.byteLength,
        content,
        m.subject?.digest ?? null,
        m.artifactType ?? null,
        m.annotations ? JSON.stringify(m.annotations) : null,
      );
      for (const b of m.blobs)
        this.run('INSERT OR IGNORE INTO manifest_refs VALUES (?, ?, ?)', digest, 'blob', b.digest);
      for (const c of m.manifests)
        this.run('INSERT OR IGNORE INTO manifest_refs VALUES (?, ?, ?)', digest, 'manifest', c.digest);
      this.run(
        `INSERT INTO manifest_links (repo, digest, linked_at) VALUES (?, ?, ?)
         ON CONFLICT (repo, digest) DO UPDATE SET linked_at = excluded.linked_at`,
        repo,
        digest,
        now,
      );
      if (tag !== undefined) {
        this.run(
          `INSERT INTO tags (repo, tag, digest, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (repo, tag) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`,
          repo,
          tag,
          digest,
          now,
        );
      }
    });
  }

  hasManifest(repo: string, digest: string): boolean {
    return (
      this.get('SELECT 1 AS x FROM manifest_links WHERE repo = ? AND digest = ?', repo, digest) !== undefined
    );
  }

  /** The manifest `digest` as held by `repo`. */
  manifestByDigest(repo: string, digest: string): StoredManifest | undefined {
    return this.cache.get(
      `d\0${repo}\0${digest}`,
      () => {
        const r = this.get(
          `SELECT m.media_type, m.content FROM manifest_links l JOIN manifests m ON m.digest = l.digest
           WHERE l.repo = ? AND l.digest = ?`,
          repo,
          digest,
        );
        return r
          ? { digest, mediaType: r.media_type as string, content: r.content as Uint8Array }
          : undefined;
      },
      manifestBytes,
    );
  }

  /** The manifest `tag` points at in `repo`. */
  manifestByTag(repo: string, tag: string): StoredManifest | undefined {
    return this.cache.get(
      `t\0${repo}\0${tag}`,
      () => {
        const r = this.get(
          `SELECT m.digest, m.media_type, m.content FROM tags t JOIN manifests m ON m.digest = t.digest
           WHERE t.repo = ? AND t.tag = ?`,
          repo,
          tag,
        );
        return r
          ? {
              digest: r.digest as string,
              mediaType: r.media_type as string,
              content: r.content as Uint8Array,
            }
          : undefined;
      },
      manifestBytes,
    );
  }

  /**
   * Removes manifest `digest` and every tag pointing at it from `repo`. Refused (referencedBy set)
   * while an index in `repo` lists it, since deleting it would break that index's pulls.
   */
  deleteManifest(repo: string, digest: string): DeleteManifestResult {
    return this.transaction(() => {
      if (!this.hasManifest(repo, digest)) return { deleted: false };
      const parent = this.get(
        `SELECT r.parent FROM manifest_refs r JOIN manifest_links l ON l.digest = r.parent AND l.repo = ?
         WHERE r.child = ? AND r.kind = 'manifest' AND r.parent != ? LIMIT 1`,
        repo,
        digest,
        digest,
      );
      if (parent) return { deleted: false, referencedBy: parent.parent as string };
      this.run('DELETE FROM tags WHERE repo = ? AND digest = ?', repo, digest);
      this.run('DELETE FROM manifest_links WHERE repo = ? AND digest = ?', repo, digest);
      return { deleted: true };
    });
  }

  /** Removes a tag (the manifest stays, pullable by digest); false when there was no such tag. */
  deleteTag(repo: string, tag: string): boolean {
    return this.run('DELETE FROM tags WHERE repo = ? AND tag = ?', repo, tag) > 0;
  }

  /** When a pull-through cache last compared `repo:tag` with its upstream (0 = never). */
  proxyCheckedAt(repo: string, tag: string): number {
    const r = this.get('SELECT checked_at FROM proxy_checks WHERE repo = ? AND tag = ?', repo, tag);
    return r ? Number(r.checked_at) : 0;
  }

  /** Records that `repo:tag` was just compared with the upstream. */
  markProxyChecked(repo: string, tag: string): void {
    this.run(
      `INSERT INTO proxy_checks (repo, tag, checked_at) VALUES (?, ?, ?)
       ON CONFLICT (repo, tag) DO UPDATE SET checked_at = excluded.checked_at`,
      repo,
      tag,
      this.now(),
    );
  }

  /** Tags of `repo` after `last`, in byte order, at most `n`. */
  listTags(repo: string, n: number, last = ''): string[] {
    return this.all(
      'SELECT tag FROM tags WHERE repo = ? AND tag > ? ORDER BY tag LIMIT ?',
      repo,
      last,
      n,
    ).map((r) => r.tag as string);
  }

  /** Descriptors of the manifests in `repo` whose subject is `subject` (referrers API). */
  referrers(repo: string, subject: string, artifactType?: string): Descriptor[] {
    const rows = this.all(
      `SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations
       FROM manifests m JOIN manifest_links l ON l.digest = m.digest AND l.repo = ?
       WHERE m.subject = ? ORDER BY m.digest`,
      repo,
      subject,
    );
    const out: Descriptor[] = [];
    for (const r of rows) {
      if (artifactType !== undefined && r.artifact_type !== artifactType) continue;
      const d: Descriptor = {
        mediaType: r.media_type as string,
        digest: r.digest as string,
        size: r.size as number,
      };
      if (r.artifact_type !== null) d.artifactType = r.artifact_type as string;
      if (r.annotations !== null)
        d.annotations = JSON.parse(r.annotations as string) as Record<string, string>;
      out.push(d);
    }
    return out;
  }
}
