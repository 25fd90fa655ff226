/**
 * The SQL of the revision log, as prepared statements over one connection. Everything here is
 * synchronous and assumes the caller (SqliteStore) is the only writer: the file is locked to this
 * process and writes run inside one group-commit transaction at a time.
 *
 * A key's value at revision R is its newest row with id <= R; a tombstone there means "absent".
 */
import type { DatabaseSync, SQLOutputValue, StatementSync } from 'node:sqlite';
import type { KeyValue, WatchEvent } from './types.ts';
import { hasPrefix, prefixRange } from './key-range.ts';
import type { KeyRange } from './key-range.ts';

/** The newest row of one key, as the write path needs it. */
export interface LatestRow {
  id: number;
  deleted: boolean;
  createRevision: number;
  value: string;
}

/** One row to append. */
export interface NewRow {
  id: number;
  name: string;
  created: boolean;
  deleted: boolean;
  createRevision: number;
  prevRevision: number;
  value: string;
}

type Row = Record<string, SQLOutputValue>;

/**
 * The prefix range narrowed to keys after `after`. after + NUL is the smallest string above `after`
 * (keys never hold NUL), which keeps the lower bound a single `>=` the index can seek to.
 */
function rangeAfter(prefix: string, after: string): KeyRange {
  const range = prefixRange(prefix);
  if (after !== '' && after >= range.start) range.start = after + '\0';
  return range;
}

const num = (v: SQLOutputValue | undefined): number => Number(v ?? 0);
const str = (v: SQLOutputValue | undefined): string => (typeof v === 'string' ? v : String(v ?? ''));

/** Prepared statements of the revision log; see the file comment. */
export class RevisionLog {
  readonly #db: DatabaseSync;
  readonly #latest: StatementSync;
  readonly #insert: StatementSync;
  readonly #list: StatementSync;
  readonly #count: StatementSync;
  readonly #history: StatementSync;
  readonly #compact: StatementSync;
  readonly #getMeta: StatementSync;
  readonly #setMeta: StatementSync;
  readonly #sequence: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#latest = db.prepare(
      'SELECT id, deleted, create_revision, value FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1',
    );
    this.#insert = db.prepare(
      'INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // Listing walks the name index in key order and keeps a row when no newer row of its key is at or
    // below the read revision (one index probe each), so LIMIT stops the walk early: paging costs
    // O(page), not O(keys). Counting instead groups the (name, id, deleted) index alone: SQLite fills
    // a bare column of a single-MAX() aggregate from the row holding the maximum.
    this.#list = db.prepare(
      `SELECT kv.id, kv.name, kv.create_revision, kv.value FROM kv
       WHERE kv.name >= ? AND kv.name < ? AND kv.id <= ? AND kv.deleted = 0
         AND NOT EXISTS (SELECT 1 FROM kv AS n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= ?)
       ORDER BY kv.name LIMIT ?`,
    );
    this.#count = db.prepare(
      `SELECT COUNT(*) AS n FROM
         (SELECT MAX(id) AS id, deleted FROM kv WHERE name >= ? AND name < ? AND id <= ? GROUP BY name)
       WHERE deleted = 0`,
    );
    // prev_value: the value a put replaced, when that row is still retained (not for creates).
    this.#history = db.prepare(
      `SELECT kv.id, kv.name, kv.deleted, kv.create_revision, kv.value, p.value AS prev_value
       FROM kv LEFT JOIN kv AS p ON kv.created = 0 AND kv.deleted = 0 AND p.id = kv.prev_revision
       WHERE kv.id > ? AND kv.id <= ? AND kv.name >= ? AND kv.name < ? ORDER BY kv.id LIMIT ?`,
    );
    // Drop, at or below `c`, tombstones and every row with a newer row of the same key also at or
    // below `c`: what remains answers any read at a revision >= c exactly as before.
    this.#compact = db.prepare(
      `DELETE FROM kv WHERE id <= ? AND (deleted = 1 OR EXISTS
         (SELECT 1 FROM kv AS n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= ?))`,
    );
    this.#getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.#setMeta = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv'");
  }

  /** The highest revision ever written (survives compaction emptying the table). */
  lastRevision(): number {
    return num((this.#sequence.get() as Row | undefined)?.seq);
  }

  compactedRevision(): number {
    return num((this.#getMeta.get('compact_revision') as Row | undefined)?.value);
  }

  /** The key's newest row at or below `revision` (tombstones included), if any row is retained. */
  latest(key: string, revision: number): LatestRow | undefined {
    const r = this.#latest.get(key, revision) as Row | undefined;
    if (!r) return undefined;
    return {
      id: num(r.id),
      deleted: num(r.deleted) === 1,
      createRevision: num(r.create_revision),
      value: str(r.value),
    };
  }

  /** Appends one row; must run inside the caller's write transaction. */
  insert(row: NewRow): void {
    this.#insert.run(
      row.id,
      row.name,
      row.created ? 1 : 0,
      row.deleted ? 1 : 0,
      row.createRevision,
      row.prevRevision,
      row.value,
    );
  }

  /** Live keys under `prefix` at `revision`, in key order, after `after`, at most `limit` (<0: all). */
  list(prefix: string, revision: number, after: string, limit: number): KeyValue[] {
    const { start, end } = rangeAfter(prefix, after);
    const rows = this.#list.all(start, end, revision, revision, limit) as Row[];
    const kvs: KeyValue[] = [];
    for (const r of rows) {
      const key = str(r.name);
      if (!hasPrefix(key, prefix)) continue;
      kvs.push({ key, value: str(r.value), createRevision: num(r.create_revision), modRevision: num(r.id) });
    }
    return kvs;
  }

  /** How many live keys under `prefix` at `revision` sort after `after`. */
  count(prefix: string, revision: number, after = ''): number {
    const { start, end } = rangeAfter(prefix, after);
    return num((this.#count.get(start, end, revision) as Row | undefined)?.n);
  }

  /** Events under `prefix` with after < revision <= upTo, oldest first, at most `limit`. */
  history(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    const { start, end } = prefixRange(prefix);
    const rows = this.#history.all(after, upTo, start, end, limit) as Row[];
    const events: WatchEvent[] = [];
    for (const r of rows) {
      const key = str(r.name);
      if (!hasPrefix(key, prefix)) continue;
      const e: WatchEvent = {
        type: num(r.deleted) === 1 ? 'delete' : 'put',
        key,
        value: str(r.value),
        revision: num(r.id),
        createRevision: num(r.create_revision),
      };
      if (typeof r.prev_value === 'string') e.prevValue = r.prev_value;
      events.push(e);
    }
    return events;
  }

  /** Drops superseded history at or below `revision` and records it, in one transaction. Returns rows dropped. */
  compact(revision: number): number {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const { changes } = this.#compact.run(revision, revision);
      this.#setMeta.run('compact_revision', revision);
      this.#db.exec('COMMIT');
      return Number(changes);
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }
}
