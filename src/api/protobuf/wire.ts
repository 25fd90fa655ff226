/**
 * The protobuf wire format, read side: varints, 64- and 32-bit fixed values and length-delimited
 * fields, with bounds checks on every read. Malformed input throws a plain Error naming the offset,
 * never reads past the buffer and never loops forever.
 */

/** Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit (3/4, groups, are refused). */
export type WireType = 0 | 1 | 2 | 5;

/** One field as it appears on the wire. Varints and fixed64 come as bigint so no bit is lost. */
export type WireValue =
  | { field: number; wire: 0; value: bigint }
  | { field: number; wire: 1; value: bigint }
  | { field: number; wire: 2; value: Buffer }
  | { field: number; wire: 5; value: number };

/** A cursor over one message's bytes. */
export class Reader {
  readonly buf: Buffer;
  pos = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** An unsigned varint of up to 10 bytes (64 bits). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error(`truncated varint at offset ${this.pos}`);
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new Error(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A varint that must fit a non-negative JS number (tags, lengths). */
  smallVarint(): number {
    const start = this.pos;
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`value too large at offset ${start}`);
    return Number(v);
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.buf.length) throw new Error(`truncated 64-bit value at offset ${this.pos}`);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error(`truncated 32-bit value at offset ${this.pos}`);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(): Buffer {
    const start = this.pos;
    const len = this.smallVarint();
    if (this.pos + len > this.buf.length) {
      throw new Error(
        `length-delimited field at offset ${start} claims ${len} bytes, only ${this.buf.length - this.pos} remain`,
      );
    }
    const v = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return v;
  }

  /** The next field (tag and value); unknown fields are read the same way, so callers may skip them. */
  next(): WireValue {
    const start = this.pos;
    const tag = this.smallVarint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new Error(`field number 0 at offset ${start}`);
    switch (wire) {
      case 0:
        return { field, wire, value: this.varint() };
      case 1:
        return { field, wire, value: this.fixed64() };
      case 2:
        return { field, wire, value: this.bytes() };
      case 5:
        return { field, wire, value: this.fixed32() };
      default:
        throw new Error(`unsupported wire type ${wire} for field ${field} at offset ${start}`);
    }
  }
}

/** All fields of one message, in wire order. */
export function readFields(buf: Buffer): WireValue[] {
  const r = new Reader(buf);
  const out: WireValue[] = [];
  while (!r.done) out.push(r.next());
  return out;
}
