/**
 * The reflector keeps a sink (the informer) in step with the server: list (in pages), hand the
 * whole list over with `replace`, then watch from the list's resourceVersion with bookmarks and
 * apply each event. A watch that ends (server timeout, dropped connection) is reopened from the
 * last resourceVersion seen; a 410 Expired — as an ERROR event or an HTTP answer — means that
 * version has been compacted away, so it lists again. Other failures back off exponentially.
 * resourceVersions are opaque strings: they are only passed back, never compared.
 */
import type { KubeObject } from '../api/object.ts';
import type { ResourceClient } from './client.ts';
import { realClock, sleep, type Clock } from './clock.ts';
import { stderrLogger, type ClientLogger } from './logger.ts';
import { isExpired } from './status.ts';
import { freezeOwned } from './store.ts';
import type { WatchStream } from './watch.ts';

/** Where a reflector delivers what it learns. */
export interface ReflectorSink<T extends KubeObject> {
  /** The complete current set (after a list or relist), at `resourceVersion`. */
  replace(items: T[], resourceVersion: string): void;
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
}

export interface ReflectorOptions<T extends KubeObject> {
  client: ResourceClient<T>;
  sink: ReflectorSink<T>;
  /** '' or undefined: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of the list (default 500; 0 lists in one call). */
  pageSize?: number;
  /** Server-side watch timeout; default a random 300–600 s so many watches do not reconnect together. */
  watchTimeoutSeconds?: number;
  /** First and largest delay after a failure (default 800 ms and 30 s). */
  backoffMs?: { initial: number; max: number };
  clock?: Clock;
  logger?: ClientLogger;
  /** Applied to every listed and watched object before it is frozen and cached; see InformerOptions. */
  transform?: (obj: T) => T;
}

/** One list-and-watch loop; `run` until `stop`. */
export class Reflector<T extends KubeObject> {
  /** resourceVersion of the last list, event or bookmark applied. */
  lastSyncResourceVersion = '';
  private readonly o: ReflectorOptions<T>;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private readonly abort = new AbortController();
  private current: WatchStream<T> | undefined;
  private failures = 0;
  private running: Promise<void> | undefined;

  constructor(opts: ReflectorOptions<T>) {
    this.o = opts;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? stderrLogger;
  }

  private get what(): string {
    const { group, version, resource } = this.o.client;
    return `${group ? group + '/' : ''}${version}/${resource}${this.o.namespace ? ` in ${this.o.namespace}` : ''}`;
  }

  /** Starts the loop (once); the promise settles after `stop`. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Stops the loop and closes the open watch; resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.current?.close();
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          this.failures = 0;
        }
        if (this.stopped) break;
        // A watch that ends at once without events (a server refusing to hold it open) must
        // not become a tight reconnect loop; one that carried events or lasted is healthy.
        const started = this.clock.now();
        const gotEvents = await this.watch();
        if (gotEvents || this.clock.now() - started >= 1000) this.failures = 0;
        else await this.backoff();
      } catch (err) {
        if (this.stopped) break;
        if (isExpired(err)) {
          this.log.info(
            { resource: this.what, resourceVersion: this.lastSyncResourceVersion },
            'watch expired; relisting',
          );
          needList = true;
          continue;
        }
        this.log.warn(
          { resource: this.what, err, phase: needList ? 'list' : 'watch' },
          'list/watch failed; retrying',
        );
        await this.backoff();
      }
    }
  }

  private async backoff(): Promise<void> {
    const { initial, max } = this.o.backoffMs ?? { initial: 800, max: 30_000 };
    const ms = Math.min(max, initial * 2 ** Math.min(this.failures++, 30));
    await sleep(this.clock, ms, this.abort.signal);
  }

  /** Lists every page, then replaces the sink's contents. A continue token that expired restarts unpaged. */
  private async list(): Promise<void> {
    const { client, namespace, labelSelector, fieldSelector } = this.o;
    const limit = this.o.pageSize ?? 500;
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    let paged = limit > 0;
    do {
      let page;
      try {
        page = await client.list(namespace, {
          labelSelector,
          fieldSelector,
          limit: paged ? limit : undefined,
          continue: cont,
        });
      } catch (err) {
        if (!(cont && isExpired(err))) throw err;
        this.log.info({ resource: this.what }, 'list continue token expired; listing again in one call');
        items.length = 0;
        cont = undefined;
        paged = false;
        continue;
      }
      // Decoded for this reflector alone: frozen in place, so the cache need not copy them.
      const t = this.o.transform;
      for (const item of page.items) items.push(freezeOwned(t ? t(item) : item));
      rv = page.metadata.resourceVersion ?? rv;
      cont = page.metadata.continue || undefined;
      if (this.stopped) return;
    } while (cont);
    this.o.sink.replace(items, rv);
    this.lastSyncResourceVersion = rv;
  }

  /** Watches until the stream ends; true if any event arrived. Throws ERROR events and failures. */
  private async watch(): Promise<boolean> {
    const timeoutSeconds = this.o.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    const w = await this.o.client.watch(this.o.namespace, {
      resourceVersion: this.lastSyncResourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
      labelSelector: this.o.labelSelector,
      fieldSelector: this.o.fieldSelector,
      signal: this.abort.signal,
    });
    this.current = w;
    let got = false;
    try {
      for await (const ev of w) {
        if (this.stopped) break;
        got = true;
        this.failures = 0;
        if (ev.type !== 'BOOKMARK')
          this.o.sink.apply(ev.type, freezeOwned(this.o.transform ? this.o.transform(ev.object) : ev.object));
        const rv = ev.object.metadata.resourceVersion;
        if (rv) this.lastSyncResourceVersion = rv;
      }
    } finally {
      this.current = undefined;
      w.close();
    }
    return got;
  }
}
