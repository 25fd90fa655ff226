import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../api/errors.ts';
import { decodeWatch, LineSplitter, parseWatchLine, type WatchEvent } from './watch.ts';

async function* chunks(parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p;
}

async function collect(parts: Buffer[]): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const ev of decodeWatch(chunks(parts))) out.push(ev);
  return out;
}

const stream = [
  {
    type: 'ADDED',
    object: { kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '5' }, data: { k: 'héllo ✓' } },
  },
  { type: 'MODIFIED', object: { kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '6' } } },
  { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '9' } } },
  { type: 'DELETED', object: { kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '10' } } },
];
const bytes = Buffer.from(stream.map((e) => JSON.stringify(e)).join('\n') + '\n');

test('decodes the same events whatever the chunk boundaries (inside lines and multi-byte characters)', async () => {
  for (let cut = 0; cut <= bytes.length; cut++) {
    const got = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(got, stream, `split at byte ${cut}`);
  }
  const oneByteChunks = [...bytes].map((b) => Buffer.from([b]));
  assert.deepEqual(await collect(oneByteChunks), stream);
});

test('a last line without newline still counts; blank lines are skipped', async () => {
  const text = '\n' + JSON.stringify(stream[0]) + '\n\n' + JSON.stringify(stream[1]);
  assert.deepEqual(await collect([Buffer.from(text)]), stream.slice(0, 2));
});

test('BOOKMARK passes through with its resourceVersion', async () => {
  const [ev] = await collect([Buffer.from(JSON.stringify(stream[2]) + '\n')]);
  assert.equal(ev.type, 'BOOKMARK');
  assert.equal(ev.object.metadata.resourceVersion, '9');
});

test('an ERROR event throws a StatusError carrying the server Status, after the events before it', async () => {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'too old resource version: 1 (5)',
    reason: 'Expired',
    code: 410,
  };
  const text = JSON.stringify(stream[0]) + '\n' + JSON.stringify({ type: 'ERROR', object: status }) + '\n';
  const seen: string[] = [];
  await assert.rejects(
    async () => {
      for await (const ev of decodeWatch(chunks([Buffer.from(text)]))) seen.push(ev.type);
    },
    (err: unknown) =>
      err instanceof StatusError &&
      err.code === 410 &&
      err.reason === 'Expired' &&
      err.status.message === status.message,
  );
  assert.deepEqual(seen, ['ADDED']);
});

test('malformed lines are errors, not silently dropped', () => {
  for (const line of [
    '{not json',
    '{"object":{}}',
    '{"type":"ADDED"}',
    '{"type":"WHAT","object":{"metadata":{}}}',
    '{"type":"ERROR","object":{}}',
  ]) {
    assert.throws(() => parseWatchLine(line), Error, line);
  }
});

test('LineSplitter keeps a partial line until its newline arrives', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from('ab')), []);
  assert.deepEqual(s.push(Buffer.from('c\nde')), ['abc']);
  assert.equal(s.end(), 'de');
  assert.equal(s.end(), undefined);
});
