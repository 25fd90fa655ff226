/**
 * The datastore contract: an etcd-shaped, revisioned key-value log. Every write gets a new global
 * revision; values are JSON text; writes compare-and-swap on the key's last modRevision; a delete
 * leaves a tombstone event; watches replay from a revision and then stream; revisions older than the
 * compacted one answer `Compacted`. The SQLite backend implements it now; an etcd backend fits the
 * same shape (revisions = etcd's, CAS = Txn on mod_revision, watch = etcd prefix watch).
 *
 * Only src/apiserver may use a Store.
 */

/** One key at one revision. */
export interface KeyValue {
  key: string;
  /** JSON text of the object. */
  value: string;
  /** Revision at which the key was (last) created. */
  createRevision: number;
  /** Revision of the write that produced this value. */
  modRevision: number;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  key: string;
  /** For put: the new value. For delete: the value the key held before the delete. */
  value: string;
  /** The revision of this event (for delete: the tombstone's revision). */
  revision: number;
  createRevision: number;
  /** For put on an existing key: the value before (when the backend has it). */
  prevValue?: string;
}

export interface ListOptions {
  /** Read as of this revision (0 or unset: latest). Below the compacted revision: Compacted. */
  revision?: number;
  /** At most this many keys (0 or unset: all). */
  limit?: number;
  /** Start after this key (exclusive), for paging; must lie under the prefix. */
  after?: string;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** True when more keys follow the last one returned. */
  more: boolean;
  /** How many keys remain after the returned ones (when cheap to know). */
  remaining?: number;
}

export interface Watch {
  /** Stops the watch; no events are delivered after it returns. */
  close(): void;
  /**
   * Asks the backend to report (through onProgress) how far this watch has been delivered. Backends
   * whose events can lag behind their reads (etcd) have it; SQLite delivers synchronously and does not.
   */
  requestProgress?(): void;
  /**
   * False when the backend's answers to requestProgress may overtake this watch's events (etcd
   * before 3.4.24 / 3.5.8): a reader must then not take a progress notice as "every event up to
   * here has arrived", and consistent reads go to the store.
   */
  readonly progressOrdered?: boolean;
}

export interface WatchHandlers {
  /** Events in revision order, possibly batched. */
  onEvents(events: WatchEvent[]): void;
  /** The watch ended for a reason other than close() (compaction, store closed). */
  onError(err: StoreError): void;
  /** Every event of this watch with revision <= `revision` has been delivered (progress notices). */
  onProgress?(revision: number): void;
}

export type StoreErrorCode =
  'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'FutureRevision' | 'Closed' | 'Unavailable';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** For Conflict: the key's current value (so callers can report or retry without another read). */
  readonly current?: KeyValue;
  constructor(code: StoreErrorCode, message: string, current?: KeyValue) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.current = current;
  }
}

export interface Store {
  /** The newest revision written. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable; reads and watches below it answer Compacted. */
  compactedRevision(): Promise<number>;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Keys under `prefix`, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of live keys under `prefix`. */
  count(prefix: string): Promise<number>;
  /** Creates the key; KeyExists if it is live. Resolves once durable. */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Replaces the key's value if its modRevision is still `expectedModRevision`; Conflict (with the
   * current value) otherwise, NotFound if it is gone. Resolves once durable.
   */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /**
   * Deletes the key (if `expectedModRevision` is given, only at that revision). Resolves with the
   * deleted value and the tombstone's revision as modRevision. NotFound if it is gone.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /**
   * Watches keys under `prefix` for events with revision > `afterRevision`: first the retained
   * history, then live events. Compacted (via onError, at once) if afterRevision is too old.
   */
  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch;
  /** Drops history at or below `revision` (keeps each key's newest value). */
  compact(revision: number): Promise<void>;
  /** Flushes and closes; pending watches get onError(Closed). */
  close(): Promise<void>;
}
