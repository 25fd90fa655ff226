import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { eachChunk } from './each-chunk.ts';

const chunks = ['ab', 'cd', 'ef'].map((s) => Buffer.from(s));

for (const [name, make] of [
  ['a Readable', () => Readable.from(chunks)],
  [
    'a plain async iterable',
    () =>
      (async function* () {
        yield* chunks;
      })(),
  ],
] as const) {
  test(`eachChunk takes every chunk of ${name} in order, waiting on async consumers`, async () => {
    const seen: string[] = [];
    await eachChunk(make(), async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(c.toString());
    });
    assert.deepEqual(seen, ['ab', 'cd', 'ef']);
  });
}

test('a failing consumer rejects and leaves the stream unread, not destroyed', async () => {
  const s = new PassThrough();
  s.write('one');
  const done = eachChunk(s, () => Promise.reject(new Error('ENOSPC')));
  await assert.rejects(done, /ENOSPC/);
  assert.equal(s.destroyed, false);
  // The rest of the body can still be read, as answerRefused (drain.ts) does after a refusal.
  const rest: string[] = [];
  s.on('data', (c: Buffer) => rest.push(c.toString()));
  s.resume();
  s.end('three');
  await new Promise((r) => s.once('end', r));
  assert.equal(rest.join(''), 'three');
});

test('a source that closes before its end rejects', async () => {
  const s = new PassThrough();
  const done = eachChunk(s, () => {});
  s.write('x');
  s.destroy();
  await assert.rejects(done, /premature close/i);
});
