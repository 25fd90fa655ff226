import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer } from './encode.ts';
import { readFields, Reader } from './wire.ts';

test('varints round-trip through the writer and reader', () => {
  for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n]) {
    const r = new Reader(new Writer().varint(v).finish());
    assert.equal(r.varint(), v);
    assert.ok(r.done);
  }
  // A negative int32 is sign-extended to ten bytes on the wire.
  const neg = new Writer().varint(-5).finish();
  assert.equal(neg.length, 10);
  assert.equal(BigInt.asIntN(64, new Reader(neg).varint()), -5n);
});

test('fields come back with their numbers and wire types', () => {
  const fixed = Buffer.alloc(14);
  fixed.writeUInt8(3 * 8 + 1, 0);
  fixed.writeBigUInt64LE(42n, 1);
  fixed.writeUInt8(4 * 8 + 5, 9);
  fixed.writeUInt32LE(7, 10);
  const buf = Buffer.concat([new Writer().uint(1, 150).bytes(2, 'hi').finish(), fixed]);
  assert.deepEqual(
    readFields(buf).map((f) => [f.field, f.wire, Buffer.isBuffer(f.value) ? f.value.toString() : f.value]),
    [
      [1, 0, 150n],
      [2, 2, 'hi'],
      [3, 1, 42n],
      [4, 5, 7],
    ],
  );
  assert.throws(() => readFields(fixed.subarray(9, 12)), /truncated 32-bit/);
});

const malformed: [string, Buffer, RegExp][] = [
  ['truncated varint', Buffer.from([0x08, 0x80]), /truncated varint/],
  ['varint over ten bytes', Buffer.from([0x08, ...Array(11).fill(0xff)]), /longer than 10 bytes/],
  ['length past the end', Buffer.from([0x12, 0x05, 0x61]), /claims 5 bytes, only 1 remain/],
  ['group wire type', Buffer.from([0x0b]), /unsupported wire type 3/],
  ['field number zero', Buffer.from([0x02, 0x00]), /field number 0/],
  ['truncated fixed64', Buffer.from([0x09, 1, 2, 3]), /truncated 64-bit/],
];

for (const [name, buf, re] of malformed) {
  test(`malformed input: ${name}`, () => assert.throws(() => readFields(buf), re));
}
