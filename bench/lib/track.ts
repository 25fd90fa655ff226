/**
 * Follows the objects of one resource (list, then watch from the list's resourceVersion, re-watching
 * when the server ends the stream and relisting on 410) and tells the caller every change, so a
 * benchmark can keep its own counters and learn the moment a condition first holds — timed at the
 * watch event that made it true, not at the next poll.
 */
import type { KubeObject } from '../../src/api/object.ts';
import type { ResourceClient, WatchOptions } from '../../src/client/client.ts';
import { isExpired } from '../../src/client/status.ts';
import type { WatchStream } from '../../src/client/watch.ts';

/** What to follow, and whom to tell. `onChange` sees (undefined, obj) for a new object, (obj, undefined) for a gone one. */
export interface TrackOptions<T extends KubeObject> {
  api: ResourceClient<T>;
  namespace?: string;
  labelSelector?: string;
  onChange?: (prev: T | undefined, next: T | undefined) => void;
}

/** A running follower. */
export interface Tracker<T extends KubeObject> {
  /** The current objects by namespace/name. */
  readonly objects: ReadonlyMap<string, T>;
  /** The last watch error, if any (for timeout messages). */
  lastError(): string;
  close(): void;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** Lists, then follows the resource until `close`; resolves once the initial list is in. */
export async function track<T extends KubeObject>(opts: TrackOptions<T>): Promise<Tracker<T>> {
  const objects = new Map<string, T>();
  let rv = '';
  let closed = false;
  let stream: WatchStream<T> | undefined;
  let lastError = '';

  const set = (key: string, next: T | undefined): void => {
    const prev = objects.get(key);
    if (next) objects.set(key, next);
    else objects.delete(key);
    opts.onChange?.(prev, next);
  };
  const relist = async (): Promise<void> => {
    const list = await opts.api.list(opts.namespace, { labelSelector: opts.labelSelector });
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      set(key, item);
    }
    for (const key of [...objects.keys()]) if (!seen.has(key)) set(key, undefined);
    rv = list.metadata.resourceVersion ?? '';
  };

  await relist();
  void (async () => {
    while (!closed) {
      try {
        const wopts: WatchOptions = { resourceVersion: rv, allowWatchBookmarks: true };
        if (opts.labelSelector) wopts.labelSelector = opts.labelSelector;
        stream = await opts.api.watch(opts.namespace, wopts);
        if (closed) stream.close();
        for await (const ev of stream) {
          rv = ev.object.metadata.resourceVersion ?? rv;
          if (ev.type === 'BOOKMARK') continue;
          set(keyOf(ev.object), ev.type === 'DELETED' ? undefined : ev.object);
        }
      } catch (err) {
        if (closed) break;
        lastError = err instanceof Error ? err.message : String(err);
        if (isExpired(err)) await relist().catch(() => {});
        else await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    objects,
    lastError: () => lastError,
    close() {
      closed = true;
      stream?.close();
    },
  };
}

/** How long to wait, and what to say meanwhile. */
export interface UntilOptions {
  timeoutMs: number;
  /** Label for progress lines and the timeout error. */
  what: string;
  /** A short description of where things stand, printed every `progressEveryMs` (default 5 s). */
  progress?: () => string;
  progressEveryMs?: number;
  print?: (line: string) => void;
}

/**
 * Conditions over state the caller keeps: `check` (called from trackers' onChange handlers, after
 * each change) resolves every pending `until` whose condition now holds, with the time of that check.
 */
export interface Waiter {
  check(): void;
  /** Resolves with performance.now() when `done()` first holds at a check (now, if it already does). */
  until(done: () => boolean, opts: UntilOptions): Promise<number>;
}

/** A new Waiter with nothing pending. */
export function createWaiter(): Waiter {
  const pending = new Set<{ done: () => boolean; resolve: (at: number) => void }>();
  return {
    check() {
      if (pending.size === 0) return;
      const now = performance.now();
      for (const w of pending)
        if (w.done()) {
          pending.delete(w);
          w.resolve(now);
        }
    },
    until(done, u) {
      if (done()) return Promise.resolve(performance.now());
      const print = u.print ?? ((line: string) => process.stdout.write(line + '\n'));
      const t0 = performance.now();
      return new Promise<number>((resolve, reject) => {
        const say = (): string =>
          `${u.what}: ${((performance.now() - t0) / 1000).toFixed(1)} s${u.progress ? `, ${u.progress()}` : ''}`;
        const ticker = setInterval(() => print(`  ${say()}`), u.progressEveryMs ?? 5000);
        const timer = setTimeout(() => {
          pending.delete(entry);
          clearInterval(ticker);
          reject(new Error(`timed out after ${say()}`));
        }, u.timeoutMs);
        const entry = {
          done,
          resolve: (at: number) => {
            clearTimeout(timer);
            clearInterval(ticker);
            resolve(at);
          },
        };
        pending.add(entry);
      });
    },
  };
}
