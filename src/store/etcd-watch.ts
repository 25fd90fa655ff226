/**
 * One Store watch on etcd: one gRPC Watch stream holding one etcd watcher (etcd answers progress
 * requests per stream, so sharing a stream would let one slow watcher starve the others' progress).
 *
 * The watcher starts AT `afterRevision` (not after it) and drops events at or below it: etcd then
 * refuses exactly when `afterRevision` is below the compacted revision, the contract's rule, and
 * answers compact_revision, which becomes onError(Compacted).
 *
 * When the stream breaks (member gone, connection reset), the watch moves to the next endpoint and
 * resumes from the newest event it delivered, so callers see neither a gap nor a duplicate. If no
 * endpoint takes it, or the resume point was compacted meanwhile, onError says so (Unavailable /
 * Compacted) and the caller restarts from its own last revision or relists.
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { StoreError } from './types.ts';
import type { Watch, WatchEvent, WatchHandlers } from './types.ts';
import { describe } from './etcd-client.ts';
import type { EtcdClient } from './etcd-client.ts';
import type { WatchRequest, WatchResponse, WireEvent } from './etcd-wire.ts';

/** Handlers an etcd watch also understands: progress notices (no events, a revision reached). */
export interface EtcdWatchHandlers extends WatchHandlers {
  /**
   * Every event of this watch with revision <= `revision` has been delivered. Sent periodically by
   * etcd (its --experimental-watch-progress-notify-interval) and in answer to requestProgress().
   */
  onProgress?(revision: number): void;
}

/** A Store watch with etcd's progress request. */
export interface EtcdWatch extends Watch {
  /** Asks etcd for a progress notice (delivered via onProgress once this watcher is in sync). */
  requestProgress(): void;
}

export interface WatchTarget {
  key: Buffer;
  rangeEnd: Buffer;
  /** Store key from an etcd key (the store's own prefix removed). */
  decodeKey(key: Buffer): string;
}

/** How many times in a row a broken stream is re-opened before the watch gives up. */
const MAX_RESUMES = 6;

/** Starts a watch; `onEnd` runs once when it stops for any reason. */
export function startEtcdWatch(
  client: EtcdClient,
  target: WatchTarget,
  afterRevision: number,
  handlers: EtcdWatchHandlers,
  onEnd: () => void,
): EtcdWatch {
  let last = afterRevision;
  let done = false;
  let resumes = 0;
  let stream: ClientDuplexStream<WatchRequest, WatchResponse> | undefined;

  const stop = (): void => {
    if (done) return;
    done = true;
    stream?.removeAllListeners();
    stream?.on('error', () => {});
    stream?.cancel();
    stream = undefined;
    onEnd();
  };
  const fail = (err: StoreError): void => {
    if (done) return;
    stop();
    handlers.onError(err);
  };

  const open = (): void => {
    let s: ClientDuplexStream<WatchRequest, WatchResponse>;
    let index: number;
    try {
      ({ stream: s, index } = client.openWatch());
    } catch (err) {
      fail(err instanceof StoreError ? err : new StoreError('Unavailable', describe(err)));
      return;
    }
    stream = s;
    s.on('data', (res: WatchResponse) => {
      if (done || stream !== s) return;
      if (res.compact_revision > 0) {
        fail(
          new StoreError(
            'Compacted',
            `required revision ${last} has been compacted (compacted revision ${res.compact_revision})`,
          ),
        );
        return;
      }
      if (res.canceled) {
        fail(
          new StoreError('Unavailable', `etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`),
        );
        return;
      }
      if (res.created) resumes = 0;
      if (res.events.length > 0) {
        const batch: WatchEvent[] = [];
        for (const e of res.events) {
          if (e.kv.mod_revision <= last) continue;
          batch.push(toWatchEvent(e, target));
          last = e.kv.mod_revision;
        }
        if (batch.length > 0) handlers.onEvents(batch);
      } else if (!res.created && !res.canceled) {
        handlers.onProgress?.(res.header.revision);
      }
    });
    const broken = (err: unknown): void => {
      if (done || stream !== s) return;
      s.removeAllListeners();
      s.on('error', () => {});
      stream = undefined;
      client.failover(index, err);
      if (++resumes > MAX_RESUMES) {
        fail(new StoreError('Unavailable', `etcd watch broke and could not resume: ${describe(err)}`));
        return;
      }
      // Back off a little after the first retry, so a leader election can finish.
      setTimeout(open, resumes === 1 ? 0 : 100 * 2 ** (resumes - 2)).unref();
    };
    s.on('error', broken);
    s.on('end', () => broken(new Error('watch stream ended')));
    s.write({
      create_request: {
        key: target.key,
        range_end: target.rangeEnd,
        // 0 would mean "from now"; the first revision etcd ever writes is 1.
        start_revision: Math.max(last, 1),
        progress_notify: true,
        prev_kv: true,
      },
    });
  };

  open();
  return {
    close: stop,
    progressOrdered: client.progressOrdered,
    requestProgress: () => {
      if (!done) stream?.write({ progress_request: {} });
    },
  };
}

function toWatchEvent(e: WireEvent, target: WatchTarget): WatchEvent {
  const key = target.decodeKey(e.kv.key);
  if (e.type === 'DELETE') {
    // A delete event's kv holds only the key and the tombstone revision; the old value is prev_kv.
    return {
      type: 'delete',
      key,
      value: e.prev_kv ? e.prev_kv.value.toString('utf8') : '',
      revision: e.kv.mod_revision,
      createRevision: e.prev_kv?.create_revision ?? 0,
    };
  }
  const ev: WatchEvent = {
    type: 'put',
    key,
    value: e.kv.value.toString('utf8'),
    revision: e.kv.mod_revision,
    createRevision: e.kv.create_revision,
  };
  if (e.prev_kv && e.kv.version > 1) ev.prevValue = e.prev_kv.value.toString('utf8');
  return ev;
}
