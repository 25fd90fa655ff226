/**
 * The field tables against an oracle: protobufjs (tests only) loading proto/cri.proto. For every
 * request and answer of every method Berth calls: the tables list the same fields (number, type,
 * repeated) as the .proto; a request filled in every field encodes to the very bytes protobufjs
 * produces; and answers protobufjs encodes decode to what protobufjs's own decoder returns with the
 * options the old gRPC client used (keepCase, longs as strings, enums as names, defaults).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { criMessages } from './messages.ts';
import { decode, encode } from './protobuf.ts';
import type { Field, MessageType } from './protobuf.ts';

const root = new protobuf.Root();
root.loadSync(fileURLToPath(new URL('./proto/cri.proto', import.meta.url)), { keepCase: true });
root.resolveAll();

const toObjectOptions = { longs: String, enums: String, bytes: Buffer, defaults: true } as const;

function oracleType(method: string, side: 0 | 1): protobuf.Type {
  const [service] = criMessages[method as keyof typeof criMessages];
  const m = root.lookupService(`runtime.v1.${service}`).methods[method];
  assert.ok(m, `${method} is in cri.proto`);
  return side === 0 ? m.resolvedRequestType! : m.resolvedResponseType!;
}

const scalarOf: Record<string, string> = {
  string: 'string',
  bool: 'bool',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  bytes: 'bytes',
};

/** Walks a table and the oracle's type side by side, asserting the same fields. */
function sameShape(table: MessageType, oracle: protobuf.Type, seen: Set<string>): void {
  if (seen.has(oracle.name)) return;
  seen.add(oracle.name);
  for (const of of oracle.fieldsArray) {
    const f = table.fields.find((x) => x.name === of.name);
    assert.ok(f, `${oracle.name}.${of.name} missing from the table`);
    const where = `${oracle.name}.${of.name}`;
    assert.equal(f.no, of.id, `${where} number`);
    if (of.map) {
      assert.equal(f.kind, 'map', where);
      assert.deepEqual([(of as unknown as protobuf.MapField).keyType, of.type], ['string', 'string'], where);
      continue;
    }
    assert.equal(f.repeated, of.repeated, `${where} repeated`);
    const rt = of.resolvedType;
    if (rt instanceof protobuf.Enum) {
      assert.equal(f.kind, 'enum', where);
      const names = Object.entries(rt.values).sort((a, b) => a[1] - b[1]);
      assert.deepEqual(
        names.map(([, n]) => n),
        names.map((_, i) => i),
        `${where} enum is dense`,
      );
      assert.deepEqual(
        f.enumType!.values,
        names.map(([n]) => n),
        `${where} enum values`,
      );
    } else if (rt instanceof protobuf.Type) {
      assert.equal(f.kind, 'message', where);
      sameShape(f.messageType!, rt, seen);
    } else assert.equal(f.kind, scalarOf[of.type], `${where} type ${of.type}`);
  }
  for (const f of table.fields)
    assert.ok(oracle.fields[f.name], `${table.name}.${f.name} is not in cri.proto ${oracle.name}`);
}

const int64s = ['-1234567890123', '1700000000123456789', '9223372036854775807', '-1'];
const uint64s = ['18446744073709551615', '1700000000123456789', '42'];

/** A value for every field (or, `sparse`, for every other one), with awkward numbers and text. */
function sample(type: MessageType, seed: number, sparse: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  type.fields.forEach((f, i) => {
    if (sparse && (i + seed) % 2 === 1) return;
    out[f.name] = f.repeated ? [value(f, seed, sparse), value(f, seed + 1, sparse)] : value(f, seed, sparse);
  });
  return out;
}

function value(f: Field, seed: number, sparse: boolean): unknown {
  switch (f.kind) {
    case 'string':
      return `${f.name}-${seed}-é✓`;
    case 'bool':
      return seed % 3 !== 2;
    case 'int32':
      return seed % 2 ? -7 - seed : 300 + seed;
    case 'uint32':
      return seed % 2 ? 4_000_000_000 : seed;
    case 'int64':
      return int64s[seed % int64s.length];
    case 'uint64':
      return uint64s[seed % uint64s.length];
    case 'bytes':
      return Buffer.from([0, seed, 0x80, 0xff]);
    case 'enum':
      return f.enumType!.values[(seed + 1) % f.enumType!.values.length];
    case 'map':
      return { a: `v${seed}`, 'example.com/k': '', [`k${seed}`]: 'é' };
    case 'message':
      return sample(f.messageType!, seed + 1, sparse);
  }
}

const methods = Object.keys(criMessages);

describe('CRI field tables', () => {
  test('list the same fields as cri.proto', () => {
    for (const m of methods) {
      const [, req, res] = criMessages[m as keyof typeof criMessages];
      sameShape(req, oracleType(m, 0), new Set());
      sameShape(res, oracleType(m, 1), new Set());
    }
  });

  test('requests encode to the bytes protobufjs produces', () => {
    for (const m of methods) {
      const [, req] = criMessages[m as keyof typeof criMessages];
      const oracle = oracleType(m, 0);
      for (const [seed, sparse] of [
        [0, false],
        [1, false],
        [0, true],
        [1, true],
      ] as const) {
        const obj = sample(req, seed, sparse);
        const want = Buffer.from(oracle.encode(oracle.fromObject(obj)).finish());
        assert.deepEqual(encode(req, obj), want, `${m} request (seed ${seed}, sparse ${sparse})`);
      }
      assert.equal(encode(req, {}).length, 0, `${m}: an empty request is empty`);
    }
  });

  test('answers decode as protobufjs decodes them', () => {
    for (const m of methods) {
      const [, , res] = criMessages[m as keyof typeof criMessages];
      const oracle = oracleType(m, 1);
      for (const [seed, sparse] of [
        [0, false],
        [1, false],
        [0, true],
        [1, true],
      ] as const) {
        const bytes = Buffer.from(oracle.encode(oracle.fromObject(sample(res, seed, sparse))).finish());
        const want = oracle.toObject(oracle.decode(bytes), toObjectOptions);
        assert.deepEqual(decode(res, bytes), want, `${m} answer (seed ${seed}, sparse ${sparse})`);
      }
      const none = oracle.toObject(oracle.decode(Buffer.alloc(0)), toObjectOptions);
      assert.deepEqual(decode(res, Buffer.alloc(0)), none, `${m}: an empty answer has every default`);
    }
  });

  test('requests round-trip through the decoder, and through protobufjs', () => {
    for (const m of methods) {
      const [, req] = criMessages[m as keyof typeof criMessages];
      const oracle = oracleType(m, 0);
      const bytes = encode(req, sample(req, 1, false));
      const want = oracle.toObject(oracle.decode(bytes), toObjectOptions);
      assert.deepEqual(decode(req, bytes), want, m);
    }
  });
});
