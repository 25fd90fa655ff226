/**
 * Byte ranges on the wire. Uploads carry `Content-Range: <start>-<end>` (inclusive, the spec's form;
 * `bytes ` / `bytes=` prefixes and a `/total` suffix that some clients add are accepted too). Blob
 * reads honour a single `Range: bytes=...` range (first-last, first-, or -suffix); several ranges in
 * one header are not supported and the whole blob is served, which RFC 9110 allows.
 */

/** An inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The range of a PATCH/PUT chunk, or undefined when the header is malformed or inverted. */
export function parseContentRange(header: string): ByteRange | undefined {
  const m = /^\s*(?:bytes[ =])?\s*(\d+)-(\d+)(?:\/(?:\d+|\*))?\s*$/.exec(header);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  return { start, end };
}

/** What a `Range` request header asks of a blob of `size` bytes. */
export type RangeRequest =
  { kind: 'whole' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

/** Interprets a `Range` header against a blob size (RFC 9110 §14.1.2, one range only). */
export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const m = /^\s*bytes=\s*(\d*)-(\d*)\s*$/.exec(header);
  if (!m) return { kind: 'whole' }; // unknown unit or several ranges: ignore the header
  const [, first, last] = m as unknown as [string, string, string];
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'whole' }; // syntactically invalid: ignore
  return { kind: 'partial', range: { start, end } };
}
