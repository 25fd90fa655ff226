/**
 * The filesystem BlobStore. Layout under its root:
 *
 *   blobs/<algorithm>/<first two hex>/<hex>   content, named by digest (one copy for all repositories)
 *   uploads/<uuid>                           an upload in progress
 *
 * Invariants: a file under blobs/ is always complete and matches its name — uploads are written under
 * uploads/ (same filesystem), fsynced, verified, then renamed into place, and the directory is
 * fsynced, so a crash at any point leaves either no blob or the whole blob. The sha256 of an upload is
 * computed while its bytes stream in (state kept in memory per upload); after a restart, or for a
 * sha512 digest, the file is re-read once at the end instead.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Digest } from '../reference.ts';
import {
  DigestMismatchError,
  UploadUnknownError,
  type AppendOptions,
  type BlobInfo,
  type BlobStore,
} from './blob-store.ts';
import { eachChunk } from './each-chunk.ts';
import { BufferPool, pumpFile } from './file-pump.ts';
import type { VolumeSpace } from './free-space.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Bytes gathered before one write to disk: fewer, larger writes than one per socket chunk. */
const WRITE_BATCH = 1024 * 1024;

/** A second writer on an upload that already has one in flight. */
export class UploadBusyError extends Error {
  constructor(id: string) {
    super(`upload ${id} is receiving another request`);
    this.name = 'UploadBusyError';
  }
}

interface HashState {
  hash: Hash;
  /** Bytes hashed so far; valid only while it equals the file size. */
  size: number;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Frees the memory of written chunks now (AppendOptions.releaseChunks): transferring an ArrayBuffer
 * to length 0 detaches it, which drops its backing store at once. Only a chunk that spans its whole
 * buffer is released — a slice (a chunk cut at a Content-Range limit) may share it, so it waits for
 * the collector like any other.
 */
function releaseChunks(bufs: Buffer[]): void {
  for (const b of bufs) {
    const ab = b.buffer;
    if (ab instanceof ArrayBuffer && !ab.detached && b.byteOffset === 0 && b.byteLength === ab.byteLength)
      ab.transfer(0);
  }
}

/** Creates a filesystem blob store rooted at `root` (created if needed). */
export async function createFsBlobStore(root: string): Promise<FsBlobStore> {
  await mkdir(join(root, 'blobs'), { recursive: true });
  await mkdir(join(root, 'uploads'), { recursive: true });
  return new FsBlobStore(root);
}

/** See the file comment. Construct with createFsBlobStore. */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  private readonly hashes = new Map<string, HashState>();
  private readonly busy = new Set<string>();
  private readonly verified = new Map<string, string>();
  /** Buffers blob reads (copyTo) share. */
  private readonly buffers = new BufferPool();

  constructor(root: string) {
    this.root = root;
  }

  /** The path of a blob's content (exposed for tests and tools). */
  blobPath(d: Digest): string {
    return join(this.root, 'blobs', d.algorithm, d.hex.slice(0, 2), d.hex);
  }

  private uploadPath(id: string): string {
    if (!UUID_RE.test(id)) throw new UploadUnknownError(id);
    return join(this.root, 'uploads', id);
  }

  async stat(d: Digest): Promise<BlobInfo | undefined> {
    try {
      const s = await stat(this.blobPath(d));
      return { size: s.size, modifiedMs: s.mtimeMs };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async read(d: Digest, range?: { start: number; end: number }): Promise<Readable> {
    // Open first so a missing blob rejects here rather than as a stream error mid-response.
    const fh = await open(this.blobPath(d), 'r');
    return fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: 1024 * 1024 });
  }

  /**
   * Open, then pump (file-pump.ts): a few pooled buffers, each refilled only after the write that
   * used it has completed, so nothing is allocated per chunk and RSS stays flat for a 1 GB blob.
   */
  async copyTo(d: Digest, dest: Writable, range?: { start: number; end: number }): Promise<void> {
    const fh = await open(this.blobPath(d), 'r');
    try {
      const end = range ? range.end + 1 : (await fh.stat()).size;
      await pumpFile(fh.fd, dest, range?.start ?? 0, end, this.buffers);
    } finally {
      await fh.close();
    }
  }

  async touch(d: Digest): Promise<void> {
    const now = new Date();
    await utimes(this.blobPath(d), now, now);
  }

  async delete(d: Digest): Promise<boolean> {
    try {
      await rm(this.blobPath(d));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async *list(): AsyncIterable<{ digest: string; info: BlobInfo }> {
    const base = join(this.root, 'blobs');
    for (const algorithm of await readdir(base)) {
      for (const prefix of await readdir(join(base, algorithm))) {
        for (const hex of await readdir(join(base, algorithm, prefix))) {
          try {
            const s = await stat(join(base, algorithm, prefix, hex));
            yield { digest: `${algorithm}:${hex}`, info: { size: s.size, modifiedMs: s.mtimeMs } };
          } catch (err) {
            if (!isMissing(err)) throw err; // deleted while we listed
          }
        }
      }
    }
  }

  async startUpload(): Promise<string> {
    const id = randomUUID();
    const fh = await open(this.uploadPath(id), 'wx', 0o644);
    await fh.close();
    this.hashes.set(id, { hash: createHash('sha256'), size: 0 });
    return id;
  }

  async uploadSize(id: string): Promise<number | undefined> {
    try {
      return (await stat(this.uploadPath(id))).size;
    } catch (err) {
      if (isMissing(err) || err instanceof UploadUnknownError) return undefined;
      throw err;
    }
  }

  async append(
    id: string,
    source: AsyncIterable<Uint8Array>,
    limit = Infinity,
    opts: AppendOptions = {},
  ): Promise<number> {
    const path = this.uploadPath(id);
    if (this.busy.has(id)) throw new UploadBusyError(id);
    if (this.verified.has(id)) throw new UploadUnknownError(id); // sealed for commit
    this.busy.add(id);
    let fh;
    try {
      fh = await open(path, 'r+');
    } catch (err) {
      this.busy.delete(id);
      if (isMissing(err)) throw new UploadUnknownError(id);
      throw err;
    }
    let size = (await fh.stat()).size;
    let state = this.hashes.get(id);
    if (state && state.size !== size) {
      this.hashes.delete(id); // out of step (e.g. an earlier failed write): re-hash at the end
      state = undefined;
    }
    // Hashing runs on this thread as chunks arrive, while the previous batch is being written by
    // the thread pool: one write in flight at most, so memory stays at two batches per upload.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let taken = 0;
    let writePos = size;
    let inFlight: Promise<void> | undefined;
    const writeAll = async (bufs: Buffer[], at: number, total: number): Promise<void> => {
      let written = 0;
      while (written < total) {
        const { bytesWritten } = await fh.writev(
          written === 0 ? bufs : [Buffer.concat(bufs).subarray(written)],
          at + written,
        );
        written += bytesWritten;
      }
      size = at + total;
    };
    const flush = async (): Promise<void> => {
      if (inFlight) await inFlight; // a failed write rejects here, before anything more is written
      inFlight = undefined;
      if (pendingBytes === 0) return;
      const batch = pending;
      const write = writeAll(batch, writePos, pendingBytes).then(() => {
        if (opts.releaseChunks) releaseChunks(batch);
      });
      writePos += pendingBytes;
      pending = [];
      pendingBytes = 0;
      write.catch(() => {}); // observed by the next flush
      inFlight = write;
    };
    let ok = false;
    try {
      await eachChunk(source, (chunk) => {
        let buf = chunk;
        // Bytes past the limit are read and dropped: the rest of the body must still be consumed.
        if (taken + buf.length > limit) buf = buf.subarray(0, Math.max(0, limit - taken));
        if (buf.length === 0) return;
        taken += buf.length;
        state?.hash.update(buf);
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= WRITE_BATCH) return flush();
      });
      ok = true;
    } finally {
      // What arrived before a failure is kept: the client can ask for the offset and resume.
      try {
        await flush();
        await flush();
      } finally {
        await fh.close();
        this.busy.delete(id);
        if (state) {
          // The hash covers every byte taken; it is only valid if they all reached the file.
          if (ok && size === writePos) state.size = size;
          else this.hashes.delete(id);
        }
      }
    }
    return size;
  }

  async verifyUpload(id: string, expected: Digest): Promise<{ size: number }> {
    const path = this.uploadPath(id);
    if (this.busy.has(id)) throw new UploadBusyError(id);
    let fh;
    try {
      fh = await open(path, 'r+');
    } catch (err) {
      if (isMissing(err)) throw new UploadUnknownError(id);
      throw err;
    }
    let size: number;
    try {
      await fh.sync();
      size = (await fh.stat()).size;
    } finally {
      await fh.close();
    }
    const state = this.hashes.get(id);
    let actualHex: string;
    if (state && state.size === size && expected.algorithm === 'sha256') {
      actualHex = state.hash.copy().digest('hex');
    } else {
      const h = createHash(expected.algorithm);
      for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
        h.update(chunk as Buffer);
      actualHex = h.digest('hex');
    }
    if (actualHex !== expected.hex) {
      await this.cancelUpload(id);
      throw new DigestMismatchError(expected.value, `${expected.algorithm}:${actualHex}`);
    }
    this.verified.set(id, expected.value);
    return { size };
  }

  async commitUpload(id: string, d: Digest): Promise<void> {
    const path = this.uploadPath(id);
    if (this.verified.get(id) !== d.value) throw new Error(`upload ${id} was not verified as ${d.value}`);
    const target = this.blobPath(d);
    await mkdir(dirname(target), { recursive: true });
    if (await this.stat(d)) {
      // Same content already stored: keep that copy, refresh its age for the collector.
      await this.touch(d);
      await rm(path, { force: true });
    } else {
      await rename(path, target);
      await fsyncDir(dirname(target));
    }
    this.forget(id);
  }

  async cancelUpload(id: string): Promise<boolean> {
    const path = this.uploadPath(id);
    this.forget(id);
    try {
      await rm(path);
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async listUploads(): Promise<{ id: string; modifiedMs: number }[]> {
    const out: { id: string; modifiedMs: number }[] = [];
    for (const id of await readdir(join(this.root, 'uploads'))) {
      if (!UUID_RE.test(id)) continue;
      try {
        out.push({ id, modifiedMs: (await stat(join(this.root, 'uploads', id))).mtimeMs });
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    return out;
  }

  async volumeSpace(): Promise<VolumeSpace> {
    // bavail, not bfree: the blocks root reserves on ext4 are not ours to count on.
    const s = await statfs(join(this.root, 'uploads'));
    return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  }

  private forget(id: string): void {
    this.hashes.delete(id);
    this.verified.delete(id);
  }
}
