/**
 * A watch response: HTTP 200, chunked, one JSON event per line. Each cache event's encoding is built
 * once and shared by every watcher that receives it (the `memo` on the event), so fan-out costs a
 * socket write per watcher. Lines sent in one synchronous run (the events of one group commit, an
 * initial list) are joined and written once, at the end of that run: one HTTP chunk, one socket
 * write and one read on the client instead of one per event. Bookmarks go out periodically when asked for; timeoutSeconds ends the
 * stream; a watcher whose socket cannot keep up is closed and relists, never buffered without bound.
 * An in-process watcher that named a receiver (client/object-watch.ts) gets every event as an
 * object instead — the cache's own, deep-frozen, shared with the other in-process watchers — and an
 * empty body that ends when the watch does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDef } from '../../api/kinds/types.ts';
import { formatApiVersion, type KubeObject } from '../../api/object.ts';
import type { StatusError } from '../../api/errors.ts';
import type { CachedObject, CacheEvent } from '../watchcache.ts';
import type { WatchSink } from '../registry/list.ts';
import { table, type IncludeObject } from '../tables.ts';
import type { Rendering } from '../http/negotiate.ts';
import type { EventSink } from '../../client/object-watch.ts';
import { freezeOwned } from '../../client/store.ts';

/** A watcher is closed once this much output is waiting in its socket. */
const maxBuffered = 16 * 1024 * 1024;
/** Joined lines are written at once past this size (a large initial list goes out in pieces). */
const maxJoined = 64 * 1024;

export interface WatchStreamOptions {
  kind: KindDef;
  rendering: Rendering;
  include: IncludeObject;
  bookmarks: boolean;
  timeoutSeconds: number;
  /** The current revision, for bookmarks. */
  revision: () => number;
  bookmarkIntervalMs?: number;
  onClose: () => void;
  /** In-process receiver: events go to it as objects, nothing to the body. Not with tables. */
  sink?: EventSink;
}

export class WatchStream implements WatchSink {
  private readonly res: ServerResponse;
  private readonly o: WatchStreamOptions;
  private closed = false;
  private firstTable = true;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastRv = '';
  /** Lines waiting for the end of the current synchronous run. */
  private pending = '';
  private flushQueued = false;

  constructor(req: IncomingMessage, res: ServerResponse, o: WatchStreamOptions) {
    this.res = res;
    this.o = o;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const stop = () => this.close();
    req.on('close', stop);
    res.on('close', stop);
    if (o.timeoutSeconds > 0) this.timers.push(setTimeout(() => this.end(), o.timeoutSeconds * 1000));
    if (o.bookmarks) {
      this.timers.push(setInterval(() => this.bookmark(), o.bookmarkIntervalMs ?? 30_000));
    }
  }

  private encode(
    type: string,
    obj: KubeObject,
    ev: CacheEvent | undefined,
    cached: CachedObject | undefined,
  ): string {
    const r = this.o.rendering;
    if (r === 'table') {
      const withColumns = this.firstTable;
      this.firstTable = false;
      const memoKey = `table:${this.o.include}:${withColumns}:${type}`;
      const hit = ev?.memo?.get(memoKey);
      if (hit) return hit;
      const line =
        JSON.stringify({
          type,
          object: table(
            this.o.kind,
            [obj],
            { resourceVersion: obj.metadata.resourceVersion },
            this.o.include,
            withColumns,
          ),
        }) + '\n';
      if (ev) (ev.memo ??= new Map()).set(memoKey, line);
      return line;
    }
    const memoKey = `${r}:${type}`;
    const hit = ev?.memo?.get(memoKey);
    if (hit) return hit;
    let body: string;
    if (r === 'metadata') {
      body = JSON.stringify({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: obj.metadata,
      });
    } else if (cached && cached.obj === obj) {
      body = cached.json();
    } else {
      body = JSON.stringify(obj);
    }
    const line = `{"type":"${type}","object":${body}}\n`;
    if (ev) (ev.memo ??= new Map()).set(memoKey, line);
    return line;
  }

  send(
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    obj: KubeObject,
    ev: CacheEvent | undefined,
    cached: CachedObject | undefined,
  ): void {
    if (this.closed) return;
    this.lastRv = obj.metadata.resourceVersion ?? this.lastRv;
    if (this.o.sink) this.o.sink(type, this.handOver(obj));
    else this.write(this.encode(type, obj, ev, cached));
  }

  /**
   * What an in-process receiver gets: the object itself, deep-frozen in place (the watch cache's
   * objects are never changed after they are cached, so freezing only makes that promise loud), or
   * its metadata for metadata watches.
   */
  private handOver(obj: KubeObject): unknown {
    if (this.o.rendering === 'metadata')
      return freezeOwned({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: obj.metadata,
      });
    return freezeOwned(obj);
  }

  private write(line: string): void {
    if (this.closed) return;
    this.pending += line;
    if (this.pending.length >= maxJoined) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    if (this.closed || text === '') return;
    if (this.res.writableLength > maxBuffered) {
      // Too slow: end the stream; the client relists and watches again.
      this.close();
      return;
    }
    this.res.write(text);
  }

  /** A BOOKMARK event carrying only the current resourceVersion. */
  bookmark(annotations?: Record<string, string>): void {
    const k = this.o.kind;
    const rv = String(Math.max(this.o.revision(), Number(this.lastRv || 0)));
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (annotations) metadata.annotations = annotations;
    if (this.o.sink) {
      if (!this.closed)
        this.o.sink('BOOKMARK', { kind: k.kind, apiVersion: formatApiVersion(k.group, k.version), metadata });
      return;
    }
    this.write(
      JSON.stringify({
        type: 'BOOKMARK',
        object: { kind: k.kind, apiVersion: formatApiVersion(k.group, k.version), metadata },
      }) + '\n',
    );
  }

  /** Ends the stream, with an ERROR event first when there is a reason. */
  end(reason?: StatusError): void {
    if (this.closed) return;
    if (reason && this.o.sink) this.o.sink('ERROR', reason.status);
    else if (reason) this.write(JSON.stringify({ type: 'ERROR', object: reason.status }) + '\n');
    this.flush();
    this.res.end();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (!this.res.writableEnded) this.res.end();
    this.o.onClose();
  }
}
