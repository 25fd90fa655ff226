/**
 * Table-driven JSON → protobuf encoding, the inverse of decode.ts, written for tests (it builds the
 * bodies kubectl would send) and usable for protobuf responses later. It mimics gogo-protobuf as
 * Kubernetes uses it: scalars without the `z` flag are plain Go fields and are written even when
 * zero or missing; `z` scalars and messages are written only when present; map entries are sorted.
 */
import { messages } from './messages/index.ts';
import { protobufMagic } from './object.ts';
import { scalarKinds, wellKnownKinds, type MessageTable } from './table.ts';

type Json = Record<string, unknown>;

/** A growable protobuf writer. */
export class Writer {
  private readonly parts: Buffer[] = [];

  varint(v: bigint | number): this {
    let u = BigInt.asUintN(64, BigInt(v));
    const bytes: number[] = [];
    while (u >= 0x80n) {
      bytes.push(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    bytes.push(Number(u));
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  bytes(field: number, b: Buffer | string): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    this.tag(field, 2).varint(buf.length);
    this.parts.push(buf);
    return this;
  }

  uint(field: number, v: bigint | number): this {
    return this.tag(field, 0).varint(v);
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Encodes a JSON object as the message `name`. */
export function encodeMessage(obj: Json, name: string, table: MessageTable = messages): Buffer {
  const msg = table[name];
  if (!msg) throw new Error(`no protobuf table for message ${name}`);
  const w = new Writer();
  for (const [num, [json, kind, flags = '']] of Object.entries(msg).sort(
    (a, b) => Number(a[0]) - Number(b[0]),
  )) {
    const field = Number(num);
    if (flags.includes('i')) {
      w.bytes(field, encodeMessage(obj, kind, table));
      continue;
    }
    const v = obj[json];
    if (flags.includes('m')) {
      if (v === undefined || v === null) continue;
      for (const key of Object.keys(v as Json).sort()) {
        const entry = new Writer().bytes(1, key);
        encodeValue(entry, 2, kind, (v as Json)[key], table);
        w.bytes(field, entry.finish());
      }
    } else if (flags.includes('r')) {
      for (const item of (v as unknown[] | undefined) ?? []) encodeValue(w, field, kind, item, table);
    } else if (v !== undefined && v !== null) {
      encodeValue(w, field, kind, v, table);
    } else if (scalarKinds.has(kind) && !flags.includes('z')) {
      encodeValue(
        w,
        field,
        kind,
        kind === 'string' || kind === 'bytes' ? '' : kind === 'bool' ? false : 0,
        table,
      );
    }
  }
  return w.finish();
}

function encodeValue(w: Writer, field: number, kind: string, v: unknown, table: MessageTable): void {
  switch (kind) {
    case 'string':
      w.bytes(field, String(v));
      return;
    case 'bytes':
      w.bytes(field, Buffer.from(String(v), 'base64'));
      return;
    case 'bool':
      w.uint(field, v ? 1 : 0);
      return;
    case 'int32':
    case 'int64':
      w.uint(field, BigInt(v as number));
      return;
  }
  if (wellKnownKinds.has(kind)) {
    w.bytes(field, encodeWellKnown(kind, v));
    return;
  }
  w.bytes(field, encodeMessage(v as Json, kind, table));
}

function encodeWellKnown(kind: string, v: unknown): Buffer {
  const w = new Writer();
  switch (kind) {
    case 'Quantity':
      return w.bytes(1, String(v)).finish();
    case 'IntOrString':
      return typeof v === 'string'
        ? w.uint(1, 1).uint(2, 0).bytes(3, v).finish()
        : w
            .uint(1, 0)
            .uint(2, v as number)
            .bytes(3, '')
            .finish();
    case 'Time':
    case 'MicroTime': {
      const ms = Date.parse(String(v));
      const micros = /\.(\d{1,6})/.exec(String(v))?.[1]?.padEnd(6, '0') ?? '0';
      return w
        .uint(1, Math.floor(ms / 1000))
        .uint(2, kind === 'MicroTime' ? Number(micros) * 1000 : 0)
        .finish();
    }
    case 'Duration':
      return w.uint(1, BigInt(v as number)).finish();
    default:
      return w.bytes(1, JSON.stringify(v)).finish();
  }
}

/** A whole `k8s\0` + runtime.Unknown body for an object with `apiVersion` and `kind`, as kubectl sends it. */
export function encodeProtobufObject(obj: Json, messageName: string, table: MessageTable = messages): Buffer {
  const typeMeta = new Writer().bytes(1, String(obj.apiVersion)).bytes(2, String(obj.kind)).finish();
  const unknown = new Writer()
    .bytes(1, typeMeta)
    .bytes(2, encodeMessage(obj, messageName, table))
    .bytes(3, '')
    .bytes(4, '')
    .finish();
  return Buffer.concat([protobufMagic, unknown]);
}
