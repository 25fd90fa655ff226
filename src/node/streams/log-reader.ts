/**
 * Reads a container's CRI log file for `kubectl logs`: the selected lines of what is there now, and
 * with `follow` whatever is appended after, until the container stops running or the reader goes
 * away. Follows across rotation: when the path names a new file (the agent renamed the old one and
 * the runtime reopened its log), the old file is read to its end and the new one from its start.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import {
  formatLine,
  LineJoiner,
  LineSplitter,
  parseCriLogLine,
  selectLines,
  type LogLine,
  type LogOptions,
} from './cri-log.ts';

/** How follow learns that it should stop. */
export interface FollowControl {
  /** False once the container no longer runs (follow then drains the file and ends). */
  isRunning(): Promise<boolean>;
  /** Aborted when the reader went away. */
  signal: AbortSignal;
  /** How often an idle file is looked at again (100 ms). */
  pollMs?: number;
  /** Least time between two isRunning calls (1 s). */
  runningCheckMs?: number;
}

/** Receives output; resolves when the consumer can take more (backpressure). */
export type LogSink = (chunk: Buffer) => Promise<void>;

const chunkSize = 64 * 1024;

async function openOrUndefined(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes the log at `path` to `sink` as `o` selects; with `follow` (and o.follow) keeps going. */
export async function readContainerLog(
  path: string,
  o: LogOptions,
  sink: LogSink,
  follow?: FollowControl,
): Promise<void> {
  let budget = o.limitBytes ?? Infinity;
  /** Writes what fits in the byte budget; true once the budget is spent. */
  const emit = async (lines: LogLine[]): Promise<boolean> => {
    if (!lines.length) return budget <= 0;
    let buf = Buffer.concat(lines.map((l) => formatLine(l, o.timestamps)));
    if (buf.length > budget) buf = buf.subarray(0, budget);
    budget -= buf.length;
    if (buf.length) await sink(buf);
    return budget <= 0;
  };
  let fh = await openOrUndefined(path);
  const joiner = new LineJoiner();
  let splitter = new LineSplitter();
  let pos = 0;
  const readMore = async (): Promise<LogLine[] | undefined> => {
    if (!fh) return undefined;
    const buf = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
    if (!bytesRead) return undefined;
    pos += bytesRead;
    const out: LogLine[] = [];
    for (const raw of splitter.push(buf.subarray(0, bytesRead))) {
      const e = parseCriLogLine(raw);
      const line = e && joiner.push(e);
      if (line) out.push(line);
    }
    return out;
  };
  try {
    // What is there now: read all of it, then apply --since and --tail to the whole.
    const initial: LogLine[] = [];
    for (let lines = await readMore(); lines; lines = await readMore()) initial.push(...lines);
    if (await emit(selectLines(initial, o))) return;
    if (!o.follow || !follow) return;
    const pollMs = follow.pollMs ?? 100;
    const checkMs = follow.runningCheckMs ?? 1000;
    let lastCheck = 0;
    const since = (lines: LogLine[]) => (o.sinceMs === undefined ? lines : selectLines(lines, o));
    /** Emits the open file's lines up to its end; true once the byte budget is spent. */
    const drain = async (): Promise<boolean> => {
      for (let more = await readMore(); more; more = await readMore())
        if (await emit(since(more))) return true;
      return false;
    };
    /**
     * When another file now sits under the path (rotation), finishes the old one — lines may have
     * landed in it between our last read and the rename — and opens the new one. True if it
     * switched, 'spent' if the byte budget ran out on the way.
     */
    const switchIfRotated = async (): Promise<boolean | 'spent'> => {
      const now = await stat(path).catch(() => undefined);
      const cur = fh ? await fh.stat().catch(() => undefined) : undefined;
      if (!now || (cur && now.ino === cur.ino && now.dev === cur.dev)) return false;
      if (await drain()) return 'spent';
      await fh?.close();
      fh = await openOrUndefined(path);
      pos = 0;
      splitter = new LineSplitter();
      return true;
    };
    while (!follow.signal.aborted) {
      const lines = await readMore();
      if (lines) {
        if (await emit(since(lines))) return;
        continue;
      }
      // Idle: a new file under the path means rotation.
      const rotated = await switchIfRotated();
      if (rotated === 'spent') return;
      if (rotated) continue;
      if (Date.now() - lastCheck >= checkMs) {
        lastCheck = Date.now();
        if (!(await follow.isRunning())) {
          // The container stopped: what it wrote last may have landed after our last read, in
          // this file or — when the log was rotated meanwhile — in the new one under the path.
          if (await drain()) return;
          if ((await switchIfRotated()) === true) await drain();
          return;
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, pollMs);
        function done() {
          clearTimeout(t);
          follow!.signal.removeEventListener('abort', done);
          resolve();
        }
        follow.signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    await fh?.close();
  }
}
