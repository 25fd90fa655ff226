/**
 * The embedded datastore: `Store` on node:sqlite, kine-style (see sqlite-log.ts for the table).
 *
 * Group commit: create/update/delete only enqueue; a flush (setImmediate) runs up to MAX_BATCH queued
 * writes in one transaction — one WAL fsync for all of them — and settles each caller's promise once
 * that fsync has returned. While an fsync runs, no transaction starts: writes arriving meanwhile queue
 * up and go into the next transaction together, so under load each commit and each fsync carries
 * many writes (not one small commit per event-loop turn), and COMMIT never writes the WAL while the
 * fsync is flushing it. Each write checks its own condition (exists / modRevision) against the rows
 * as they stand inside the transaction, earlier writes of the same batch included, and a failed
 * check appends nothing, so one caller's Conflict never fails the others. Only a failure of the
 * transaction itself (disk full, I/O error) fails the whole batch, and then nothing of it was written.
 *
 * Durability off the event loop: COMMIT only writes the WAL (synchronous=OFF, see sqlite-open.ts);
 * the WAL is then fsynced on libuv's thread pool, and only after it returns are the batch's callers
 * answered and its watch events published, in revision order. Checkpoints are the store's too: after
 * a WAL fsync, once the WAL holds about CHECKPOINT_FRAMES pages, a PASSIVE checkpoint copies them into
 * the database file (no fsync inside) and the file is fsynced on the thread pool; the next write
 * transaction, the only thing that may restart the WAL over those frames, waits for that fsync. A
 * slow disk delays answers but never blocks the event loop.
 *
 * Revision invariants: `#revision` is the newest committed revision: the conditions of new writes
 * see it. Inside a batch the next row's id is #revision + 1, +2, ...; on rollback #revision
 * goes back. `#published` is the newest revision watchers have been sent (committed and durable);
 * reads, `currentRevision` and watch replay stop at it, so the log and what watchers have seen never disagree at any
 * point another task can observe (see watch-hub.ts).
 */
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { StoreError } from './types.ts';
import type { KeyValue, ListOptions, ListResult, Store, Watch, WatchEvent, WatchHandlers } from './types.ts';
import { openDatabase } from './sqlite-open.ts';
import { RevisionLog } from './sqlite-log.ts';
import { WatchHub } from './watch-hub.ts';
import { applyWrite } from './sqlite-write.ts';
import type { WriteOp, WriteOutcome } from './sqlite-write.ts';
import { CompactionWindow } from './compaction-window.ts';

export interface SqliteStoreOptions {
  /** The database file, or ':memory:' for tests. */
  path: string;
  /** How often background compaction runs, in ms (default 5 minutes; 0 disables it). */
  compactInterval?: number;
  /**
   * Revisions of history compaction keeps behind the current one at least (default 1000); it
   * also keeps everything since the previous tick (CompactionWindow).
   */
  compactKeep?: number;
  log?: (msg: string, extra?: object) => void;
}

/** Counters for tests, /metrics and benchmarks. */
export interface SqliteStoreStats {
  revision: number;
  compactedRevision: number;
  /** Write transactions committed, and the writes they carried. */
  batches: number;
  writes: number;
  largestBatch: number;
  /** WAL checkpoints the store ran (each followed by a database fsync). */
  checkpoints: number;
  queued: number;
  watchers: number;
}

/** Writes per transaction at most: bounds how long one flush holds the event loop. */
const MAX_BATCH = 1000;

/**
 * Checkpoint once the WAL holds about this many pages (SQLite's own autocheckpoint default). The
 * count is an upper estimate: per commit, two pages plus two index pages per write plus the values.
 */
const CHECKPOINT_FRAMES = 1000;

interface Pending {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: StoreError) => void;
}

/** A committed batch waiting for its WAL fsync before it is answered and published. */
interface Committed {
  revision: number;
  batch: Pending[];
  outcomes: WriteOutcome[];
  events: WatchEvent[];
}

/** A `Store` on one SQLite file, owned by this process alone. */
export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #release: () => void;
  readonly #log: RevisionLog;
  readonly #hub: WatchHub;
  readonly #logger: (msg: string, extra?: object) => void;
  #compactWindow: CompactionWindow | undefined;
  #revision: number;
  #published: number;
  #compacted: number;
  /** An fd of the WAL file for fsync (undefined in memory: nothing to sync). */
  #walFd: number | undefined;
  /** An fd of the database file, fsynced after each checkpoint (undefined in memory). */
  #dbFd: number | undefined;
  /** Estimated WAL pages since the last checkpoint. */
  #walFrames = 0;
  /** A checkpoint's database fsync failed: it is retried before the next write transaction. */
  #dbUnsynced = false;
  #unsynced: Committed[] = [];
  /** A WAL or database fsync is running: no write transaction may start. */
  #syncing = false;
  #drained: (() => void)[] = [];
  #queue: Pending[] = [];
  #flushScheduled = false;
  /** Set once close() has begun: no new checkpoint starts. */
  #closing: Promise<void> | undefined;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stats = { batches: 0, writes: 0, largestBatch: 0, checkpoints: 0 };

  constructor(opts: SqliteStoreOptions) {
    this.path = opts.path;
    this.#logger = opts.log ?? (() => {});
    const { db, release, walPath, dbPath } = openDatabase(opts.path);
    this.#db = db;
    this.#release = release;
    // The WAL exists once journal_mode=WAL is set; its fd stays valid across WAL resets.
    this.#walFd = walPath ? openSync(walPath, 'r+') : undefined;
    this.#dbFd = dbPath ? openSync(dbPath, 'r+') : undefined;
    this.#log = new RevisionLog(db);
    this.#compacted = this.#log.compactedRevision();
    this.#revision = Math.max(this.#log.lastRevision(), this.#compacted);
    this.#published = this.#revision;
    this.#hub = new WatchHub(
      {
        history: (prefix, after, upTo, limit) => this.#log.history(prefix, after, upTo, limit),
        committedRevision: () => this.#published,
        compactedRevision: () => this.#compacted,
      },
      this.#logger,
    );
    const interval = opts.compactInterval ?? 5 * 60_000;
    if (interval > 0) {
      this.#compactWindow = new CompactionWindow(opts.compactKeep ?? 1000, this.#revision);
      this.#timer = setInterval(() => this.#backgroundCompact(), interval);
      this.#timer.unref();
    }
  }

  /** The newest published revision: every event up to it has been delivered to watchers. */
  async currentRevision(): Promise<number> {
    this.#assertOpen();
    return this.#published;
  }

  async compactedRevision(): Promise<number> {
    this.#assertOpen();
    return this.#compacted;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const rev = this.#readRevision(revision);
    const row = this.#log.latest(key, rev);
    if (!row || row.deleted) return undefined;
    return { key, value: row.value, createRevision: row.createRevision, modRevision: row.id };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const rev = this.#readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const after = opts.after ?? '';
    // One extra row tells whether more follow without a second query.
    const kvs = this.#log.list(prefix, rev, after, limit > 0 ? limit + 1 : -1);
    const more = limit > 0 && kvs.length > limit;
    if (!more) return { kvs, revision: rev, more: false, remaining: 0 };
    kvs.length = limit;
    const remaining = this.#log.count(prefix, rev, kvs[kvs.length - 1].key);
    return { kvs, revision: rev, more, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.#assertOpen();
    return this.#log.count(prefix, this.#published);
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.#enqueue({ kind: 'create', key, value });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.#enqueue({ kind: 'update', key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.#enqueue({ kind: 'delete', key, expected: expectedModRevision });
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    if (this.#closed) {
      queueMicrotask(() => handlers.onError(closedError()));
      return { close: () => {} };
    }
    return this.#hub.add(prefix, afterRevision, handlers);
  }

  async compact(revision: number): Promise<void> {
    this.#assertOpen();
    // Compaction is a write transaction too: it must not start while a checkpoint's fsync runs.
    while (this.#syncing) await new Promise<void>((resolve) => this.#drained.push(resolve));
    this.#assertOpen();
    if (revision > this.#revision) throw futureRevision(revision, this.#revision);
    if (revision <= this.#compacted) return;
    const started = performance.now();
    const dropped = this.#log.compact(revision);
    this.#compacted = revision;
    this.#logger('store compacted', { revision, dropped, ms: Math.round(performance.now() - started) });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    while (this.#syncing) await new Promise<void>((resolve) => this.#drained.push(resolve));
    this.#closed = true;
    // Pending writes were promised durability or an answer: commit them, fsync once, answer.
    while (this.#queue.length > 0) this.#flushOne();
    if (this.#unsynced.length > 0) {
      const batches = this.#unsynced.splice(0);
      let err: unknown;
      try {
        if (this.#walFd !== undefined) fsyncSync(this.#walFd);
      } catch (e) {
        err = e;
      }
      this.#settle(batches, err);
    }
    this.#hub.failAll(closedError());
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    if (this.#dbFd !== undefined) closeSync(this.#dbFd);
    // Closing checkpoints the WAL into the database and deletes it: with FULL, SQLite fsyncs the
    // database file before it deletes the WAL.
    try {
      this.#db.exec('PRAGMA synchronous = FULL');
    } catch (err) {
      this.#logger('store close: setting synchronous failed', { error: String(err) });
    }
    this.#db.close();
    this.#release();
  }

  /** Counters; cheap, no I/O. */
  stats(): SqliteStoreStats {
    return {
      revision: this.#revision,
      compactedRevision: this.#compacted,
      ...this.#stats,
      queued: this.#queue.length,
      watchers: this.#hub.size,
    };
  }

  #enqueue(op: WriteOp): Promise<KeyValue> {
    if (this.#closed) return Promise.reject(closedError());
    if (typeof op.key !== 'string' || op.key === '')
      return Promise.reject(new TypeError('store key must be a non-empty string'));
    if (op.kind !== 'delete' && typeof op.value !== 'string')
      return Promise.reject(new TypeError('store value must be a string'));
    return new Promise<KeyValue>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /**
   * Flushes on the next turn, unless an fsync is running: then the queue waits and goes into the
   * transaction after it (the fsync's callback schedules that flush).
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#syncing || this.#queue.length === 0) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flushScheduledBatch());
  }

  #flushScheduledBatch(): void {
    this.#flushScheduled = false;
    if (this.#closed || this.#syncing) return;
    this.#flushOne();
    this.#startSync();
    this.#scheduleFlush();
  }

  /** Commits the next batch of queued writes in one transaction and settles their promises. */
  #flushOne(): void {
    const batch = this.#queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    const base = this.#revision;
    const outcomes: WriteOutcome[] = [];
    try {
      // A checkpoint whose database fsync failed: no transaction (it may restart the WAL) until it holds.
      if (this.#dbUnsynced && this.#dbFd !== undefined) {
        fsyncSync(this.#dbFd);
        this.#dbUnsynced = false;
      }
      this.#db.exec('BEGIN IMMEDIATE');
      let next = base;
      for (const p of batch) {
        const outcome = applyWrite(this.#log, p.op, next + 1);
        if ('event' in outcome) next = outcome.event.revision;
        outcomes.push(outcome);
      }
      this.#db.exec('COMMIT');
      this.#revision = next;
    } catch (err) {
      try {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      } catch (rollbackErr) {
        this.#logger('store rollback failed', { error: String(rollbackErr) });
      }
      this.#revision = base;
      const message = err instanceof Error ? err.message : String(err);
      this.#logger('store write batch failed', { writes: batch.length, error: message });
      const failure = new StoreError('Unavailable', `store write failed: ${message}`);
      for (const p of batch) p.reject(failure);
      return;
    }
    this.#stats.batches++;
    this.#stats.writes += batch.length;
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, batch.length);
    const events: WatchEvent[] = [];
    let bytes = 0;
    for (const o of outcomes) {
      if (!('event' in o)) continue;
      events.push(o.event);
      bytes += o.event.value.length;
    }
    this.#walFrames += 2 + 2 * events.length + Math.ceil(bytes / 4096);
    const committed: Committed = { revision: this.#revision, batch, outcomes, events };
    if (this.#walFd === undefined) {
      this.#settle([committed]);
      return;
    }
    this.#unsynced.push(committed);
  }

  /**
   * Fsyncs the WAL for every batch committed so far (unless an fsync is already running); when it
   * returns, answers them, checkpoints if the WAL is due, and lets the next transaction start.
   */
  #startSync(): void {
    if (this.#syncing || this.#unsynced.length === 0 || this.#walFd === undefined) return;
    this.#syncing = true;
    const batches = this.#unsynced.splice(0);
    fsync(this.#walFd, (err) => {
      this.#settle(batches, err ?? undefined);
      if (!err && !this.#closing && this.#walFrames >= CHECKPOINT_FRAMES && this.#checkpoint()) return;
      this.#syncing = false;
      this.#synced();
    });
  }

  /** No fsync runs any more: wake close()/compact() waiters and flush what queued meanwhile. */
  #synced(): void {
    for (const d of this.#drained.splice(0)) d();
    if (!this.#closed) this.#scheduleFlush();
  }

  /**
   * Copies the (durable) WAL into the database file and fsyncs the file on the thread pool, keeping
   * #syncing set until it returns so no write transaction restarts the WAL before. Returns false
   * (nothing pending) when the checkpoint itself failed; the WAL then simply keeps growing.
   */
  #checkpoint(): boolean {
    const dbFd = this.#dbFd;
    if (dbFd === undefined) return false;
    try {
      this.#db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch (err) {
      this.#logger('store checkpoint failed', { error: String(err) });
      return false;
    }
    this.#walFrames = 0;
    this.#stats.checkpoints++;
    fsync(dbFd, (err) => {
      if (err) {
        this.#logger('store database fsync after checkpoint failed', { error: String(err) });
        this.#dbUnsynced = true;
      }
      this.#syncing = false;
      this.#synced();
    });
    return true;
  }

  /**
   * Answers durable batches and publishes their events, in revision order. If the fsync failed the
   * writes' fate on disk is unknown: callers get Unavailable (as for a failed transaction) and the
   * events are still published, because the rows are in the log other reads already see.
   */
  #settle(batches: Committed[], syncError?: unknown): void {
    if (syncError) {
      this.#logger('store WAL fsync failed', { error: String(syncError) });
      const failure = new StoreError(
        'Unavailable',
        `store write not confirmed on disk: ${String(syncError)}`,
      );
      for (const c of batches) {
        this.#published = c.revision;
        this.#hub.publish(c.events);
        for (const p of c.batch) p.reject(failure);
      }
      return;
    }
    for (const c of batches) {
      this.#published = c.revision;
      this.#hub.publish(c.events);
      c.outcomes.forEach((o, i) => ('error' in o ? c.batch[i].reject(o.error) : c.batch[i].resolve(o.kv)));
    }
  }

  #backgroundCompact(): void {
    if (this.#closed || !this.#compactWindow) return;
    const target = this.#compactWindow.tick(this.#revision);
    if (target <= this.#compacted) return;
    this.compact(target).catch((err: unknown) => {
      this.#logger('background compaction failed', {
        revision: target,
        error: err instanceof Error ? err.message : String(err),
      });
    });
  }

  /**
   * The revision a read runs at; Compacted / FutureRevision when it cannot be served. Reads see the
   * published revision, not batches still waiting for their fsync: a write is not visible before it
   * is answered, and a read's revision never runs ahead of the watch events (a list followed by a
   * watch from its resourceVersion must not skip an event the list did not include).
   */
  #readRevision(revision: number | undefined): number {
    this.#assertOpen();
    if (!revision) return this.#published;
    if (revision > this.#published) throw futureRevision(revision, this.#published);
    if (revision < this.#compacted) {
      throw new StoreError(
        'Compacted',
        `required revision ${revision} has been compacted (compacted revision ${this.#compacted})`,
      );
    }
    return revision;
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError();
  }
}

/** Opens (creating if needed) the SQLite store at `opts.path`; throws Unavailable if another process holds it. */
export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}

function closedError(): StoreError {
  return new StoreError('Closed', 'store is closed');
}

function futureRevision(revision: number, current: number): StoreError {
  return new StoreError(
    'FutureRevision',
    `required revision ${revision} is a future revision (current revision ${current})`,
  );
}
