/**
 * In-process watch fan-out over a revision log. A new watcher first replays the retained history from
 * its start revision (in pages, yielding between them so writers keep going), then turns live and
 * receives each committed batch synchronously. No gap and no duplicate between the two phases:
 *
 * - every watcher keeps a cursor, the highest revision it has been given (or has seen nothing under
 *   its prefix up to);
 * - while replaying, published batches are ignored — they are already in the log and the next page
 *   reads them from there;
 * - the last replay page reads up to the committed revision and turns the watcher live in the same
 *   synchronous step, and the backend publishes a batch in the same synchronous step as its commit,
 *   so nothing can land between "read the log" and "go live";
 * - live delivery drops anything at or below the cursor, as a second guard.
 */
import { StoreError } from './types.ts';
import type { Watch, WatchEvent, WatchHandlers } from './types.ts';
import { hasPrefix } from './key-range.ts';

/** What the hub needs from the backend's log. All calls are synchronous reads of committed data. */
export interface WatchHistory {
  /** Events under `prefix` with after < revision <= upTo, oldest first, at most `limit`. */
  history(prefix: string, after: number, upTo: number, limit: number): WatchEvent[];
  /** The newest committed (and already published) revision. */
  committedRevision(): number;
  /** History at or below this revision may be gone. */
  compactedRevision(): number;
}

export type WatchLog = (msg: string, extra?: object) => void;

/** Rows per replay page; between pages the event loop (and so the writers) runs. */
const REPLAY_PAGE = 1000;

interface Watcher {
  prefix: string;
  cursor: number;
  live: boolean;
  closed: boolean;
  handlers: WatchHandlers;
}

/** Watcher registry of one store; see the file comment for the ordering invariants. */
export class WatchHub {
  readonly #source: WatchHistory;
  readonly #log: WatchLog;
  readonly #watchers = new Set<Watcher>();

  constructor(source: WatchHistory, log: WatchLog) {
    this.#source = source;
    this.#log = log;
  }

  /** Number of open watchers. */
  get size(): number {
    return this.#watchers.size;
  }

  /**
   * Starts a watcher for events under `prefix` after `afterRevision`. Replay starts on a microtask, so
   * no callback runs before this returns; a too-old start answers onError(Compacted) there.
   */
  add(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    const w: Watcher = { prefix, cursor: afterRevision, live: false, closed: false, handlers };
    this.#watchers.add(w);
    queueMicrotask(() => this.#replay(w));
    return {
      close: () => {
        w.closed = true;
        this.#watchers.delete(w);
      },
    };
  }

  /** Delivers one committed batch (revision order) to live watchers. Call right after the commit. */
  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    const top = events[events.length - 1].revision;
    for (const w of [...this.#watchers]) {
      if (w.closed || !w.live) continue;
      const mine = events.filter((e) => e.revision > w.cursor && hasPrefix(e.key, w.prefix));
      w.cursor = Math.max(w.cursor, top);
      if (mine.length > 0) this.#deliver(w, mine);
    }
  }

  /** Ends every watcher with `err` (store closing). */
  failAll(err: StoreError): void {
    for (const w of [...this.#watchers]) this.#fail(w, err);
  }

  #replay(w: Watcher): void {
    if (w.closed) return;
    try {
      const compacted = this.#source.compactedRevision();
      if (w.cursor < compacted) {
        this.#fail(
          w,
          new StoreError(
            'Compacted',
            `required revision ${w.cursor} has been compacted (compacted revision ${compacted})`,
          ),
        );
        return;
      }
      const upTo = this.#source.committedRevision();
      if (w.cursor > upTo) {
        // A start in the future: nothing to replay; live events above the cursor will come.
        w.live = true;
        return;
      }
      const page = this.#source.history(w.prefix, w.cursor, upTo, REPLAY_PAGE);
      if (page.length < REPLAY_PAGE) {
        w.cursor = upTo;
        w.live = true;
      } else {
        w.cursor = page[page.length - 1].revision;
        setImmediate(() => this.#replay(w));
      }
      if (page.length > 0) this.#deliver(w, page);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.#log('watch replay failed', { prefix: w.prefix, error: message });
      this.#fail(
        w,
        err instanceof StoreError ? err : new StoreError('Unavailable', `watch replay failed: ${message}`),
      );
    }
  }

  #deliver(w: Watcher, events: WatchEvent[]): void {
    try {
      w.handlers.onEvents(events);
    } catch (err) {
      // A consumer's bug must not stop the other watchers or the writer that is publishing.
      this.#log('watch handler threw', {
        prefix: w.prefix,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  #fail(w: Watcher, err: StoreError): void {
    if (w.closed) return;
    w.closed = true;
    this.#watchers.delete(w);
    try {
      w.handlers.onError(err);
    } catch (e) {
      this.#log('watch error handler threw', {
        prefix: w.prefix,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
}
