/**
 * The CRI container log format and how `kubectl logs` options select from it. containerd writes one
 * entry per line: `<RFC3339Nano time> <stdout|stderr> <tags> <message>`, where tags are `F` (the
 * entry ends a line) or `P` (a partial entry: a long line split at 16 KiB, continued by the next
 * entries of the same stream). The time is not fixed-width (trailing zeros of the fraction are
 * dropped) and may carry a zone offset. Messages are bytes, not necessarily UTF-8, so everything
 * here works on Buffers.
 */

/** One parsed entry of a CRI log file. */
export interface CriLogEntry {
  /** The time as written (what `--timestamps` prints). */
  time: string;
  /** The time in ms since the epoch (for --since); NaN when unreadable. */
  ms: number;
  stream: 'stdout' | 'stderr';
  /** True for a `P` entry: the line continues in the next entry. */
  partial: boolean;
  message: Buffer;
}

/** A whole log line: partial entries joined, with the time of its first entry. */
export interface LogLine {
  time: string;
  ms: number;
  stream: 'stdout' | 'stderr';
  /** The line's bytes including the final newline. */
  text: Buffer;
}

/** What `kubectl logs` asked for (the kubelet's containerLogs query, already parsed). */
export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only the last N lines (undefined = all). */
  tailLines?: number;
  /** Only lines at or after this time, ms since the epoch. */
  sinceMs?: number;
  /** Stop after this many bytes. */
  limitBytes?: number;
}

/** Parses one line of a CRI log file (without its newline); undefined when it is not one. */
export function parseCriLogLine(line: Buffer): CriLogEntry | undefined {
  const a = line.indexOf(0x20);
  if (a <= 0) return undefined;
  const b = line.indexOf(0x20, a + 1);
  if (b < 0) return undefined;
  const stream = line.toString('latin1', a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // The message may be empty: "<time> stdout F" has no space after the tag.
  let c = line.indexOf(0x20, b + 1);
  if (c < 0) c = line.length;
  const tags = line.toString('latin1', b + 1, c).split(':');
  const time = line.toString('latin1', 0, a);
  return {
    time,
    ms: parseTime(time),
    stream,
    partial: tags[0] === 'P',
    message: line.subarray(Math.min(c + 1, line.length)),
  };
}

/** RFC 3339 with up to nine fraction digits → ms (Date.parse reads only three). */
export function parseTime(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return NaN;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return ms + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

/**
 * Turns CRI entries into whole lines. Partial entries of one stream are held until the entry that
 * ends the line arrives; stdout and stderr are joined separately, as they are written separately.
 */
export class LineJoiner {
  private readonly pending = new Map<string, { first: CriLogEntry; parts: Buffer[] }>();

  /** Feeds one entry; returns the line it completes, if any. */
  push(e: CriLogEntry): LogLine | undefined {
    const held = this.pending.get(e.stream);
    if (e.partial) {
      if (held) held.parts.push(e.message);
      else this.pending.set(e.stream, { first: e, parts: [e.message] });
      return undefined;
    }
    this.pending.delete(e.stream);
    const first = held?.first ?? e;
    const parts = held ? [...held.parts, e.message] : [e.message];
    return { time: first.time, ms: first.ms, stream: e.stream, text: Buffer.concat([...parts, newline]) };
  }
}

const newline = Buffer.from('\n');

/**
 * Splits a chunk of a log file into complete lines, keeping an unfinished last line for the next
 * chunk (containerd may be in the middle of writing it).
 */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: Buffer[] = [];
    let start = 0;
    for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, start)) {
      out.push(buf.subarray(start, i));
      start = i + 1;
    }
    this.rest = Buffer.from(buf.subarray(start));
    return out;
  }

  /** Bytes held back (an unfinished line). */
  get held(): number {
    return this.rest.length;
  }
}

/** All whole lines of a log file's content (an unfinished last line is left out). */
export function logLines(content: Buffer): LogLine[] {
  const joiner = new LineJoiner();
  const out: LogLine[] = [];
  for (const raw of new LineSplitter().push(content)) {
    const e = parseCriLogLine(raw);
    const line = e && joiner.push(e);
    if (line) out.push(line);
  }
  return out;
}

/** The bytes `kubectl logs` shows for one line. */
export function formatLine(l: LogLine, timestamps: boolean): Buffer {
  return timestamps ? Buffer.concat([Buffer.from(`${l.time} `, 'latin1'), l.text]) : l.text;
}

/** Lines that pass --since, then the last --tail of them. */
export function selectLines(lines: LogLine[], o: Pick<LogOptions, 'sinceMs' | 'tailLines'>): LogLine[] {
  let out = o.sinceMs === undefined ? lines : lines.filter((l) => !(l.ms < o.sinceMs!));
  if (o.tailLines !== undefined) out = o.tailLines <= 0 ? [] : out.slice(-o.tailLines);
  return out;
}

/** Reads the kubelet's containerLogs query (follow, previous, timestamps, tailLines, sinceSeconds, sinceTime, limitBytes). */
export function parseLogQuery(q: URLSearchParams, now = Date.now()): LogOptions {
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const int = (k: string): number | undefined => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${k}: invalid value ${JSON.stringify(v)}`);
    return n;
  };
  const o: LogOptions = {
    follow: flag('follow'),
    previous: flag('previous'),
    timestamps: flag('timestamps'),
  };
  const tail = int('tailLines');
  if (tail !== undefined) o.tailLines = Math.max(0, tail);
  const limit = int('limitBytes');
  if (limit !== undefined) {
    if (limit < 1) throw new Error('limitBytes: must be greater than 0');
    o.limitBytes = limit;
  }
  const secs = int('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (secs !== undefined && sinceTime)
    throw new Error('at most one of sinceTime or sinceSeconds may be specified');
  if (secs !== undefined) {
    if (secs < 1) throw new Error('sinceSeconds: must be greater than 0');
    o.sinceMs = now - secs * 1000;
  } else if (sinceTime) {
    const ms = parseTime(sinceTime);
    if (Number.isNaN(ms)) throw new Error(`sinceTime: invalid time ${JSON.stringify(sinceTime)}`);
    o.sinceMs = ms;
  }
  return o;
}
