/**
 * LIST and WATCH of one kind: label and field selectors, namespaces, paging with continue tokens, and
 * the resourceVersion rules (unset: latest, consistent; "0": any cached state; exact: that snapshot;
 * NotOlderThan: the cache once it has reached the revision).
 */
import { badRequest, StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { decodeStored, type CacheEvent, type CachedObject } from '../watchcache.ts';
import { decodeContinue, encodeContinue } from './keys.ts';
import { compileFilter, type ObjectFilter } from './filter.ts';
import {
  mapStoreError,
  parseRevision,
  tooLargeResourceVersion,
  type ResourceStore,
} from './resource-store.ts';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  /** Served objects (read-only: shared with the cache where no conversion happened). */
  items: KubeObject[];
  /** For callers that can reuse cached JSON text. Parallel to items when present. */
  cached?: CachedObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * What selectors are matched against: the object as this kind serves it. Kinds stored in another
 * kind's form (events.k8s.io over core events) select on their own field names.
 */
function servedView(rs: ResourceStore): (c: CachedObject) => KubeObject {
  return rs.kind.fromStorage ? (c) => rs.servedCached(c) : (c) => c.obj;
}

export function listQueryFrom(q: URLSearchParams): ListQuery {
  const limit = q.get('limit');
  let n: number | undefined;
  if (limit !== null && limit !== '') {
    if (!/^\d+$/.test(limit)) throw badRequest(`invalid limit: ${JSON.stringify(limit)}`);
    n = Number(limit);
  }
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: n,
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  };
}

export async function list(rs: ResourceStore, namespace: string, q: ListQuery): Promise<ListResult> {
  const filter = compileFilter(rs.kind, namespace, q.labelSelector, q.fieldSelector);
  const prefix = rs.prefix(namespace);
  const match = q.resourceVersionMatch;
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(
      `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
    );
  }
  if (match && !q.resourceVersion)
    throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (q.continue) {
    if (q.resourceVersion) throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(q.continue, prefix);
    return listFromStore(rs, prefix, filter, token.rv, q.limit ?? 0, token.start);
  }
  if (match === 'Exact' || (q.resourceVersion && q.resourceVersion !== '0' && q.limit && !match)) {
    // An exact snapshot (or, as Kubernetes does, a paged list at a given version) reads the store.
    return listFromStore(rs, prefix, filter, parseRevision(q.resourceVersion!), q.limit ?? 0, undefined);
  }
  let rev: number;
  await rs.cache.start();
  if (rs.cache.consistentListsNeedStore && q.resourceVersion !== '0') {
    // The cache cannot prove it holds every acknowledged write (watchcache.ts): a list that must
    // not be older than now, or than a version the cache has not reached, reads the store.
    const want = q.resourceVersion ? parseRevision(q.resourceVersion) : Infinity;
    if (want > rs.cache.revision) return listFromStore(rs, prefix, filter, 0, q.limit ?? 0, undefined);
    rev = rs.cache.revision;
  } else if (q.resourceVersion && q.resourceVersion !== '0') {
    const want = parseRevision(q.resourceVersion);
    rev = await rs.cache.syncTo();
    if (want > rev) throw tooLargeResourceVersion(`${want}, current: ${rev}`);
  } else {
    rev = await rs.cache.syncTo();
  }
  const all = rs.cache.list(prefix);
  const view = servedView(rs);
  const matched: CachedObject[] = [];
  const limit = q.resourceVersion === '0' ? 0 : (q.limit ?? 0);
  let i = 0;
  for (; i < all.length; i++) {
    if (!filter.matches(view(all[i]))) continue;
    if (limit && matched.length === limit) break;
    matched.push(all[i]);
  }
  const result: ListResult = {
    items: matched.map((c) => rs.servedCached(c)),
    cached: rs.kind.fromStorage ? undefined : matched,
    resourceVersion: String(rev),
  };
  if (i < all.length) {
    result.continue = encodeContinue({ rv: rev, start: matched[matched.length - 1].key });
    if (filter.trivial) result.remainingItemCount = all.length - i;
  }
  return result;
}

async function listFromStore(
  rs: ResourceStore,
  prefix: string,
  filter: ObjectFilter,
  rev: number,
  limit: number,
  after: string | undefined,
): Promise<ListResult> {
  const items: KubeObject[] = [];
  let start = after;
  let lastKey = '';
  let more = false;
  let readAt: number;
  // Read in chunks until the page is full, so selectors do not shrink pages below the limit.
  while (true) {
    const chunk = await rs.store
      .list(prefix, { revision: rev || undefined, limit: limit ? Math.max(limit, 100) : 0, after: start })
      .catch(mapStoreError);
    readAt = chunk.revision;
    let stoppedEarly = false;
    for (let i = 0; i < chunk.kvs.length; i++) {
      const kv = chunk.kvs[i];
      const obj = rs.served(decodeStored(kv.value, kv.modRevision));
      if (filter.matches(obj)) {
        if (limit && items.length === limit) {
          stoppedEarly = true;
          more = true;
          break;
        }
        items.push(obj);
      }
      lastKey = kv.key;
    }
    if (stoppedEarly || !chunk.more) break;
    start = chunk.kvs[chunk.kvs.length - 1].key;
  }
  const result: ListResult = { items, resourceVersion: String(readAt) };
  if (more) result.continue = encodeContinue({ rv: readAt, start: lastKey });
  return result;
}

/** Receives a watch's events after filtering; the HTTP layer encodes and writes them. */
export interface WatchSink {
  send(
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    obj: KubeObject,
    ev: CacheEvent | undefined,
    cached: CachedObject | undefined,
  ): void;
  end(reason?: StatusError): void;
}

export interface WatchQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
}

/**
 * Starts a watch: synthetic ADDED events for current objects when no resourceVersion (or "0") is
 * given, otherwise the cached events after that version; then live events. Returns a stop function.
 */
export async function watch(
  rs: ResourceStore,
  namespace: string,
  q: WatchQuery,
  sink: WatchSink,
): Promise<{ stop: () => void; revision: number }> {
  const filter = compileFilter(rs.kind, namespace, q.labelSelector, q.fieldSelector);
  const prefix = rs.prefix(namespace);
  const rev = await rs.cache.syncTo();
  const fromState = !q.resourceVersion || q.resourceVersion === '0' || q.sendInitialEvents === true;
  let backlog: CacheEvent[] = [];
  let startRevision = rev;
  if (!fromState) {
    const want = parseRevision(q.resourceVersion!);
    if (want > rev) throw tooLargeResourceVersion(`${want}, current: ${rev}`);
    backlog = rs.cache.since(want);
    startRevision = want;
  }
  const view = servedView(rs);
  const deliver = (events: CacheEvent[]) => {
    for (const ev of events) {
      if (!ev.object.key.startsWith(prefix)) continue;
      const now = filter.matches(view(ev.object));
      const before = ev.prev && ev.type !== 'ADDED' ? filter.matches(view(ev.prev)) : false;
      if (ev.type === 'DELETED') {
        if (before || now) sink.send('DELETED', rs.servedCached(ev.object), ev, ev.object);
      } else if (ev.type === 'ADDED') {
        if (now) sink.send('ADDED', rs.servedCached(ev.object), ev, ev.object);
      } else if (now && before) {
        sink.send('MODIFIED', rs.servedCached(ev.object), ev, ev.object);
      } else if (now) {
        sink.send('ADDED', rs.servedCached(ev.object), ev, ev.object);
      } else if (before) {
        sink.send('DELETED', rs.servedCached(ev.object), ev, ev.object);
      }
    }
  };
  if (fromState) {
    for (const c of rs.cache.list(prefix))
      if (filter.matches(view(c))) sink.send('ADDED', rs.servedCached(c), undefined, c);
  } else {
    deliver(backlog);
  }
  const remove = rs.cache.addWatcher({
    deliver,
    terminate: (reason) => sink.end(reason),
  });
  return { stop: remove, revision: startRevision };
}
