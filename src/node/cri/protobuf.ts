/**
 * A small proto3 codec driven by field tables (see messages.ts) instead of a .proto loaded at run
 * time: it encodes plain objects and decodes into plain objects in the shapes of types.ts — field
 * names as on the wire, enums by name, 64-bit integers as decimal strings, bytes as Buffer, maps
 * as objects, every scalar present with its default and an absent sub-message as null. Fields the
 * table does not list are skipped when decoding, so a newer runtime's extra fields do no harm.
 */

export type ScalarKind = 'string' | 'bool' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bytes';

/** A proto enum: value names indexed by their number (CRI enums are dense from 0). */
export interface EnumType {
  readonly enumName: string;
  readonly values: readonly string[];
}

/** One field of a message table. `map` means map<string, string> (the only map the CRI uses). */
export interface Field {
  readonly no: number;
  readonly name: string;
  readonly kind: ScalarKind | 'enum' | 'message' | 'map';
  readonly repeated: boolean;
  readonly enumType?: EnumType;
  readonly messageType?: MessageType;
}

/** A message table: its fields in field-number order, and a lookup by number for decoding. */
export interface MessageType {
  readonly name: string;
  readonly fields: readonly Field[];
  readonly byNo: ReadonlyMap<number, Field>;
}

export type FieldType = ScalarKind | 'map' | EnumType | MessageType;
/** `[number, name, type]`, with a fourth 'repeated' for repeated fields. */
export type FieldSpec =
  readonly [number, string, FieldType] | readonly [number, string, FieldType, 'repeated'];

/** Declares a proto enum. */
export function protoEnum(enumName: string, values: readonly string[]): EnumType {
  return { enumName, values };
}

/** Declares a message from its field specs (written in field-number order). */
export function message(name: string, specs: readonly FieldSpec[]): MessageType {
  const fields = specs.map(([no, fieldName, type, rep]): Field => {
    const repeated = rep === 'repeated';
    if (typeof type === 'string') return { no, name: fieldName, kind: type, repeated };
    if ('values' in type) return { no, name: fieldName, kind: 'enum', repeated, enumType: type };
    return { no, name: fieldName, kind: 'message', repeated, messageType: type };
  });
  return { name, fields, byNo: new Map(fields.map((f) => [f.no, f])) };
}

// ---- encoding

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const SGROUP = 3;
const EGROUP = 4;
const I32 = 5;

/** A growing byte buffer with the protobuf primitives. */
class Writer {
  buf = Buffer.allocUnsafe(128);
  len = 0;

  #room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** A non-negative integer up to 2^53. */
  varint(n: number): void {
    this.#room(10);
    while (n > 0x7f) {
      this.buf[this.len++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.len++] = n;
  }

  /** Any 64-bit pattern, given as an unsigned bigint. */
  varint64(v: bigint): void {
    if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return this.varint(Number(v));
    this.#room(10);
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  tag(no: number, wire: number): void {
    this.varint(no * 8 + wire);
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.#room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.varint(n);
    this.#room(n);
    this.buf.write(s, this.len, n, 'utf8');
    this.len += n;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** Encodes `value` (a plain object in the types.ts shapes) as message `type`. */
export function encode(type: MessageType, value: object): Buffer {
  const w = new Writer();
  writeMessage(w, type, value);
  return w.finish();
}

function writeMessage(w: Writer, type: MessageType, value: object): void {
  const obj = value as Record<string, unknown>;
  for (const f of type.fields) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    if (f.kind === 'map') {
      if (typeof v !== 'object') throw new TypeError(`${type.name}.${f.name}: expected an object`);
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        const entry = new Writer();
        entry.tag(1, LEN);
        entry.string(k);
        entry.tag(2, LEN);
        entry.string(String(val));
        w.tag(f.no, LEN);
        w.bytes(entry.finish());
      }
    } else if (f.repeated) {
      if (!Array.isArray(v)) throw new TypeError(`${type.name}.${f.name}: expected an array`);
      if (v.length === 0) continue;
      if (isPackable(f)) {
        const packed = new Writer();
        for (const item of v) writeVarintValue(packed, f, item);
        w.tag(f.no, LEN);
        w.bytes(packed.finish());
      } else for (const item of v) writeSingle(w, f, item);
    } else writeSingle(w, f, v);
  }
}

function isPackable(f: Field): boolean {
  return f.kind !== 'string' && f.kind !== 'bytes' && f.kind !== 'message';
}

function writeSingle(w: Writer, f: Field, v: unknown): void {
  switch (f.kind) {
    case 'string':
      w.tag(f.no, LEN);
      w.string(String(v));
      return;
    case 'bytes':
      w.tag(f.no, LEN);
      w.bytes(typeof v === 'string' ? Buffer.from(v) : (v as Uint8Array));
      return;
    case 'message': {
      const sub = new Writer();
      writeMessage(sub, f.messageType!, v as object);
      w.tag(f.no, LEN);
      w.bytes(sub.finish());
      return;
    }
    default:
      w.tag(f.no, VARINT);
      writeVarintValue(w, f, v);
  }
}

function writeVarintValue(w: Writer, f: Field, v: unknown): void {
  switch (f.kind) {
    case 'bool':
      return w.varint(v ? 1 : 0);
    case 'uint32':
      return w.varint(Number(v) >>> 0);
    case 'int32':
      return writeInt32(w, Number(v) | 0);
    case 'enum': {
      const n = typeof v === 'string' ? f.enumType!.values.indexOf(v) : Number(v);
      if (n < 0) throw new TypeError(`${f.name}: ${String(v)} is not a ${f.enumType!.enumName}`);
      return writeInt32(w, n | 0);
    }
    default:
      // int64 / uint64: a safe integer, a decimal string or a bigint; negatives as two's complement.
      return w.varint64(BigInt.asUintN(64, toBigInt(v)));
  }
}

function writeInt32(w: Writer, n: number): void {
  if (n >= 0) w.varint(n);
  else w.varint64(BigInt.asUintN(64, BigInt(n)));
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return BigInt(String(v));
}

// ---- decoding

/** Reads protobuf primitives from a Buffer. */
class Reader {
  pos: number;
  readonly buf: Buffer;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  #byte(): number {
    if (this.pos >= this.end) throw new RangeError('protobuf: truncated message');
    return this.buf[this.pos++];
  }

  /** A varint as a number; exact up to 2^53 (enough for tags, lengths, 32-bit fields). */
  varint(): number {
    let v = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const b = this.#byte();
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    throw new RangeError('protobuf: varint too long');
  }

  /** A varint as its unsigned 64-bit value. */
  varint64(): bigint {
    let lo = 0;
    let shift = 0;
    for (; shift < 49; shift += 7) {
      const b = this.#byte();
      lo += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return BigInt(lo);
    }
    let v = BigInt(lo);
    for (; shift < 70; shift += 7) {
      const b = this.#byte();
      v |= BigInt(b & 0x7f) << BigInt(shift);
      if (b < 0x80) return BigInt.asUintN(64, v);
    }
    throw new RangeError('protobuf: varint too long');
  }

  /** The low 32 bits of a varint, as a signed int32 (negative int32s come as 10-byte varints). */
  int32(): number {
    return this.varintLow32() | 0;
  }

  /** The low 32 bits of a varint, unsigned. */
  varintLow32(): number {
    let lo = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const b = this.#byte();
      if (shift < 32) lo |= (b & 0x7f) << shift;
      if (b < 0x80) return lo >>> 0;
    }
    throw new RangeError('protobuf: varint too long');
  }

  len(): number {
    const n = this.varint();
    if (this.pos + n > this.end) throw new RangeError('protobuf: truncated message');
    return n;
  }

  skip(wire: number, no: number): void {
    switch (wire) {
      case VARINT:
        this.varint();
        return;
      case I64:
        this.pos += 8;
        break;
      case LEN: {
        const n = this.len(); // not `pos += len()`: that reads pos before len() moves it
        this.pos += n;
        return;
      }
      case I32:
        this.pos += 4;
        break;
      case SGROUP:
        for (;;) {
          const key = this.varint();
          if (key % 8 === EGROUP) {
            if (Math.floor(key / 8) !== no) throw new RangeError('protobuf: mismatched group');
            return;
          }
          this.skip(key % 8, Math.floor(key / 8));
        }
      default:
        throw new RangeError(`protobuf: unexpected wire type ${wire}`);
    }
    if (this.pos > this.end) throw new RangeError('protobuf: truncated message');
  }
}

/** Decodes `buf` as message `type`, with every listed field present (defaults filled in). */
export function decode<T = Record<string, unknown>>(type: MessageType, buf: Buffer): T {
  return readMessage(new Reader(buf), type, buf.length) as T;
}

/** The answer-side default of a field: '', false, 0, '0', empty Buffer, enum 0, [], {} or null. */
function defaultOf(f: Field): unknown {
  if (f.repeated) return [];
  switch (f.kind) {
    case 'map':
      return {};
    case 'message':
      return null;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int64':
    case 'uint64':
      return '0';
    case 'bytes':
      return Buffer.alloc(0);
    case 'enum':
      return f.enumType!.values[0];
    default:
      return 0;
  }
}

function readMessage(r: Reader, type: MessageType, end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fields) out[f.name] = defaultOf(f);
  while (r.pos < end) {
    const key = r.varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    const f = type.byNo.get(no);
    if (!f) {
      r.skip(wire, no);
      continue;
    }
    if (f.kind === 'map') {
      const n = r.len();
      const [k, v] = readMapEntry(new Reader(r.buf, r.pos, r.pos + n));
      (out[f.name] as Record<string, string>)[k] = v;
      r.pos += n;
    } else if (f.repeated) {
      const list = out[f.name] as unknown[];
      if (wire === LEN && isPackable(f)) {
        const n = r.len();
        const stop = r.pos + n;
        const sub = new Reader(r.buf, r.pos, stop);
        while (sub.pos < stop) list.push(readVarintValue(sub, f));
        r.pos = stop;
      } else list.push(readSingle(r, f, wire));
    } else out[f.name] = readSingle(r, f, wire);
  }
  if (r.pos !== end) throw new RangeError('protobuf: message overran its length');
  return out;
}

function readMapEntry(r: Reader): [string, string] {
  let k = '';
  let v = '';
  while (r.pos < r.end) {
    const key = r.varint();
    const no = Math.floor(key / 8);
    if ((no === 1 || no === 2) && key % 8 === LEN) {
      const n = r.len();
      const s = r.buf.toString('utf8', r.pos, r.pos + n);
      r.pos += n;
      if (no === 1) k = s;
      else v = s;
    } else r.skip(key % 8, no);
  }
  return [k, v];
}

function readSingle(r: Reader, f: Field, wire: number): unknown {
  switch (f.kind) {
    case 'string': {
      const n = r.len();
      const s = r.buf.toString('utf8', r.pos, r.pos + n);
      r.pos += n;
      return s;
    }
    case 'bytes': {
      const n = r.len();
      const b = r.buf.subarray(r.pos, r.pos + n);
      r.pos += n;
      return b;
    }
    case 'message': {
      const n = r.len();
      const stop = r.pos + n;
      const sub = readMessage(new Reader(r.buf, r.pos, stop), f.messageType!, stop);
      r.pos = stop;
      return sub;
    }
    default:
      if (wire !== VARINT) throw new RangeError(`protobuf: ${f.name} has wire type ${wire}, want varint`);
      return readVarintValue(r, f);
  }
}

function readVarintValue(r: Reader, f: Field): unknown {
  switch (f.kind) {
    case 'bool':
      return r.varint64() !== 0n;
    case 'uint32':
      return r.varintLow32();
    case 'int32':
      return r.int32();
    case 'enum': {
      const n = r.int32();
      return f.enumType!.values[n] ?? n;
    }
    case 'int64':
      return BigInt.asIntN(64, r.varint64()).toString();
    default:
      return r.varint64().toString();
  }
}
