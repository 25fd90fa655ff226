/**
 * Decoding a watch stream: one JSON event per line, `{"type": ..., "object": ...}`, arriving in
 * chunks whose boundaries fall anywhere — inside a line, inside a multi-byte character. ERROR events
 * become a thrown StatusError (the reflector relists on 410 Expired); BOOKMARK events pass through,
 * since their resourceVersion is what lets a watch resume cheaply.
 */
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject } from '../api/object.ts';
import { isObject } from '../api/object.ts';
import { isStatus, statusErrorOf } from './status.ts';
import { StatusError } from '../api/errors.ts';
import type { TransportEvent } from './transport.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/** One decoded watch event. A BOOKMARK's object carries only kind, apiVersion and resourceVersion. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** A running watch: iterate for events; `close` ends it (iteration then simply finishes). */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
}

const types = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** Parses one line into an event; ERROR lines and malformed lines throw. */
export function parseWatchLine<T extends KubeObject>(line: string): WatchEvent<T> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error(`watch: malformed event line: ${line.slice(0, 200)}`);
  }
  if (!isObject(v)) throw new Error(`watch: event without a type: ${line.slice(0, 200)}`);
  return watchEventOf<T>(v.type, v.object, () => line.slice(0, 200));
}

/**
 * Checks one event (from a line, or handed over in process) and returns it; ERROR events throw
 * their Status, malformed ones an Error quoting `shown()`.
 */
export function watchEventOf<T extends KubeObject>(
  type: unknown,
  object: unknown,
  shown: () => string,
): WatchEvent<T> {
  if (typeof type !== 'string') throw new Error(`watch: event without a type: ${shown()}`);
  if (type === 'ERROR') {
    if (isStatus(object)) throw statusErrorOf(object);
    throw new StatusError(500, 'InternalError', `watch: ERROR event without a Status: ${shown()}`);
  }
  if (!types.has(type) || !isObject(object) || !isObject(object.metadata)) {
    throw new Error(`watch: unexpected event: ${shown()}`);
  }
  return { type: type as WatchEventType, object: object as T };
}

/** Splits chunks into complete lines (a trailing partial line is kept for the next chunk). */
export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private rest = '';

  /** Lines completed by `chunk`, without their newline; blank lines are dropped. */
  push(chunk: Buffer): string[] {
    const text = this.rest + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => l.trim()).filter((l) => l !== '');
  }

  /** Whatever is left when the stream ends (a last line without newline), or undefined. */
  end(): string | undefined {
    const last = (this.rest + this.decoder.end()).trim();
    this.rest = '';
    return last === '' ? undefined : last;
  }
}

/** Decodes a chunk stream into watch events. */
export async function* decodeWatch<T extends KubeObject>(
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<WatchEvent<T>> {
  const split = new LineSplitter();
  for await (const chunk of chunks) {
    for (const line of split.push(chunk)) yield parseWatchLine<T>(line);
  }
  const last = split.end();
  if (last !== undefined) yield parseWatchLine<T>(last);
}

/** Checks events handed over in process (Transport.watchObjects) as decodeWatch checks lines. */
export async function* checkWatchEvents<T extends KubeObject>(
  events: AsyncIterable<TransportEvent>,
): AsyncGenerator<WatchEvent<T>> {
  for await (const ev of events) yield watchEventOf<T>(ev.type, ev.object, () => `${ev.type} event`);
}
