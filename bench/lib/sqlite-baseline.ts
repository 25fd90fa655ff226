/**
 * Raw node:sqlite inserts with the API server store's durability (journal_mode=WAL,
 * synchronous=FULL: every COMMIT fsyncs the WAL), as the same-run baseline for object creation:
 * the cost of durably appending a row with none of the API machinery on top.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { join } from 'node:path';

/** An open baseline database; `close` also forgets any queued batch. */
export interface SqliteBaseline {
  /** One INSERT in its own transaction (one fsync per row). */
  insertOne(name: string, value: string): void;
  /**
   * Queues an INSERT; all inserts queued in one event-loop turn commit in one transaction (one
   * fsync for all of them), and each promise settles after that COMMIT — concurrent writers
   * sharing commits the way a group-committing store does.
   */
  insertBatched(name: string, value: string): Promise<void>;
  /** Stats so far: rows written, transactions committed, the largest batch. */
  stats(): { rows: number; commits: number; largestBatch: number };
  close(): void;
}

/** Opens a fresh database file `name` in `dir` with a kv table and the store's pragmas. */
export function openSqliteBaseline(dir: string, name = 'baseline.db'): SqliteBaseline {
  const db = new DatabaseSync(join(dir, name));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(`CREATE TABLE kv (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    value TEXT NOT NULL
  ); CREATE UNIQUE INDEX kv_name ON kv (name);`);
  const insert: StatementSync = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
  let rows = 0;
  let commits = 0;
  let largestBatch = 0;
  let queue: { name: string; value: string; resolve: () => void; reject: (e: unknown) => void }[] = [];

  const flush = (): void => {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const w of batch) insert.run(w.name, w.value);
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      for (const w of batch) w.reject(err);
      return;
    }
    rows += batch.length;
    commits++;
    largestBatch = Math.max(largestBatch, batch.length);
    for (const w of batch) w.resolve();
  };

  return {
    insertOne(n, value) {
      db.exec('BEGIN IMMEDIATE');
      insert.run(n, value);
      db.exec('COMMIT');
      rows++;
      commits++;
      largestBatch = Math.max(largestBatch, 1);
    },
    insertBatched(n, value) {
      return new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ name: n, value, resolve, reject });
      });
    },
    stats: () => ({ rows, commits, largestBatch }),
    close() {
      queue = [];
      db.close();
    },
  };
}
