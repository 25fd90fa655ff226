/**
 * Read models for the management API and the console: repositories (per namespace, or found by a
 * substring of their name) with their tag counts, and tags with the digest they point at, the image
 * size and when they were pushed. The image size is the manifest plus the blobs it references that
 * the repository holds; for an index, every child manifest's too (blobs shared between platforms
 * count once). Deleting a repository removes its tags and links in one transaction; gc frees bytes.
 */
import type { SQLInputValue } from 'node:sqlite';
import { namespaceOf, namespaceRange } from '../reference.ts';
import type { RegistryMetadata } from './metadata.ts';

/** One repository as listed. */
export interface RepositoryInfo {
  name: string;
  namespace: string;
  tagCount: number;
  createdAt: number;
  /** Last tag push (createdAt when nothing is tagged). */
  updatedAt: number;
}

/** One tag as listed. */
export interface TagInfo {
  name: string;
  digest: string;
  mediaType: string;
  sizeBytes: number;
  pushedAt: number;
}

type Row = Record<string, SQLInputValue>;

const REPO_COLUMNS = `r.name, r.created_at,
  (SELECT COUNT(*) FROM tags t WHERE t.repo = r.name) AS tag_count,
  (SELECT MAX(updated_at) FROM tags t WHERE t.repo = r.name) AS updated_at`;

function repoInfo(r: Row): RepositoryInfo {
  const name = r.name as string;
  return {
    name,
    namespace: namespaceOf(name),
    tagCount: Number(r.tag_count),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at ?? r.created_at),
  };
}

/**
 * Repositories of `namespace` (or of all namespaces), whose name contains `search` when given,
 * at most `limit`, by name.
 */
export function listRepositories(
  meta: RegistryMetadata,
  opts: { namespace?: string; search?: string; limit?: number } = {},
): RepositoryInfo[] {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (opts.namespace !== undefined) {
    const [lo, hi] = namespaceRange(opts.namespace);
    where.push('r.name >= ? AND r.name < ?');
    params.push(lo, hi);
  }
  if (opts.search) {
    where.push('instr(r.name, ?) > 0');
    params.push(opts.search.toLowerCase());
  }
  const sql = `SELECT ${REPO_COLUMNS} FROM repositories r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY r.name LIMIT ?`;
  return (meta.db.prepare(sql).all(...params, opts.limit ?? 1000) as Row[]).map(repoInfo);
}

/** One repository, or undefined. */
export function getRepository(meta: RegistryMetadata, name: string): RepositoryInfo | undefined {
  const r = meta.db.prepare(`SELECT ${REPO_COLUMNS} FROM repositories r WHERE r.name = ?`).get(name) as
    Row | undefined;
  return r ? repoInfo(r) : undefined;
}

/** Total size of manifest `digest` as held by `repo` (see the file comment). */
export function imageSize(meta: RegistryMetadata, repo: string, digest: string): number {
  const r = meta.db
    .prepare(
      `WITH RECURSIVE tree(d) AS (
         SELECT ? UNION SELECT mr.child FROM manifest_refs mr JOIN tree ON mr.parent = tree.d WHERE mr.kind = 'manifest'
       )
       SELECT
         (SELECT COALESCE(SUM(m.size), 0) FROM manifests m WHERE m.digest IN (SELECT d FROM tree)) +
         (SELECT COALESCE(SUM(b.size), 0) FROM blob_links b WHERE b.repo = ? AND b.digest IN
            (SELECT mr.child FROM manifest_refs mr WHERE mr.kind = 'blob' AND mr.parent IN (SELECT d FROM tree)))
         AS total`,
    )
    .get(digest, repo) as Row | undefined;
  return Number(r?.total ?? 0);
}

/** Tags of `repo` with digest, media type, size and push time, by tag name. */
export function listTagInfo(meta: RegistryMetadata, repo: string): TagInfo[] {
  const rows = meta.db
    .prepare(
      `SELECT t.tag, t.digest, t.updated_at, m.media_type FROM tags t JOIN manifests m ON m.digest = t.digest
       WHERE t.repo = ? ORDER BY t.tag`,
    )
    .all(repo) as Row[];
  return rows.map((r) => ({
    name: r.tag as string,
    digest: r.digest as string,
    mediaType: r.media_type as string,
    sizeBytes: imageSize(meta, repo, r.digest as string),
    pushedAt: Number(r.updated_at),
  }));
}

/** Deletes a repository (tags, manifest and blob links, uploads); false when there was none. */
export function deleteRepository(meta: RegistryMetadata, repo: string): boolean {
  return meta.transaction(() => {
    const gone = Number(meta.db.prepare('DELETE FROM repositories WHERE name = ?').run(repo).changes) > 0;
    for (const table of ['tags', 'manifest_links', 'blob_links', 'uploads', 'proxy_checks'])
      meta.db.prepare(`DELETE FROM ${table} WHERE repo = ?`).run(repo);
    return gone;
  });
}
