/**
 * A list kept current by a watch: the state is the objects by `namespace/name` plus the
 * resourceVersion to resume from. Events apply immutably (a new Map when anything changed, the same
 * state object when nothing did, so React skips renders for bookmarks). resourceVersions are opaque:
 * they are stored and sent back, never compared. An ERROR event with code 410 (Expired/Gone) means
 * the server no longer has our starting point: the caller must list again.
 */
import { isStatus } from './status.ts';
import type { KubeObject, Status, WatchEvent } from './types.ts';

/** Objects by key and the resourceVersion to watch from. */
export interface ListState<T extends KubeObject> {
  readonly items: ReadonlyMap<string, T>;
  readonly resourceVersion: string;
}

/** What applying a batch of events produced. */
export interface MergeResult<T extends KubeObject> {
  state: ListState<T>;
  /** The server said our resourceVersion is too old (410): list again. */
  expired: boolean;
  /** A non-410 ERROR event, to show to the user; the caller should re-watch. */
  error?: Status;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

/** The state a fresh LIST gives. */
export function listState<T extends KubeObject>(items: readonly T[], resourceVersion: string): ListState<T> {
  return { items: new Map(items.map((o) => [objectKey(o), o])), resourceVersion };
}

/** Applies `events` in order; stops at the first ERROR (nothing after it can be trusted). */
export function applyEvents<T extends KubeObject>(
  state: ListState<T>,
  events: readonly WatchEvent<T>[],
): MergeResult<T> {
  let items: Map<string, T> | undefined;
  let resourceVersion = state.resourceVersion;
  for (const ev of events) {
    if (ev.type === 'ERROR' || isStatus(ev.object)) {
      const status = ev.object as Status;
      const next = finish(state, items, resourceVersion);
      if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
        return { state: next, expired: true };
      }
      return { state: next, expired: false, error: status };
    }
    const obj = ev.object;
    const rv = obj.metadata?.resourceVersion;
    if (rv) resourceVersion = rv;
    if (ev.type === 'BOOKMARK') continue;
    items ??= new Map(state.items);
    if (ev.type === 'DELETED') items.delete(objectKey(obj));
    else items.set(objectKey(obj), obj);
  }
  return { state: finish(state, items, resourceVersion), expired: false };
}

function finish<T extends KubeObject>(
  state: ListState<T>,
  items: Map<string, T> | undefined,
  resourceVersion: string,
): ListState<T> {
  if (!items && resourceVersion === state.resourceVersion) return state;
  return { items: items ?? state.items, resourceVersion };
}

/** The objects sorted by namespace then name, for stable table order. */
export function sortedItems<T extends KubeObject>(state: ListState<T>): T[] {
  return [...state.items.values()].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
}
