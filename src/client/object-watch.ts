/**
 * Watches handed over in process: a transport wrapper for components that run inside the API
 * server's process (controller manager, scheduler). The watch request still travels the in-process
 * HTTP connection — authentication, authorization and the watch code are the same as for any
 * client — but it names a receiver registered here, and the server calls that receiver with its
 * cached objects (deep-frozen, shared) instead of writing JSON lines for this side to parse and
 * freeze again. Informers then hold the watch cache's own objects: one copy of each object in the
 * process instead of one per in-process informer, and no encode/decode per event.
 */
import type { Transport, TransportEvent, TransportEventStream, TransportRequest } from './transport.ts';
import { readAll } from './transport.ts';
import { LineSplitter } from './watch.ts';

/** The header naming the receiver of an in-process watch (honoured on in-process connections only). */
export const eventSinkHeader = 'x-berth-event-sink';

/** Receives one watch event: wire type (ADDED … BOOKMARK, ERROR) and the deep-frozen object. */
export type EventSink = (type: string, object: unknown) => void;

/** The API server's registry of in-process receivers (ApiServer.inProcess implements it). */
export interface EventSinks {
  /** Registers `sink` for one watch request; the token goes in the request's eventSinkHeader. */
  open(sink: EventSink): string;
  /** Forgets a token the server did not take (an error answer, a request that never arrived). */
  release(token: string): void;
}

/**
 * Events waiting for a consumer that does not keep up; past this the watch ends with an error and
 * the informer watches again, as the server ends a network watcher whose socket backs up.
 */
const maxQueued = 200_000;

/** `base` with watchObjects: watches over `base.stream` whose events arrive through `sinks`. */
export function withObjectWatches<T extends Transport>(base: T, sinks: EventSinks): T {
  return { ...base, watchObjects: (req: TransportRequest) => watchObjects(base, sinks, req) };
}

async function watchObjects(
  base: Transport,
  sinks: EventSinks,
  req: TransportRequest,
): Promise<TransportEventStream> {
  const queue: TransportEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: Error | undefined;
  const stop = (err?: Error) => {
    failure ??= err;
    done = true;
    wake?.();
  };
  const push = (type: string, object: unknown) => {
    if (done) return;
    queue.push({ type, object });
    if (queue.length > maxQueued) {
      queue.length = 0;
      stop(new Error(`watch ${req.path}: more than ${maxQueued} events waiting; watching again`));
      s?.close();
      return;
    }
    wake?.();
  };
  const token = sinks.open(push);
  let s: Awaited<ReturnType<Transport['stream']>> | undefined;
  try {
    s = await base.stream({ ...req, headers: { ...req.headers, [eventSinkHeader]: token } });
  } catch (err) {
    sinks.release(token);
    throw err;
  }
  const stream = s;
  if (stream.status < 200 || stream.status > 299) {
    sinks.release(token);
    return {
      status: stream.status,
      headers: stream.headers,
      errorBody: () => readAll(stream),
      close: () => stream.close(),
      async *[Symbol.asyncIterator]() {},
    };
  }
  // The body stays empty when the server took the receiver; a server that did not (another
  // rendering) sends lines, which join the same queue.
  void (async () => {
    const split = new LineSplitter();
    const line = (l: string) => {
      const v = JSON.parse(l) as { type?: unknown; object?: unknown };
      push(String(v.type), v.object);
    };
    try {
      for await (const chunk of stream) for (const l of split.push(chunk)) line(l);
      const last = split.end();
      if (last !== undefined) line(last);
      stop();
    } catch (err) {
      stop(err as Error);
    } finally {
      sinks.release(token);
    }
  })();
  return {
    status: stream.status,
    headers: stream.headers,
    errorBody: () => readAll(stream),
    close() {
      stream.close();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) {
          for (const ev of queue.splice(0)) yield ev;
          continue;
        }
        if (done) {
          if (failure) throw failure;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}
