/**
 * Prefix ranges over keys. SQLite compares TEXT byte-wise (UTF-8), which orders like code points, so
 * "keys starting with p" is the half-open range [p, p'), p' being p with its last character bumped by
 * one. A prefix must match exactly: '/registry/pods/default/' never matches '/registry/pods/default2/'.
 */

/** Upper bound that sorts after every TEXT value: SQLite orders any BLOB after all TEXT. */
const AFTER_ALL_TEXT = new Uint8Array([0xff]);

/** A half-open key range [start, end) bound as SQL parameters. */
export interface KeyRange {
  start: string;
  /** Exclusive upper bound: TEXT, or a BLOB that sorts after every key when the range is open-ended. */
  end: string | Uint8Array;
}

/**
 * The range holding exactly the keys under `prefix` (for the empty prefix: every key). When the last
 * character cannot be bumped (U+FFFF), the range is open-ended and callers filter with `hasPrefix`.
 */
export function prefixRange(prefix: string): KeyRange {
  if (prefix === '') return { start: '', end: AFTER_ALL_TEXT };
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last === 0xffff) return { start: prefix, end: AFTER_ALL_TEXT };
  return { start: prefix, end: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** True when `key` lies under `prefix`; the same rule the SQL range applies, for in-memory events. */
export function hasPrefix(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}
