/**
 * An in-memory cache of metadata reads (tag → manifest, namespace rows, account rows) that is never
 * stale. Every lookup first asks SQLite whether the database changed since the cache was filled:
 * `total_changes()` counts the rows this connection wrote (the registry's own pushes, deletes and
 * admin calls, whichever object made them), and `PRAGMA data_version` changes whenever another
 * connection — `berth registry gc` or an admin command in another process — commits. Either
 * moving empties the cache. The check costs a few microseconds once per request, a fraction of
 * the queries it saves on a manifest GET. The cache is bounded by entries and by bytes; when full it is simply emptied.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Entries kept at most before the cache is emptied. */
const MAX_ENTRIES = 8192;
/** Bytes (as reported by callers, e.g. manifest sizes) kept at most before the cache is emptied. */
const MAX_BYTES = 64 * 1024 * 1024;

/** Read-through cache of metadata answers, invalidated by any commit to the database. */
export class ReadCache {
  private readonly db: DatabaseSync;
  private readonly changes: StatementSync;
  private readonly dataVersion: StatementSync;
  private readonly entries = new Map<string, unknown>();
  private localChanges = -1;
  private version = -1;
  private bytes = 0;
  /** Whether `version` was read in the current synchronous stretch (reset by a microtask). */
  private versionFresh = false;
  private readonly expireVersion = (): void => {
    this.versionFresh = false;
  };
  /** Lookups answered from memory and lookups that had to query; for tests and profiling. */
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(db: DatabaseSync) {
    this.db = db;
    this.changes = db.prepare('SELECT total_changes() AS n');
    this.dataVersion = db.prepare('PRAGMA data_version');
  }

  /**
   * Empties the cache when this or another connection changed the database since last asked. The
   * local count is read every time (cheap); `data_version` (a read of the WAL index, several
   * microseconds) once per synchronous stretch of code: lookups made back to back, with no await
   * between them, see the database as of the first — as if they had all run at that instant.
   */
  private validate(): void {
    const local = (this.changes.get() as { n: number }).n;
    let version = this.version;
    if (!this.versionFresh) {
      version = (this.dataVersion.get() as { data_version: number }).data_version;
      this.versionFresh = true;
      queueMicrotask(this.expireVersion);
    }
    if (local === this.localChanges && version === this.version) return;
    this.localChanges = local;
    this.version = version;
    if (this.entries.size > 0) this.stats.invalidations++;
    this.clear();
  }

  /**
   * The answer for `key`: remembered, or computed by `compute` (which must read only committed
   * metadata) and remembered. `size` gives the bytes an answer holds, for the byte bound. Inside a
   * transaction nothing is cached or answered from memory: what it reads may yet be rolled back.
   */
  get<T>(key: string, compute: () => T, size?: (value: T) => number): T {
    if (this.db.isTransaction) return compute();
    this.validate();
    if (this.entries.has(key)) {
      this.stats.hits++;
      return this.entries.get(key) as T;
    }
    this.stats.misses++;
    const value = compute();
    const n = size ? size(value) : 0;
    if (this.entries.size >= MAX_ENTRIES || this.bytes + n > MAX_BYTES) this.clear();
    if (n <= MAX_BYTES) {
      this.entries.set(key, value);
      this.bytes += n;
    }
    return value;
  }

  /** Forgets everything (the next lookups query the database). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
