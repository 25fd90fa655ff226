/**
 * Table-driven protobuf → JSON decoding of one message. The result is the object Go's encoding/json
 * would print for the same Go value: JSON names, omitempty zeros dropped (see the `z` flag in
 * table.ts), bytes as base64, int64 as numbers, maps as objects, embedded structs inlined and the
 * well-known apimachinery messages in their string/number forms. Unknown field numbers are skipped,
 * as Kubernetes' own decoder skips them.
 */
import { messages } from './messages/index.ts';
import { scalarKinds, wellKnownKinds, type Field, type MessageTable, type WellKnownKind } from './table.ts';
import { decodeWellKnown } from './well-known.ts';
import { readFields, Reader, type WireValue } from './wire.ts';

type Json = Record<string, unknown>;

/** Decodes `buf` as the message `name` from `table` (default: all Kubernetes tables). */
export function decodeMessage(buf: Buffer, name: string, table: MessageTable = messages): Json {
  return new Decoder(table).message(buf, name, name);
}

class Decoder {
  private readonly table: MessageTable;

  constructor(table: MessageTable) {
    this.table = table;
  }

  message(buf: Buffer, name: string, path: string): Json {
    const msg = this.table[name];
    if (!msg) throw new Error(`${path}: no protobuf table for message ${name}`);
    const out: Json = {};
    for (const w of readFields(buf)) {
      const f = msg[w.field];
      if (!f) continue;
      this.field(out, f, w, `${path}.${f[0]}`);
    }
    return out;
  }

  private field(out: Json, f: Field, w: WireValue, path: string): void {
    const [json, kind, flags = ''] = f;
    if (flags.includes('m')) {
      const map = (out[json] ??= {}) as Json;
      const [key, value] = this.mapEntry(expectBytes(w, path), kind, path);
      map[key] = value;
      return;
    }
    if (flags.includes('r')) {
      const list = (out[json] ??= []) as unknown[];
      if (w.wire === 2 && (kind === 'int32' || kind === 'int64' || kind === 'bool')) {
        // Packed repeated numbers: one length-delimited run of varints.
        const r = new Reader(w.value);
        while (!r.done) list.push(scalar(kind, { field: w.field, wire: 0, value: r.varint() }, path));
      } else {
        const v = this.value(kind, w, path);
        list.push(v === undefined ? null : v);
      }
      return;
    }
    const v = this.value(kind, w, path);
    if (flags.includes('i')) {
      Object.assign(out, v as Json);
      return;
    }
    // A later occurrence of a non-repeated field replaces an earlier one, as in every protobuf decoder.
    if (v === undefined || (!flags.includes('z') && isZeroScalar(kind, v))) delete out[json];
    else out[json] = v;
  }

  private value(kind: string, w: WireValue, path: string): unknown {
    if (scalarKinds.has(kind)) return scalar(kind, w, path);
    const buf = expectBytes(w, path);
    if (wellKnownKinds.has(kind)) {
      try {
        return decodeWellKnown(kind as WellKnownKind, buf);
      } catch (err) {
        throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    return this.message(buf, kind, path);
  }

  private mapEntry(buf: Buffer, kind: string, path: string): [string, unknown] {
    let key = '';
    let value: unknown;
    for (const w of readFields(buf)) {
      if (w.field === 1) key = expectBytes(w, path).toString('utf8');
      else if (w.field === 2) value = this.value(kind, w, `${path}[${JSON.stringify(key)}]`);
    }
    // An entry without a value holds the zero value of its kind.
    if (value === undefined)
      value = scalarKinds.has(kind)
        ? zeroOf(kind)
        : this.value(kind, { field: 2, wire: 2, value: Buffer.alloc(0) }, path);
    return [key, value ?? null];
  }
}

function expectBytes(w: WireValue, path: string): Buffer {
  if (w.wire !== 2) throw new Error(`${path}: wire type ${w.wire}, expected a length-delimited field`);
  return w.value;
}

function scalar(kind: string, w: WireValue, path: string): unknown {
  if (kind === 'string') return expectBytes(w, path).toString('utf8');
  if (kind === 'bytes') return expectBytes(w, path).toString('base64');
  if (w.wire !== 0) throw new Error(`${path}: wire type ${w.wire}, expected a varint`);
  if (kind === 'bool') return w.value !== 0n;
  if (kind === 'int32') return Number(BigInt.asIntN(32, w.value));
  return Number(BigInt.asIntN(64, w.value));
}

function zeroOf(kind: string): unknown {
  return kind === 'bool' ? false : kind === 'int32' || kind === 'int64' ? 0 : '';
}

function isZeroScalar(kind: string, v: unknown): boolean {
  return scalarKinds.has(kind) && v === zeroOf(kind);
}
