/**
 * Key ranges in etcd's byte order. etcd compares keys as bytes, and UTF-8 bytes order like code
 * points, so "every key starting with p" is [p, p+1) where p+1 is p with its last byte below 0xff
 * bumped and the bytes after it dropped. A prefix of only 0xff bytes (or the empty one) has no such
 * end: the range is then open-ended, which etcd spells as the single byte 0.
 */

/** The exclusive end of the range holding exactly the keys that start with `prefix`. */
export function prefixEnd(prefix: Uint8Array): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return Buffer.from([0]);
}
