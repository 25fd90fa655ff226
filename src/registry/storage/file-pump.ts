/**
 * Copies a byte range of an open file to a writable (a blob GET's response) through a few reused
 * buffers, driven by callbacks rather than awaits: each chunk costs one `fs.read` on the thread
 * pool and one `write`, with no promise, race or result object per chunk. The next read starts as
 * soon as the previous one lands and a buffer is idle, so the disk side runs ahead of the socket
 * by up to all but one buffer; a buffer is refilled only once the write that used it has
 * completed, which keeps memory flat however large the file.
 */
import { read } from 'node:fs';
import type { Writable } from 'node:stream';

/** Buffers one copy cycles through: two writes queued on the socket while the third is read. */
export const PUMP_BUFFERS = 3;
/**
 * Size of each buffer. Measured on the 2-core bench machine (five concurrent 40 MB GETs, curl and
 * skopeo clients): 64 KiB took twice the server CPU of 1 MiB (the per-chunk cost of a thread-pool
 * read dominates) and 2–4 MiB more again; 512 KiB and 1 MiB were within noise of each other, and
 * 1 MiB halves the thread-pool round trips, which is what a loaded machine charges for.
 */
export const PUMP_BUFFER_SIZE = 1024 * 1024;
/** Idle buffers a pool keeps between copies (the rest go to the collector). */
const POOL_MAX = 8;

/**
 * Buffers shared by the copies of one store: a blob GET takes its buffers from here and gives them
 * back when every write that used them has completed, so steady serving allocates nothing.
 */
export class BufferPool {
  private readonly idle: Buffer[] = [];
  readonly size: number;

  constructor(size = PUMP_BUFFER_SIZE) {
    this.size = size;
  }

  /** An idle buffer, or a new one. */
  take(): Buffer {
    return this.idle.pop() ?? Buffer.allocUnsafe(this.size);
  }

  /** Returns buffers nothing references any more; beyond the cap they are left to the collector. */
  give(bufs: Buffer[]): void {
    for (const b of bufs) if (this.idle.length < POOL_MAX && b.length === this.size) this.idle.push(b);
  }
}

/**
 * Writes bytes [start, end) of `fd` to `dest` (without ending it) and resolves once every write
 * has completed. Rejects when a read fails, the file is shorter than `end`, a write fails, or
 * `dest` closes first (a write whose callback never comes must not hold the copy forever). It
 * never settles while a read is in flight, so the caller may close `fd` as soon as it settles.
 */
export function pumpFile(
  fd: number,
  dest: Writable,
  start: number,
  end: number,
  pool: BufferPool,
  buffers = PUMP_BUFFERS,
): Promise<void> {
  if (start >= end) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const count = Math.max(1, Math.min(buffers, Math.ceil((end - start) / pool.size)));
    const owned = Array.from({ length: count }, () => pool.take());
    const idle = [...owned];
    let pos = start;
    let reading = false;
    let writing = 0;
    let failure: unknown;
    let settled = false;

    const settle = (): void => {
      if (settled || reading) return;
      if (failure === undefined && (pos < end || writing > 0)) return;
      settled = true;
      dest.off('close', onClose);
      if (failure === undefined) {
        pool.give(owned); // every write has completed: nothing else holds them
        resolve();
      } else {
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      }
    };
    const fail = (err: unknown): void => {
      failure ??= err;
      settle();
    };
    const onClose = (): void => fail(new Error('destination closed'));

    const next = (): void => {
      if (failure !== undefined || reading || pos >= end) return;
      const buf = idle.pop();
      if (!buf) return;
      reading = true;
      read(fd, buf, 0, Math.min(buf.length, end - pos), pos, (err, n) => {
        reading = false;
        if (failure !== undefined) return settle();
        if (err) return fail(err);
        if (n === 0) return fail(new Error(`file ends at byte ${pos}, expected ${end}`));
        pos += n;
        writing++;
        dest.write(n === buf.length ? buf : buf.subarray(0, n), (werr) => {
          writing--;
          if (werr) return fail(werr);
          idle.push(buf);
          next();
          settle();
        });
        next();
      });
    };

    dest.once('close', onClose);
    next();
  });
}
