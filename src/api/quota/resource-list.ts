/**
 * Arithmetic on resource lists (`{cpu: "500m", pods: "2"}`) as quota accounting needs it: sums,
 * differences that never go below zero, per-name maxima, masks, the "fits under hard" comparison
 * and the `name=value,...` text Kubernetes prints in quota errors. Lists are Maps of parsed
 * quantities so arithmetic stays exact; they turn back into JSON with canonical quantity strings.
 */
import { isObject } from '../object.ts';
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  quantityFromValue,
  subtractQuantities,
  type Quantity,
} from '../quantity.ts';

/** A parsed resource list. */
export type Usage = Map<string, Quantity>;

const ZERO = quantityFromValue(0);

/** Parses a JSON resource list; entries that are not quantities are left out (validation reports them). */
export function parseUsage(list: unknown): Usage {
  const out: Usage = new Map();
  if (!isObject(list)) return out;
  for (const [k, v] of Object.entries(list)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    try {
      out.set(k, parseQuantity(String(v)));
    } catch {
      // not a quantity: skipped
    }
  }
  return out;
}

/** The JSON form: canonical quantity strings, names in sorted order. */
export function usageToJson(u: Usage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...u.keys()].sort()) out[k] = formatQuantity(u.get(k)!);
  return out;
}

/** a + b, name by name (names in either). */
export function addUsage(a: Usage, b: Usage): Usage {
  const out: Usage = new Map(a);
  for (const [k, v] of b) out.set(k, addQuantities(out.get(k) ?? ZERO, v));
  return out;
}

/** a − b for the names in a, floored at zero (a release never makes usage negative). */
export function subtractUsage(a: Usage, b: Usage): Usage {
  const out: Usage = new Map();
  for (const [k, v] of a) {
    const d = subtractQuantities(v, b.get(k) ?? ZERO);
    out.set(k, d.nanos < 0n ? { nanos: 0n, format: v.format } : d);
  }
  return out;
}

/** The larger of a and b, name by name (names in either). */
export function maxUsage(a: Usage, b: Usage): Usage {
  const out: Usage = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    if (!cur || compareQuantities(v, cur) > 0) out.set(k, v);
  }
  return out;
}

/** Only the entries whose names are in `names`. */
export function maskUsage(u: Usage, names: Iterable<string>): Usage {
  const keep = new Set(names);
  return new Map([...u].filter(([k]) => keep.has(k)));
}

/** Names (sorted) whose value in `u` is above the value `hard` has for them; names absent from hard are free. */
export function exceededNames(u: Usage, hard: Usage): string[] {
  return [...u]
    .filter(([k, v]) => {
      const h = hard.get(k);
      return h !== undefined && compareQuantities(v, h) > 0;
    })
    .map(([k]) => k)
    .sort();
}

/** True when every entry is zero (an empty list too). */
export function isZeroUsage(u: Usage): boolean {
  for (const v of u.values()) if (v.nanos !== 0n) return false;
  return true;
}

/** True when both lists hold the same names with equal values. */
export function sameUsage(a: Usage, b: Usage): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || compareQuantities(v, w) !== 0) return false;
  }
  return true;
}

/** `cpu=500m,pods=1`: sorted names with canonical values, as quota errors print them. */
export function prettyUsage(u: Usage): string {
  return [...u.keys()]
    .sort()
    .map((k) => `${k}=${formatQuantity(u.get(k)!)}`)
    .join(',');
}

/** A count of whole objects as a quantity. */
export function count(n: number): Quantity {
  return quantityFromValue(n);
}
