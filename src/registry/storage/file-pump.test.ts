import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { BufferPool, pumpFile } from './file-pump.ts';

const dir = mkdtempSync(join(tmpdir(), 'file-pump-'));

function fileWith(data: Buffer): number {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, data);
  return openSync(path, 'r');
}

/**
 * A sink that answers each write late and copies the chunk only then: a buffer the pump refilled
 * before its write completed would show up as corrupted output.
 */
function slowSink(opts: { fail?: Error; never?: boolean } = {}) {
  const got: Buffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      seen.add(chunk.buffer);
      if (opts.never) return void got.push(Buffer.from(chunk));
      setTimeout(() => {
        got.push(Buffer.from(chunk));
        cb(opts.fail);
      }, Math.random() * 3);
    },
  });
  sink.on('error', () => {}); // the failure is asserted through the pump's rejection
  return { sink, got, seen };
}

test('pumpFile copies a range in order through at most `buffers` reused buffers', async () => {
  const data = randomBytes(10_003);
  const fd = fileWith(data);
  try {
    const cases = [
      { start: 0, end: data.length },
      { start: 1, end: data.length - 1 },
      { start: 999, end: 1001 },
      { start: 4000, end: 4000 },
      { start: 0, end: 1000 },
    ];
    for (const { start, end } of cases) {
      const pool = new BufferPool(1000);
      const { sink, got, seen } = slowSink();
      await pumpFile(fd, sink, start, end, pool, 3);
      assert.deepEqual(Buffer.concat(got), data.subarray(start, end), `${start}..${end}`);
      assert.ok(seen.size <= 3, `${seen.size} buffers used for ${start}..${end}`);
    }
  } finally {
    closeSync(fd);
  }
});

test('the pool hands the same buffers to the next copy', async () => {
  const data = randomBytes(5000);
  const fd = fileWith(data);
  try {
    const pool = new BufferPool(1000);
    const first = slowSink();
    await pumpFile(fd, first.sink, 0, data.length, pool, 2);
    const second = slowSink();
    await pumpFile(fd, second.sink, 0, data.length, pool, 2);
    assert.deepEqual(Buffer.concat(second.got), data);
    assert.deepEqual([...second.seen].sort(), [...first.seen].sort());
  } finally {
    closeSync(fd);
  }
});

test('pumpFile rejects on a short file, a failed write, or a destination that closes', async () => {
  const data = randomBytes(3000);
  const fd = fileWith(data);
  try {
    await assert.rejects(
      pumpFile(fd, slowSink().sink, 0, 5000, new BufferPool(1000)),
      /file ends at byte 3000, expected 5000/,
    );
    await assert.rejects(
      pumpFile(fd, slowSink({ fail: new Error('peer reset') }).sink, 0, 3000, new BufferPool(1000)),
      /peer reset/,
    );
    // Writes that are never acknowledged: only the destination closing can end the copy.
    const stuck = slowSink({ never: true });
    const copy = pumpFile(fd, stuck.sink, 0, 3000, new BufferPool(1000), 2);
    setTimeout(() => stuck.sink.destroy(), 20);
    await assert.rejects(copy, /destination closed/);
    assert.ok(stuck.got.length >= 1 && stuck.got.length <= 2, `${stuck.got.length} chunks written`);
  } finally {
    closeSync(fd);
  }
});
