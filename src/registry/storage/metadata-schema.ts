/**
 * The registry's metadata tables (SQLite). Blob bytes live in the BlobStore; everything that says
 * which repository sees what lives here, so each change is one transaction:
 *
 * - repositories: every repository that has been pushed to.
 * - blob_links: which blobs a repository may read (a repository only sees blobs pushed or mounted
 *   into it, even though the bytes are shared).
 * - manifests: manifest bytes by digest (stored exactly as pushed; small, at most 4 MiB) with what
 *   the referrers API shows; manifest_refs: the blobs and child manifests each one references.
 * - manifest_links: which manifests a repository holds; tags: tag → digest per repository.
 * - uploads: which repository an upload in progress belongs to.
 * - deleting: blobs the garbage collector is removing right now; a push of the same digest waits
 *   until the row is gone, so a collector and a push never race on one file.
 */
export const REGISTRY_SCHEMA = `
CREATE TABLE IF NOT EXISTS repositories (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blob_links (
  repo TEXT NOT NULL,
  digest TEXT NOT NULL,
  size INTEGER NOT NULL,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (repo, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blob_links_digest ON blob_links (digest);
CREATE TABLE IF NOT EXISTS manifests (
  digest TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  content BLOB NOT NULL,
  subject TEXT,
  artifact_type TEXT,
  annotations TEXT
);
CREATE INDEX IF NOT EXISTS manifests_subject ON manifests (subject) WHERE subject IS NOT NULL;
CREATE TABLE IF NOT EXISTS manifest_refs (
  parent TEXT NOT NULL,
  kind TEXT NOT NULL,
  child TEXT NOT NULL,
  PRIMARY KEY (parent, kind, child)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_refs_child ON manifest_refs (child, kind);
CREATE TABLE IF NOT EXISTS manifest_links (
  repo TEXT NOT NULL,
  digest TEXT NOT NULL,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (repo, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_links_digest ON manifest_links (digest);
CREATE TABLE IF NOT EXISTS tags (
  repo TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (repo, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_repo_digest ON tags (repo, digest);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  started_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deleting (
  digest TEXT PRIMARY KEY,
  since INTEGER NOT NULL
) WITHOUT ROWID;
`;
