/**
 * The table-driven codec on its own: exact bytes for each field kind, round-trips of awkward values,
 * fields a newer runtime sends that the tables do not list (every wire type, groups included),
 * packed and unpacked repeated numbers, unknown enum numbers, and truncated input.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, message, protoEnum } from './protobuf.ts';

const Color = protoEnum('Color', ['RED', 'GREEN', 'BLUE']);
const Inner = message('Inner', [[1, 'name', 'string']]);
const All = message('All', [
  [1, 's', 'string'],
  [2, 'b', 'bool'],
  [3, 'i32', 'int32'],
  [4, 'u32', 'uint32'],
  [5, 'i64', 'int64'],
  [6, 'u64', 'uint64'],
  [7, 'raw', 'bytes'],
  [8, 'color', Color],
  [9, 'inner', Inner],
  [10, 'm', 'map'],
  [11, 'nums', 'int64', 'repeated'],
  [12, 'names', 'string', 'repeated'],
  [13, 'inners', Inner, 'repeated'],
  [20, 'late', 'string'],
]);

const hex = (b: Buffer): string => b.toString('hex');

describe('protobuf codec', () => {
  test('each field kind encodes to the expected bytes', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['string', { s: 'hi' }, '0a026869'],
      ['bool', { b: true }, '1001'],
      ['false is still sent when set', { b: false }, '1000'],
      ['int32 300', { i32: 300 }, '18ac02'],
      ['negative int32 is ten bytes', { i32: -1 }, '18ffffffffffffffffff01'],
      ['uint32 max', { u32: 4294967295 }, '20ffffffff0f'],
      ['int64 from a string', { i64: '-2' }, '28feffffffffffffffff01'],
      ['int64 past 2^53', { i64: '9007199254740993' }, '288180808080808010'],
      ['uint64 max', { u64: '18446744073709551615' }, '30ffffffffffffffffff01'],
      ['bytes', { raw: Buffer.from([0, 255]) }, '3a0200ff'],
      ['enum by name', { color: 'BLUE' }, '4002'],
      ['enum by number', { color: 1 }, '4001'],
      ['nested message', { inner: { name: 'x' } }, '4a030a0178'],
      ['map entry', { m: { k: 'v' } }, '52060a016b120176'],
      ['packed repeated int64', { nums: [1, 300] }, '5a0301ac02'],
      ['repeated strings', { names: ['a', 'b'] }, '620161620162'],
      ['repeated messages', { inners: [{ name: 'a' }, {}] }, '6a030a01616a00'],
      ['two-byte tag', { late: 'z' }, 'a201017a'],
      ['empty repeated and null are left out', { nums: [], inner: null, s: undefined }, ''],
    ];
    for (const [name, obj, want] of cases) assert.equal(hex(encode(All, obj)), want, name);
  });

  test('awkward values round-trip', () => {
    const obj = {
      s: 'ünïcödé ✓ 𝄞',
      b: true,
      i32: -2147483648,
      u32: 4294967295,
      i64: '-9223372036854775808',
      u64: '18446744073709551615',
      raw: Buffer.from([0, 1, 2, 0x80, 0xff]),
      color: 'GREEN',
      inner: { name: '' },
      m: { a: '1', '': 'empty key', 'example.com/x': '' },
      nums: ['0', '-1', '1700000000123456789', '9223372036854775807'],
      names: ['', 'x'],
      inners: [{ name: 'a' }, { name: '' }],
      late: 'z',
    };
    assert.deepEqual(decode(All, encode(All, obj)), obj);
  });

  test('defaults: scalars, empty lists and maps, absent messages as null', () => {
    assert.deepEqual(decode(All, Buffer.alloc(0)), {
      s: '',
      b: false,
      i32: 0,
      u32: 0,
      i64: '0',
      u64: '0',
      raw: Buffer.alloc(0),
      color: 'RED',
      inner: null,
      m: {},
      nums: [],
      names: [],
      inners: [],
      late: '',
    });
  });

  test('fields the table does not list are skipped, whatever their wire type', () => {
    const unknown = Buffer.from([
      ...[0x78, 0x96, 0x01], // field 15 varint 150
      ...[0x79, 1, 2, 3, 4, 5, 6, 7, 8], // field 15 fixed64
      ...[0x7a, 0x02, 0x61, 0x62], // field 15 length-delimited
      ...[0x7d, 1, 2, 3, 4], // field 15 fixed32
      ...[0x7b, 0x08, 0x01, 0x7c], // field 15 group holding field 1 varint, then end group
    ]);
    const known = encode(All, { s: 'kept', inner: { name: 'n' } });
    const got = decode<Record<string, unknown>>(All, Buffer.concat([unknown, known, unknown]));
    assert.equal(got.s, 'kept');
    assert.deepEqual(got.inner, { name: 'n' });
  });

  test('repeated numbers decode packed or one by one', () => {
    const packed = Buffer.from('5a0301ac02', 'hex');
    const unpacked = Buffer.from('580158ac02', 'hex');
    assert.deepEqual(decode<{ nums: string[] }>(All, packed).nums, ['1', '300']);
    assert.deepEqual(decode<{ nums: string[] }>(All, unpacked).nums, ['1', '300']);
  });

  test('an enum number the table does not name comes back as the number', () => {
    assert.equal(decode<{ color: unknown }>(All, Buffer.from('4007', 'hex')).color, 7);
  });

  test('an int32 sent as a 5-byte varint keeps its sign', () => {
    assert.equal(decode<{ i32: number }>(All, Buffer.from('18ffffffff0f', 'hex')).i32, -1);
  });

  test('truncated input is an error, not a short answer', () => {
    for (const bad of ['0a05686', '28ffff', '4a050a0178', '7f']) {
      assert.throws(() => decode(All, Buffer.from(bad, 'hex')), RangeError, bad);
    }
  });

  test('bad input to the encoder is refused', () => {
    assert.throws(() => encode(All, { color: 'PURPLE' }), /PURPLE is not a Color/);
    assert.throws(() => encode(All, { names: 'a' }), /expected an array/);
  });
});
