/**
 * Shared pieces of the Store conformance suite: a fresh store per test, a private key prefix, and a
 * watch collector with a deadline (so a missing event fails the test instead of hanging it).
 */
import { randomUUID } from 'node:crypto';
import type { Store, StoreErrorCode, WatchEvent } from './types.ts';
import { StoreError } from './types.ts';
import assert from 'node:assert/strict';

/** Opens a fresh store for one test. */
export type OpenStore = () => Promise<Store>;

/** Runs `fn` on a fresh store and always closes it. */
export async function withStore(
  open: OpenStore,
  fn: (store: Store, prefix: string) => Promise<void>,
): Promise<void> {
  const store = await open();
  try {
    await fn(store, `/conformance/${randomUUID()}/`);
  } finally {
    await store.close();
  }
}

/** Asserts that `p` rejects with a StoreError of `code`, and returns that error. */
export async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StoreError, `expected StoreError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected StoreError ${code}, but it resolved`);
}

/** What a watch produced before the collector stopped. */
export interface Collected {
  events: WatchEvent[];
  error?: StoreError;
}

/**
 * Watches `prefix` after `afterRevision` until `done(events)` holds or the watch errors; rejects after
 * `timeoutMs`. Also checks the ordering promise: revisions strictly increase across all batches.
 */
export function collect(
  store: Store,
  prefix: string,
  afterRevision: number,
  done: (events: WatchEvent[]) => boolean,
  timeoutMs = 5000,
): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    let last = afterRevision;
    const timer = setTimeout(() => {
      watch.close();
      reject(new Error(`watch timed out with ${events.length} events: ${JSON.stringify(events.slice(-3))}`));
    }, timeoutMs);
    const finish = (error?: StoreError): void => {
      clearTimeout(timer);
      watch.close();
      resolve({ events, error });
    };
    const watch = store.watch(prefix, afterRevision, {
      onEvents: (batch) => {
        for (const e of batch) {
          if (e.revision <= last) {
            clearTimeout(timer);
            watch.close();
            reject(new Error(`watch event out of order or duplicated: ${e.revision} after ${last}`));
            return;
          }
          last = e.revision;
          events.push(e);
        }
        if (done(events)) finish();
      },
      onError: (err) => finish(err),
    });
    if (done(events)) finish();
  });
}

/** The events' [type, key, value] triples, for compact assertions. */
export function summary(events: readonly WatchEvent[]): Array<[string, string, string]> {
  return events.map((e) => [e.type, e.key, e.value]);
}
