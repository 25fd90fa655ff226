import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { builtinRegistry } from '../../api/kinds/index.ts';
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { WatchStream } from './watch-stream.ts';

const kind = builtinRegistry().byGVR('', 'v1', 'configmaps')!;

/** A response that records its writes, and the request it belongs to. */
function fakeExchange(): {
  req: IncomingMessage;
  res: ServerResponse;
  writes: string[];
  ended: () => boolean;
} {
  const writes: string[] = [];
  let ended = false;
  const res = Object.assign(new EventEmitter(), {
    writableLength: 0,
    get writableEnded() {
      return ended;
    },
    writeHead: () => res,
    flushHeaders: () => {},
    write: (s: string) => void writes.push(s),
    end: () => void (ended = true),
  });
  const req = Object.assign(new EventEmitter(), { socket: { setNoDelay: () => {} } });
  return {
    req: req as unknown as IncomingMessage,
    res: res as unknown as ServerResponse,
    writes,
    ended: () => ended,
  };
}

const cm = (name: string, rv: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: String(rv) },
});

function open(ex: ReturnType<typeof fakeExchange>): WatchStream {
  return new WatchStream(ex.req, ex.res, {
    kind,
    rendering: 'object',
    include: 'Object',
    bookmarks: false,
    timeoutSeconds: 0,
    revision: () => 0,
    onClose: () => {},
  });
}

const lines = (writes: string[]): { type: string; name?: string }[] =>
  writes
    .join('')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; object: { metadata?: { name?: string } } })
    .map((e) => ({ type: e.type, name: e.object.metadata?.name }));

test('events sent in one synchronous run go out as one write, after it', async () => {
  const ex = fakeExchange();
  const w = open(ex);
  for (let i = 1; i <= 3; i++) w.send('ADDED', cm(`c${i}`, i), undefined, undefined);
  assert.equal(ex.writes.length, 0, 'nothing written during the run');
  await Promise.resolve();
  assert.equal(ex.writes.length, 1);
  assert.deepEqual(lines(ex.writes), [
    { type: 'ADDED', name: 'c1' },
    { type: 'ADDED', name: 'c2' },
    { type: 'ADDED', name: 'c3' },
  ]);
  w.send('MODIFIED', cm('c1', 4), undefined, undefined);
  await Promise.resolve();
  assert.equal(ex.writes.length, 2, 'a later run is a later write');
});

test('end() writes what is pending, then the ERROR event, then ends the response', () => {
  const ex = fakeExchange();
  const w = open(ex);
  w.send('ADDED', cm('a', 1), undefined, undefined);
  w.end(new StatusError(410, 'Expired', 'too old'));
  assert.ok(ex.ended());
  assert.deepEqual(lines(ex.writes), [
    { type: 'ADDED', name: 'a' },
    { type: 'ERROR', name: undefined },
  ]);
});

test('a run larger than 64 KiB is written in pieces as it goes', () => {
  const ex = fakeExchange();
  const w = open(ex);
  const big = { ...cm('big', 1), data: { k: 'x'.repeat(40 * 1024) } };
  w.send('ADDED', big, undefined, undefined);
  assert.equal(ex.writes.length, 0);
  w.send('ADDED', big, undefined, undefined);
  assert.equal(ex.writes.length, 1, 'written once past the limit, without waiting for the run to end');
});
