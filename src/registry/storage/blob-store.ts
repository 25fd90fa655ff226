/**
 * Where blob bytes live, behind one interface so an object-store backend can replace the filesystem.
 * Blobs are content-addressed and shared by every repository (which repository may see which blob is
 * the metadata store's business, not this one's). An upload is a private, append-only staging area:
 * bytes are streamed in (never buffered whole), the digest is checked when the client finishes, and
 * only then does the blob become visible under its digest — all or nothing.
 */
import type { Readable, Writable } from 'node:stream';
import type { Digest } from '../reference.ts';
import type { VolumeSpace } from './free-space.ts';

/** What is known about a stored blob. */
export interface BlobInfo {
  size: number;
  /** Last write or touch, in ms since the epoch: the garbage collector's grace period reads it. */
  modifiedMs: number;
}

/** A failed digest check: the upload is discarded, nothing is stored. */
export class DigestMismatchError extends Error {
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(`uploaded content has digest ${actual}, not ${expected}`);
    this.name = 'DigestMismatchError';
    this.actual = actual;
  }
}

/** An upload id this store does not hold (never started, finished, or cancelled). */
export class UploadUnknownError extends Error {
  constructor(id: string) {
    super(`upload ${id} unknown`);
    this.name = 'UploadUnknownError';
  }
}

/** How `append` may treat the chunks it is given. */
export interface AppendOptions {
  /**
   * Every chunk is the sole view of its own ArrayBuffer and nobody reads it afterwards, as with an
   * HTTP request body (the parser copies each body chunk into a fresh buffer). The store may then
   * free each chunk's memory as soon as it is on disk instead of leaving it to the garbage
   * collector — which otherwise lets ~64 MB of spent chunks pile up per large upload (V8 collects
   * on external-memory growth of that size; the JS part of a chunk is too small to prompt it).
   */
  releaseChunks?: boolean;
}

/** Storage of blob content and in-progress uploads. */
export interface BlobStore {
  /** The blob's size and age, or undefined when absent. */
  stat(digest: Digest): Promise<BlobInfo | undefined>;
  /** Reads bytes start..end (inclusive; default the whole blob). Rejects when absent. */
  read(digest: Digest, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Writes bytes start..end (inclusive; default all) to `dest` with backpressure, without ending it.
   * Unlike `read`, an implementation may reuse its buffers, so memory stays flat however large the
   * blob. Rejects when the blob is absent or `dest` fails.
   */
  copyTo(digest: Digest, dest: Writable, range?: { start: number; end: number }): Promise<void>;
  /** Marks the blob as just used, so a grace period starts again (re-push of existing content). */
  touch(digest: Digest): Promise<void>;
  /** Removes the blob; false when it was not there. */
  delete(digest: Digest): Promise<boolean>;
  /** Every stored blob. */
  list(): AsyncIterable<{ digest: string; info: BlobInfo }>;

  /** Opens a new, empty upload and returns its id. */
  startUpload(): Promise<string>;
  /** Bytes received so far, or undefined when the upload is unknown. */
  uploadSize(id: string): Promise<number | undefined>;
  /**
   * Appends `source` to the upload and returns the new size. Bytes are durable up to what was
   * written even if `source` fails midway (the caller can report the offset for a resume).
   * `limit` caps the bytes taken from this source (a chunk's declared length).
   */
  append(
    id: string,
    source: AsyncIterable<Uint8Array>,
    limit?: number,
    opts?: AppendOptions,
  ): Promise<number>;
  /**
   * Checks the upload's content against `expected`; on a mismatch discards the upload and throws
   * DigestMismatchError. On success the upload stays, sealed, for `commitUpload`.
   */
  verifyUpload(id: string, expected: Digest): Promise<{ size: number }>;
  /** Makes a verified upload the blob `digest`, atomically; an existing blob is kept (deduplicated). */
  commitUpload(id: string, digest: Digest): Promise<void>;
  /** Discards an upload; false when it was unknown. */
  cancelUpload(id: string): Promise<boolean>;
  /** Every upload, with when it was last written. */
  listUploads(): Promise<{ id: string; modifiedMs: number }[]>;
  /** The size and free bytes of the volume uploads go to; absent when the backend cannot tell. */
  volumeSpace?(): Promise<VolumeSpace>;
}
