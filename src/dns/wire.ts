/**
 * Byte-level reading and writing of DNS messages: big-endian integers, and domain names with
 * message compression (RFC 1035 §4.1.4). The reader never trusts the packet: every read is bounds
 * checked, compression pointers must point strictly backwards (so they cannot loop) and names stay
 * within 255 octets; anything else throws DnsFormatError, which servers answer with FORMERR.
 */

/** The packet is not a well-formed DNS message. */
export class DnsFormatError extends Error {
  override name = 'DnsFormatError';
}

/** A name or record cannot be put on the wire (label over 63 octets, name over 255, bad escape). */
export class DnsEncodeError extends Error {
  override name = 'DnsEncodeError';
}

const MAX_NAME = 255;
const MAX_LABEL = 63;
/** Offsets above this cannot be the target of a 14-bit compression pointer. */
const MAX_POINTER = 0x3fff;

/**
 * Splits a presentation-format name (`a.b.c`, no trailing dot needed) into label byte strings.
 * `\.` and `\\` escape a literal dot or backslash, `\DDD` a byte in decimal.
 */
export function nameLabels(name: string): Buffer[] {
  if (name === '' || name === '.') return [];
  const trimmed = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  if (!trimmed.includes('\\')) {
    return trimmed.split('.').map((l) => {
      if (l.length === 0) throw new DnsEncodeError(`empty label in ${JSON.stringify(name)}`);
      return labelBytes(l, name);
    });
  }
  const labels: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed.charCodeAt(i);
    if (ch === 0x5c) {
      const digits = /^\d{3}/.exec(trimmed.slice(i + 1, i + 4));
      if (digits) {
        const v = Number(digits[0]);
        if (v > 255) throw new DnsEncodeError(`bad escape in ${JSON.stringify(name)}`);
        cur.push(v);
        i += 3;
      } else if (i + 1 < trimmed.length) {
        cur.push(trimmed.charCodeAt(++i));
      } else throw new DnsEncodeError(`dangling escape in ${JSON.stringify(name)}`);
    } else if (ch === 0x2e) {
      if (cur.length === 0) throw new DnsEncodeError(`empty label in ${JSON.stringify(name)}`);
      labels.push(checkLabel(Buffer.from(cur), name));
      cur = [];
    } else {
      if (ch > 255) throw new DnsEncodeError(`non-ASCII character in ${JSON.stringify(name)}`);
      cur.push(ch);
    }
  }
  if (cur.length === 0) throw new DnsEncodeError(`empty label in ${JSON.stringify(name)}`);
  labels.push(checkLabel(Buffer.from(cur), name));
  return labels;
}

function labelBytes(l: string, name: string): Buffer {
  for (let i = 0; i < l.length; i++)
    if (l.charCodeAt(i) > 255) throw new DnsEncodeError(`non-ASCII character in ${JSON.stringify(name)}`);
  return checkLabel(Buffer.from(l, 'latin1'), name);
}

function checkLabel(b: Buffer, name: string): Buffer {
  if (b.length > MAX_LABEL) throw new DnsEncodeError(`label over 63 octets in ${JSON.stringify(name)}`);
  return b;
}

/** One wire label as presentation text: printable ASCII as is, `.` and `\` escaped, the rest `\DDD`. */
function labelText(buf: Buffer, start: number, len: number): string {
  let plain = true;
  for (let i = start; i < start + len; i++) {
    const c = buf[i]!;
    if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return buf.toString('latin1', start, start + len);
  let s = '';
  for (let i = start; i < start + len; i++) {
    const c = buf[i]!;
    if (c === 0x2e || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c <= 0x20 || c >= 0x7f) s += '\\' + String(c).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

/** Reads a DNS message front to back with bounds checks. */
export class Reader {
  readonly buf: Buffer;
  pos = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DnsFormatError(`message ends early at offset ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }

  /** A possibly compressed name at the current position; the position moves past its first part. */
  name(): string {
    const { name, end } = readName(this.buf, this.pos);
    this.pos = end;
    return name;
  }
}

/** Decodes the name at `offset`; `end` is where the bytes at `offset` stop (after the first pointer). */
export function readName(buf: Buffer, offset: number): { name: string; end: number } {
  let pos = offset;
  let end = -1;
  let wireLen = 1;
  let text = '';
  // Each pointer must go strictly before the label run it interrupts: no loops, bounded work.
  let floor = offset;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError(`name runs past the message at offset ${pos}`);
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { name: text, end };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError(`truncated pointer at offset ${pos}`);
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= floor) throw new DnsFormatError(`forward or looping pointer at offset ${pos}`);
      if (end < 0) end = pos + 2;
      floor = target;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new DnsFormatError(`unsupported label type 0x${kind.toString(16)} at ${pos}`);
    if (pos + 1 + len > buf.length) throw new DnsFormatError(`label runs past the message at ${pos}`);
    wireLen += len + 1;
    if (wireLen > MAX_NAME) throw new DnsFormatError(`name longer than 255 octets at offset ${offset}`);
    const label = labelText(buf, pos + 1, len);
    text = text === '' ? label : `${text}.${label}`;
    pos += 1 + len;
  }
}

/**
 * Writes a DNS message into one growing buffer, remembering where each name suffix was written so
 * later names can point at it. One writer per message (call `reset` to reuse it).
 */
export class Writer {
  buf: Buffer;
  pos = 0;
  private readonly suffixes = new Map<string, number>();

  constructor(size = 4096) {
    this.buf = Buffer.allocUnsafe(size);
  }

  reset(): void {
    this.pos = 0;
    this.suffixes.clear();
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Overwrites a 16-bit value written earlier (rdlength, counts). */
  patch16(at: number, v: number): void {
    this.buf.writeUInt16BE(v & 0xffff, at);
  }

  /** Writes `name`, pointing at an earlier copy of its longest known suffix when `compress`. */
  name(name: string, compress = true): void {
    const labels = nameLabels(name);
    let total = 1;
    for (const l of labels) total += l.length + 1;
    if (total > MAX_NAME) throw new DnsEncodeError(`name longer than 255 octets: ${JSON.stringify(name)}`);
    const keys = suffixKeys(labels);
    for (let i = 0; i < labels.length; i++) {
      const key = keys[i]!;
      const at = compress ? this.suffixes.get(key) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.pos <= MAX_POINTER && !this.suffixes.has(key)) this.suffixes.set(key, this.pos);
      this.u8(labels[i]!.length);
      this.bytes(labels[i]!);
    }
    this.u8(0);
  }

  /** A copy of what was written. */
  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/**
 * Suffixes of a label list, longest first, as compression keys. Matching is case-sensitive so every
 * name decodes exactly as it was given (a client's 0x20 case randomization included).
 */
function suffixKeys(labels: Buffer[]): string[] {
  const keys = new Array<string>(labels.length);
  let acc = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    const l = labels[i]!.toString('latin1');
    // Length-prefixed, so a label holding a dot byte cannot collide with two labels.
    acc = `${l.length}:${l}|${acc}`;
    keys[i] = acc;
  }
  return keys;
}
