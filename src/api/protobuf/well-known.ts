/**
 * apimachinery's small messages whose JSON form is not an object: Quantity, IntOrString, Time,
 * MicroTime, Duration, RawExtension and FieldsV1. Each turns its wire fields into the exact JSON value
 * Go's MarshalJSON would print, so the decoded body reads as if it had been sent as JSON.
 */
import type { WellKnownKind } from './table.ts';
import { readFields } from './wire.ts';

/** The value of a well-known message; `undefined` means the JSON form omits it (a zero Time). */
export function decodeWellKnown(kind: WellKnownKind, buf: Buffer): unknown {
  const f = new Map<number, bigint | Buffer | number>();
  for (const w of readFields(buf)) f.set(w.field, w.value);
  const int = (n: number): bigint => {
    const v = f.get(n);
    if (v === undefined) return 0n;
    if (typeof v !== 'bigint') throw new Error(`${kind} field ${n} has the wrong wire type`);
    return v;
  };
  const bytes = (n: number): Buffer | undefined => {
    const v = f.get(n);
    if (v !== undefined && !Buffer.isBuffer(v)) throw new Error(`${kind} field ${n} has the wrong wire type`);
    return v;
  };
  switch (kind) {
    case 'Quantity':
      // A zero Quantity still prints as "0" in JSON.
      return bytes(1)?.toString('utf8') ?? '0';
    case 'IntOrString':
      return BigInt.asIntN(64, int(1)) === 1n
        ? (bytes(3)?.toString('utf8') ?? '')
        : Number(BigInt.asIntN(32, int(2)));
    case 'Time':
    case 'MicroTime': {
      // Go writes nothing for the zero time; its JSON would be null, which create and update ignore.
      if (buf.length === 0) return undefined;
      const seconds = Number(BigInt.asIntN(64, int(1)));
      const nanos = Number(BigInt.asIntN(32, int(2)));
      return kind === 'Time' ? formatTime(seconds) : formatTime(seconds, nanos);
    }
    case 'Duration':
      return formatDuration(BigInt.asIntN(64, int(1)));
    case 'RawExtension':
    case 'FieldsV1': {
      const raw = bytes(1);
      if (raw === undefined || raw.length === 0) return undefined;
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch {
        throw new Error(`${kind} holds bytes that are not JSON`);
      }
    }
  }
}

/**
 * RFC 3339 in UTC: `2006-01-02T15:04:05Z` (metav1.Time: whole seconds) or, when `nanos` is given,
 * with six fraction digits (metav1.MicroTime always prints them).
 */
export function formatTime(seconds: number, nanos?: number): string {
  const d = new Date(seconds * 1000);
  const iso = Number.isNaN(d.getTime()) ? '' : d.toISOString(); // 2006-01-02T15:04:05.000Z
  if (iso.length !== 24) throw new Error(`time ${seconds}s is out of range`);
  const base = iso.slice(0, 19);
  return nanos === undefined ? `${base}Z` : `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** Go's time.Duration.String(): `1h2m3.5s`, `150ms`, `0s`. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const sign = neg ? '-' : '';
  if (u < 1_000_000_000n) {
    // Below one second Go picks the largest unit that keeps the integer part non-zero.
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    return sign + fraction(u, div) + unit;
  }
  let out = '';
  const h = u / 3_600_000_000_000n;
  u -= h * 3_600_000_000_000n;
  const m = u / 60_000_000_000n;
  u -= m * 60_000_000_000n;
  if (h > 0n) out += `${h}h`;
  if (h > 0n || m > 0n) out += `${m}m`;
  return sign + out + fraction(u, 1_000_000_000n) + 's';
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
