/**
 * The event recorder: writes core/v1 Events about objects on behalf of a component ("deployment-
 * controller"). A repeat of an event already written — same involvedObject, type, reason and
 * message — does not create a new Event: the existing one is PATCHed with count+1 and a new
 * lastTimestamp, which is what keeps a crash-looping object from flooding the API. Writes are
 * asynchronous and serialized per aggregation key (so count never goes backwards); `flush` waits
 * for them. A write that fails is logged, never thrown at the caller.
 *
 * Events are the API's lowest-priority writes: at most `maxInflight` of one recorder are on the
 * wire at a time (client-go's broadcaster writes one at a time), so a burst — a scheduler binding
 * thousands of pods, a ReplicaSet creating them — does not put one Event request beside every
 * request that does the work. Past `maxQueued` waiting writes new events are dropped and counted
 * in the log, as client-go drops them when its queue is full.
 */
import type { DeepReadonly, KubeObject } from '../api/object.ts';
import type { Client, ResourceClient } from './client.ts';
import { realClock, type Clock } from './clock.ts';
import { stderrLogger, type ClientLogger } from './logger.ts';
import { isNotFound } from './status.ts';

export type EventType = 'Normal' | 'Warning';

/** The parts of an object an Event points at. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventRecorderOptions {
  client: Client;
  /** source.component and reportingComponent, e.g. "replicaset-controller". */
  component: string;
  /** source.host (the node, for agents). */
  host?: string;
  /** reportingInstance; defaults to component (plus host). */
  instance?: string;
  /** How many aggregation keys to remember (oldest forgotten first; default 4096). */
  cacheSize?: number;
  /** Writes of this recorder on the wire at once (default 4). */
  maxInflight?: number;
  /** Writes waiting for a turn beyond which new events are dropped (default 10,000). */
  maxQueued?: number;
  clock?: Clock;
  logger?: ClientLogger;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
}

/** RFC 3339 without fractional seconds, as Event timestamps are written. */
function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The reference an Event records for `obj`. */
export function referenceTo(obj: KubeObject | DeepReadonly<KubeObject>): ObjectReference {
  const ref: ObjectReference = {};
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.kind) ref.kind = obj.kind;
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.name) ref.name = obj.metadata.name;
  if (obj.metadata.uid) ref.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}

/** Records Events for one component. */
export class EventRecorder {
  private readonly o: EventRecorderOptions;
  private readonly events: ResourceClient;
  private readonly clock: Clock;
  private readonly log: ClientLogger;
  private readonly seen = new Map<string, Seen>();
  private readonly chains = new Map<string, Promise<void>>();
  private seq = 0;
  /** Writes on the wire now, and the turns waiting for a slot (oldest first). */
  private inflight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Events dropped since the last log line about it. */
  private dropped = 0;
  private droppedLoggedAt = -Infinity;

  constructor(opts: EventRecorderOptions) {
    this.o = opts;
    this.events = opts.client.resource('', 'v1', 'events');
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? stderrLogger;
  }

  /** Records that `reason` happened to `obj` (an object or a reference). Returns at once; see `flush`. */
  event(
    obj: KubeObject | DeepReadonly<KubeObject> | ObjectReference,
    type: EventType,
    reason: string,
    message: string,
  ): void {
    const ref =
      'metadata' in obj && typeof obj.metadata === 'object'
        ? referenceTo(obj as KubeObject)
        : (obj as ObjectReference);
    // Aggregation ignores resourceVersion: the same thing happening to a changed object is a repeat.
    const key = JSON.stringify([
      ref.apiVersion,
      ref.kind,
      ref.namespace,
      ref.name,
      ref.uid,
      ref.fieldPath,
      type,
      reason,
      message,
    ]);
    if (this.waiting.length >= (this.o.maxQueued ?? 10_000)) return this.drop(ref, reason);
    const prev = this.chains.get(key) ?? Promise.resolve();
    const at = this.clock.now(); // when it happened, not when the write gets its turn
    const next = prev.then(() => this.turn(() => this.write(key, ref, type, reason, message, at)));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Resolves when every event recorded so far has been written (or has failed and been logged). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** Runs `fn` once fewer than maxInflight writes are on the wire (first come, first served). */
  private async turn(fn: () => Promise<void>): Promise<void> {
    if (this.inflight >= (this.o.maxInflight ?? 4))
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inflight++;
    try {
      await fn();
    } finally {
      // The slot passes straight to the next waiter, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.inflight--;
    }
  }

  private drop(ref: ObjectReference, reason: string): void {
    this.dropped++;
    const now = this.clock.now();
    if (now - this.droppedLoggedAt < 10_000) return;
    this.droppedLoggedAt = now;
    this.log.error(
      { dropped: this.dropped, involvedObject: ref, reason, component: this.o.component },
      'event queue full: events dropped',
    );
    this.dropped = 0;
  }

  private async write(
    key: string,
    ref: ObjectReference,
    type: EventType,
    reason: string,
    message: string,
    at: number,
  ): Promise<void> {
    const now = time(at);
    const seen = this.seen.get(key);
    try {
      if (seen) {
        try {
          await this.events.patch(seen.namespace, seen.name, 'merge', {
            count: seen.count + 1,
            lastTimestamp: now,
          });
          seen.count++;
          this.remember(key, seen);
          return;
        } catch (err) {
          // The Event expired or was deleted: start a new one below.
          if (!isNotFound(err)) throw err;
          this.seen.delete(key);
        }
      }
      const namespace = ref.namespace || 'default';
      const name = `${(ref.name ?? 'unknown').slice(0, 230)}.${(at * 1000 + (this.seq++ % 1000)).toString(16)}`;
      const instance =
        this.o.instance ?? (this.o.host ? `${this.o.component}-${this.o.host}` : this.o.component);
      const source: Record<string, string> = { component: this.o.component };
      if (this.o.host) source.host = this.o.host;
      await this.events.create(namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: ref,
        reason,
        message,
        type,
        source,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        reportingComponent: this.o.component,
        reportingInstance: instance,
      });
      this.remember(key, { namespace, name, count: 1 });
    } catch (err) {
      this.log.error(
        { err, involvedObject: ref, reason, component: this.o.component },
        'could not write event',
      );
    }
  }

  /** Keeps the key as most recent and drops the oldest beyond cacheSize. */
  private remember(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    const max = this.o.cacheSize ?? 4096;
    while (this.seen.size > max) this.seen.delete(this.seen.keys().next().value as string);
  }
}
