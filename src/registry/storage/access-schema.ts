/**
 * Tables for namespaces and accounts, in the same SQLite file as the rest of the metadata (so a
 * namespace delete and the removal of its repositories are one transaction):
 *
 * - namespaces: the first path component of every repository name; public (anonymous pull) or
 *   private; an optional quota in bytes; an optional upstream for a pull-through cache (URL,
 *   credentials, how long a cached tag is trusted before it is checked upstream again).
 * - users: people (for now the `admin` account), with an scrypt password hash.
 * - robots: machine accounts of one namespace with a fixed set of actions; only the SHA-256 of
 *   their (high-entropy, generated) token is kept.
 * - proxy_checks: when a cached tag was last compared with the upstream.
 */
export const ACCESS_SCHEMA = `
CREATE TABLE IF NOT EXISTS namespaces (
  name TEXT PRIMARY KEY,
  public INTEGER NOT NULL DEFAULT 0,
  quota_bytes INTEGER,
  proxy_url TEXT,
  proxy_username TEXT,
  proxy_password TEXT,
  proxy_ttl_s INTEGER,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS robots (
  name TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  actions TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS robots_namespace ON robots (namespace);
CREATE TABLE IF NOT EXISTS proxy_checks (
  repo TEXT NOT NULL,
  tag TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  PRIMARY KEY (repo, tag)
) WITHOUT ROWID;
`;
