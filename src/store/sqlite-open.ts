/**
 * Opening the SQLite file: pragmas, the single-process lock and the schema.
 *
 * Durability: journal_mode=WAL with synchronous=OFF and wal_autocheckpoint=0: SQLite itself never
 * fsyncs and never checkpoints on its own, because both would do so inside COMMIT, on the event loop,
 * where one slow fsync stalls every request. The store (sqlite.ts) does both instead: it fsyncs the
 * WAL on libuv's thread pool after each group commit and acknowledges a batch's writes (and publishes
 * their watch events) only once that fsync has returned, so an acknowledged write is on disk exactly
 * as with synchronous=FULL; and it checkpoints between transactions, fsyncs the database file on the
 * thread pool, and starts no write transaction (which could restart the WAL over frames the database
 * file does not yet hold durably) until that fsync has returned. `walPath` and `dbPath` name the files
 * to fsync; both are undefined for ':memory:'.
 *
 * Single process: locking_mode=EXCLUSIVE plus a write transaction at open makes this connection hold
 * the file's lock until it closes; the kernel drops the lock if the process dies (even on kill -9), so
 * there is no stale lock to clean up. A `<path>.pid` side file only names the holder in the message.
 */
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './types.ts';

/** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the file. */
const BUSY_CODES = new Set([5, 6]);

/**
 * The revision log. `id` is the revision (AUTOINCREMENT, so a revision is never reused even after
 * compaction empties the table). `created`/`deleted` mark a key's first row and its tombstone; a
 * tombstone's value is the value the key held before the delete, so delete events carry it.
 * UNIQUE(name, prev_revision): two writes built on the same previous row cannot both land.
 * (name, id, deleted) serves "newest row per key at a revision" for get/list/count from the index alone.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id, deleted);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

export interface OpenedDatabase {
  db: DatabaseSync;
  /** The WAL file the store must fsync before acknowledging writes (undefined in memory). */
  walPath?: string;
  /** The database file the store must fsync after a checkpoint, before the next write (undefined in memory). */
  dbPath?: string;
  /** Removes the pid side file; call after db.close(). */
  release(): void;
}

/** Opens (creating if needed) the store file, or refuses with Unavailable when another process holds it. */
export function openDatabase(path: string): OpenedDatabase {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  // timeout 0: a held lock must fail at once, not wait.
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${memory ? 'FULL' : 'OFF'}`);
    db.exec('PRAGMA wal_autocheckpoint = 0');
    db.exec('BEGIN IMMEDIATE');
    db.exec(SCHEMA);
    db.exec('COMMIT');
  } catch (err) {
    try {
      if (db.isTransaction) db.exec('ROLLBACK');
      db.close();
    } catch {
      // already failing; the original error is the one to report
    }
    if (!memory && isBusy(err)) {
      throw new StoreError(
        'Unavailable',
        `data directory is in use by another process (pid ${holderPid(path)}): ${path}`,
      );
    }
    throw new StoreError(
      'Unavailable',
      `cannot open store ${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (memory) return { db, release: () => {} };
  const pidFile = `${path}.pid`;
  writeFileSync(pidFile, `${process.pid}\n`);
  return {
    db,
    walPath: `${path}-wal`,
    dbPath: path,
    release: () => rmSync(pidFile, { force: true }),
  };
}

function isBusy(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const errcode = (err as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' && BUSY_CODES.has(errcode & 0xff);
}

function holderPid(path: string): string {
  try {
    return readFileSync(`${path}.pid`, 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}
