import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RangeBitmap } from './range-bitmap.ts';

test('set, has, clear, count and offsets', () => {
  const cases: { size: number; set: number[]; clear: number[]; want: number[] }[] = [
    { size: 1, set: [0], clear: [], want: [0] },
    { size: 10, set: [0, 7, 8, 9], clear: [7], want: [0, 8, 9] },
    { size: 2768, set: [2767, 0, 1000], clear: [1000, 5], want: [0, 2767] },
  ];
  for (const c of cases) {
    const b = new RangeBitmap(c.size);
    for (const i of c.set) b.set(i);
    for (const i of c.clear) b.clear(i);
    assert.deepEqual(b.offsets(), c.want, `size ${c.size}`);
    assert.equal(b.count(), c.want.length);
    for (const i of c.want) assert.ok(b.has(i));
    assert.equal(b.has(c.size), false);
    assert.equal(b.has(-1), false);
    assert.throws(() => b.set(c.size), RangeError);
  }
});

test('firstClear skips full bytes and honours the bounds', () => {
  const b = new RangeBitmap(40);
  for (let i = 0; i < 20; i++) b.set(i);
  assert.equal(b.firstClear(0, 40), 20);
  assert.equal(b.firstClear(0, 20), undefined);
  assert.equal(b.firstClear(25, 40), 25);
  for (let i = 20; i < 40; i++) b.set(i);
  assert.equal(b.firstClear(0, 40), undefined);
  b.clear(39);
  assert.equal(b.firstClear(3, 100), 39);
});

test('encode/decode round-trips; a /12 with a few bits set stays small', () => {
  const size = 2 ** 20 - 2;
  const b = new RangeBitmap(size);
  for (const i of [0, 1, 4095, 500_000, size - 1]) b.set(i);
  const text = b.encode();
  assert.ok(text.length < 2000, `encoded length ${text.length}`);
  const back = RangeBitmap.decode(size, text);
  assert.ok(back.equals(b));
  assert.deepEqual(back.offsets(), b.offsets());
  // Decoding into a smaller range drops what does not fit, never bits past the end.
  const small = RangeBitmap.decode(3, new RangeBitmap(16, Uint8Array.of(0xff, 0xff)).encode());
  assert.deepEqual(small.offsets(), [0, 1, 2]);
  assert.equal(RangeBitmap.decode(8, '').count(), 0);
  assert.throws(() => RangeBitmap.decode(8, 'not deflate data'));
});

test('clone is independent', () => {
  const a = new RangeBitmap(16);
  a.set(3);
  const b = a.clone();
  b.set(4);
  assert.deepEqual(a.offsets(), [3]);
  assert.deepEqual(b.offsets(), [3, 4]);
  assert.equal(a.equals(b), false);
});
