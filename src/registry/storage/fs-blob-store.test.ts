import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseDigest, type Digest } from '../reference.ts';
import { DigestMismatchError, UploadUnknownError } from './blob-store.ts';
import { createFsBlobStore } from './fs-blob-store.ts';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
async function store() {
  const root = mkdtempSync(join(tmpdir(), 'berth-blobs-'));
  roots.push(root);
  return createFsBlobStore(root);
}
const digestOf = (b: Buffer, alg: 'sha256' | 'sha512' = 'sha256'): Digest =>
  parseDigest(`${alg}:${createHash(alg).update(b).digest('hex')}`)!;
const chunks = (...bs: Buffer[]) => Readable.from(bs);
const allBlobFiles = (root: string): string[] =>
  readdirSync(join(root, 'blobs'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

test('an upload is invisible until verified and committed; then stored under its digest', async () => {
  const s = await store();
  const data = randomBytes(3 * 1024 * 1024 + 17); // crosses the write batch size
  const d = digestOf(data);
  const id = await s.startUpload();
  assert.equal(await s.append(id, chunks(data.subarray(0, 1000), data.subarray(1000))), data.length);
  assert.equal(await s.stat(d), undefined);
  assert.deepEqual(allBlobFiles(s.root), []);
  assert.equal((await s.verifyUpload(id, d)).size, data.length);
  assert.equal(await s.stat(d), undefined, 'verified is not yet visible');
  await s.commitUpload(id, d);
  assert.equal((await s.stat(d))?.size, data.length);
  assert.deepEqual(await readFile(s.blobPath(d)), data);
  assert.equal(await s.uploadSize(id), undefined, 'the upload is gone');
  const part = await s.read(d, { start: 10, end: 19 });
  assert.deepEqual(Buffer.concat(await part.toArray()), data.subarray(10, 20));
});

test('a wrong digest discards the upload and stores nothing', async () => {
  const s = await store();
  const id = await s.startUpload();
  await s.append(id, chunks(Buffer.from('hello')));
  const wrong = digestOf(Buffer.from('other'));
  await assert.rejects(s.verifyUpload(id, wrong), DigestMismatchError);
  assert.equal(await s.uploadSize(id), undefined);
  assert.deepEqual(allBlobFiles(s.root), []);
  await assert.rejects(s.append(id, chunks(Buffer.from('x'))), UploadUnknownError);
});

test('bytes received before a failing source are kept, and the upload resumes from there', async () => {
  const s = await store();
  const id = await s.startUpload();
  async function* broken() {
    yield Buffer.from('abc');
    throw new Error('client went away');
  }
  await assert.rejects(s.append(id, broken()), /went away/);
  assert.equal(await s.uploadSize(id), 3);
  await s.append(id, chunks(Buffer.from('def')));
  const d = digestOf(Buffer.from('abcdef'));
  await s.verifyUpload(id, d);
  await s.commitUpload(id, d);
  assert.equal((await s.stat(d))?.size, 6);
});

test('after a restart (no hash state) and for sha512 the file is re-read to verify', async () => {
  const s = await store();
  const id = await s.startUpload();
  await s.append(id, chunks(Buffer.from('part one, ')));
  const again = await createFsBlobStore(s.root); // a new process: in-memory hash state is gone
  await again.append(id, chunks(Buffer.from('part two')));
  const d = digestOf(Buffer.from('part one, part two'), 'sha512');
  await again.verifyUpload(id, d);
  await again.commitUpload(id, d);
  assert.ok(again.blobPath(d).includes(join('blobs', 'sha512')));
  assert.equal((await again.stat(d))?.size, 18);
});

test('the same content pushed twice is stored once', async () => {
  const s = await store();
  const data = Buffer.from('same bytes');
  const d = digestOf(data);
  for (let i = 0; i < 2; i++) {
    const id = await s.startUpload();
    await s.append(id, chunks(data));
    await s.verifyUpload(id, d);
    await s.commitUpload(id, d);
  }
  assert.equal(allBlobFiles(s.root).length, 1);
  assert.deepEqual(await s.listUploads(), []);
});

test('a limit caps the bytes taken from one source; upload ids cannot escape the directory', async () => {
  const s = await store();
  const id = await s.startUpload();
  assert.equal(await s.append(id, chunks(Buffer.from('0123456789')), 4), 4);
  await assert.rejects(s.append('../../etc', chunks(Buffer.from('x'))), UploadUnknownError);
  assert.equal(await s.cancelUpload(id), true);
  assert.equal(await s.cancelUpload(id), false);
});

test('copyTo writes a range or the whole blob through reused buffers', async () => {
  const s = await store();
  const data = randomBytes(3 * 1024 * 1024 + 3); // more chunks than buffers: each is reused
  const d = digestOf(data);
  const id = await s.startUpload();
  await s.append(id, chunks(data));
  await s.verifyUpload(id, d);
  await s.commitUpload(id, d);
  const { PassThrough } = await import('node:stream');
  const collect = async (range?: { start: number; end: number }) => {
    const sink = new PassThrough();
    const got: Buffer[] = [];
    sink.on('data', (c: Buffer) => got.push(Buffer.from(c))); // copy: the source buffers are reused
    await s.copyTo(d, sink, range);
    return Buffer.concat(got);
  };
  assert.deepEqual(await collect(), data);
  assert.deepEqual(await collect({ start: 300_000, end: 600_000 }), data.subarray(300_000, 600_001));
  assert.deepEqual(await collect({ start: 1, end: data.length - 1 }), data.subarray(1));
});

test('releaseChunks frees each whole-buffer chunk once written; otherwise chunks stay intact', async () => {
  const s = await store();
  // Own ArrayBuffers (as the HTTP parser hands out), enough to cross a write batch, and one slice.
  const own = Array.from({ length: 20 }, () => Buffer.from(randomBytes(100_000)));
  const shared = Buffer.from(randomBytes(1000));
  const slice = shared.subarray(0, 500);
  const data = Buffer.concat([...own, slice]);
  const kept = own.map((b) => Buffer.from(b));
  const d = digestOf(data);
  const id = await s.startUpload();
  assert.equal(await s.append(id, chunks(...own, slice), undefined, { releaseChunks: true }), data.length);
  assert.ok(
    own.every((b) => b.buffer.detached && b.length === 0),
    'written chunks are released',
  );
  assert.equal(shared.buffer.detached, false, 'a slice of a larger buffer is left to the collector');
  await s.verifyUpload(id, d);
  await s.commitUpload(id, d);
  assert.deepEqual(await readFile(s.blobPath(d)), data, 'the bytes reached the file before release');

  const id2 = await s.startUpload();
  await s.append(id2, chunks(...kept));
  assert.ok(
    kept.every((b) => !b.buffer.detached && b.length === 100_000),
    'without the option, untouched',
  );
});
