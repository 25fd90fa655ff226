/**
 * A fixed-size bitmap over the offsets of an allocation range (bit i = offset i is allocated), with
 * the compact text form it is stored in: base64 of the raw-deflated bytes. A /12 service CIDR is 2^20
 * bits (128 KiB raw), but a cluster holds few of them, so the deflated form stays small.
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

const popcount8 = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x >>= 1) n += x & 1;
  return n;
});

export class RangeBitmap {
  /** Number of offsets (bits) in the range. */
  readonly size: number;
  private readonly bytes: Uint8Array;

  constructor(size: number, bytes?: Uint8Array) {
    this.size = size;
    this.bytes = new Uint8Array(Math.ceil(size / 8));
    if (bytes) this.bytes.set(bytes.subarray(0, this.bytes.length));
    // Bits past `size` in the last byte are never set.
    if (size % 8) this.bytes[this.bytes.length - 1] &= (1 << (size % 8)) - 1;
  }

  has(i: number): boolean {
    return i >= 0 && i < this.size && (this.bytes[i >> 3] & (1 << (i & 7))) !== 0;
  }

  set(i: number): void {
    if (i < 0 || i >= this.size) throw new RangeError(`offset ${i} outside 0..${this.size - 1}`);
    this.bytes[i >> 3] |= 1 << (i & 7);
  }

  clear(i: number): void {
    if (i >= 0 && i < this.size) this.bytes[i >> 3] &= ~(1 << (i & 7));
  }

  count(): number {
    let n = 0;
    for (const b of this.bytes) n += popcount8[b];
    return n;
  }

  /** The set offsets, ascending. */
  offsets(): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.bytes.length; j++) {
      const b = this.bytes[j];
      if (b) for (let k = 0; k < 8; k++) if (b & (1 << k)) out.push(j * 8 + k);
    }
    return out;
  }

  /** The first clear offset in [from, to), or undefined; skips full bytes quickly. */
  firstClear(from: number, to: number): number | undefined {
    let i = Math.max(0, from);
    const end = Math.min(to, this.size);
    while (i < end) {
      if ((i & 7) === 0 && this.bytes[i >> 3] === 0xff) {
        i += 8;
        continue;
      }
      if (!this.has(i)) return i;
      i++;
    }
    return undefined;
  }

  clone(): RangeBitmap {
    return new RangeBitmap(this.size, this.bytes);
  }

  equals(other: RangeBitmap): boolean {
    if (other.size !== this.size) return false;
    for (let j = 0; j < this.bytes.length; j++) if (this.bytes[j] !== other.bytes[j]) return false;
    return true;
  }

  /** The stored text form: base64 of the raw-deflated bytes (run-length strategy: fast on sparse maps). */
  encode(): string {
    return deflateRawSync(this.bytes, { strategy: constants.Z_RLE }).toString('base64');
  }

  /** Parses `encode()`'s output for a range of `size` offsets; throws on corrupt text. */
  static decode(size: number, text: string): RangeBitmap {
    const raw = text ? inflateRawSync(Buffer.from(text, 'base64')) : new Uint8Array(0);
    return new RangeBitmap(size, raw);
  }
}
