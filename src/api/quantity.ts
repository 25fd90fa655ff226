/**
 * resource.Quantity: the fixed-point numbers of resource requests, limits, capacity and storage
 * sizes ("500m", "1.5Gi", "2e3"). Values are held as a BigInt count of nano-units, so arithmetic and
 * comparison never drift the way floats would; like Kubernetes, anything finer than 1n is rounded
 * up (away from zero) when parsed, because asking for a tiny amount should still mean "some".
 *
 * The format (DecimalSI, BinarySI, DecimalExponent) comes from the suffix the value was written
 * with and decides how it is printed back: "1000m" → "1", "0.5" → "500m", "1.5Gi" → "1536Mi".
 */

/** How a quantity prints: by its SI suffix, by its binary suffix, or with an `e` exponent. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: the value in nano-units (1 = 1e-9) and the format it prints in. */
export interface Quantity {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

const NANO = 1_000_000_000n;
/** BinarySI values are capped at the largest int64, as Kubernetes does. */
const MAX_BINARY_UNITS = (1n << 63n) - 1n;
/** Exponents beyond this are refused rather than expanded into enormous integers. */
const MAX_EXPONENT = 1000;

const DECIMAL_SUFFIX: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIX).map(([k, v]) => [v, k]));
const BINARY_NAMES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const SHAPE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/;
const EXPONENT = /^[eE]([+-]?\d+)$/;

/** 10^n as a BigInt (n ≥ 0). */
function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Divides, rounding the magnitude up (away from zero). */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/**
 * Parses a quantity string; throws an Error naming the problem when the text is not one.
 * Accepts an optional sign, digits with an optional fraction, and one suffix: n u m k M G T P E,
 * Ki Mi Gi Ti Pi Ei, or an exponent e<N>/E<N>.
 */
export function parseQuantity(str: string): Quantity {
  if (typeof str !== 'string' || str.length === 0) throw new Error('quantities must not be empty');
  const m = SHAPE.exec(str);
  if (!m) throw new Error(`quantity ${JSON.stringify(str)} must start with a number`);
  const [, sign, number, suffix] = m as unknown as [string, string, string, string];
  const dot = number.indexOf('.');
  const whole = dot < 0 ? number : number.slice(0, dot);
  const fraction = dot < 0 ? '' : number.slice(dot + 1);
  const digits = BigInt((whole || '0') + fraction);

  let format: QuantityFormat;
  let nanos: bigint;
  let units: bigint | undefined;
  if (suffix in BINARY_SUFFIX) {
    format = 'BinarySI';
    const scaled = digits << BigInt(10 * BINARY_SUFFIX[suffix]!);
    // scaled × 10^-len(fraction) units, in nanos:
    const shift = 9 - fraction.length;
    nanos = shift >= 0 ? scaled * pow10(shift) : divCeil(scaled, pow10(-shift));
    units = scaled / pow10(fraction.length);
  } else {
    let exponent: number;
    if (suffix in DECIMAL_SUFFIX) {
      format = 'DecimalSI';
      exponent = DECIMAL_SUFFIX[suffix]!;
    } else {
      const e = EXPONENT.exec(suffix);
      if (!e)
        throw new Error(`quantity ${JSON.stringify(str)} has an unknown suffix ${JSON.stringify(suffix)}`);
      exponent = Number(e[1]);
      if (Math.abs(exponent) > MAX_EXPONENT)
        throw new Error(`quantity ${JSON.stringify(str)} has too large an exponent`);
      format = 'DecimalExponent';
    }
    const shift = exponent - fraction.length + 9;
    nanos = shift >= 0 ? digits * pow10(shift) : divCeil(digits, pow10(-shift));
  }

  if (format === 'BinarySI') {
    if (units !== undefined && units > MAX_BINARY_UNITS) nanos = MAX_BINARY_UNITS * NANO;
    // A binary value below one unit has no binary spelling; it prints as decimal.
    if (nanos > 0n && nanos < NANO) format = 'DecimalSI';
  }
  if (sign === '-') nanos = -nanos;
  return { nanos, format };
}

/** True when `s` parses as a quantity. */
export function isQuantity(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

/** Builds a quantity from a whole number of units (bytes, cores, …). */
export function quantityFromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  const units = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  return { nanos: units * NANO, format };
}

/** Builds a quantity from thousandths of a unit (CPU millicores). */
export function quantityFromMillis(millis: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  const m = typeof millis === 'bigint' ? millis : BigInt(Math.trunc(millis));
  return { nanos: m * 1_000_000n, format };
}

/**
 * The canonical text of a quantity, as Kubernetes prints it: the smallest exact mantissa with an
 * exponent that is a multiple of three (decimal) or of 1024 (binary, for whole values ≥ 1Ki).
 */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const magnitude = abs(q.nanos);
  const sign = negative ? '-' : '';

  if (q.format === 'BinarySI' && magnitude >= 1024n * NANO && magnitude % NANO === 0n) {
    let mantissa = magnitude / NANO;
    let power = 0;
    while (power < BINARY_NAMES.length - 1 && mantissa % 1024n === 0n) {
      mantissa /= 1024n;
      power++;
    }
    return sign + mantissa.toString() + BINARY_NAMES[power];
  }

  let mantissa = magnitude;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (q.format === 'DecimalExponent') {
    return sign + mantissa.toString() + (exponent === 0 ? '' : `e${exponent}`);
  }
  // DecimalSI (and BinarySI values with no exact binary spelling).
  while (exponent > 18) {
    mantissa *= 1000n;
    exponent -= 3;
  }
  return sign + mantissa.toString() + DECIMAL_BY_EXPONENT.get(exponent)!;
}

/** Parses and prints back in canonical form: `canonicalQuantity("1000m") === "1"`. */
export function canonicalQuantity(s: string): string {
  return formatQuantity(parseQuantity(s));
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** a + b, printed in a's format (or b's when a is zero), as Kubernetes' Add does. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** a − b, printed in a's format (or b's when a is zero). */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** The value in whole units, rounded up away from zero (Kubernetes' Value()): "100m" → 1. */
export function quantityValue(q: Quantity): number {
  return Number(divCeil(q.nanos, NANO));
}

/** The value in thousandths, rounded up away from zero (MilliValue(), used for CPU): "0.1" → 100. */
export function quantityMilliValue(q: Quantity): number {
  return Number(divCeil(q.nanos, 1_000_000n));
}

/** The value as a float, for ratios and display only (may lose precision on huge values). */
export function quantityToNumber(q: Quantity): number {
  const whole = q.nanos / NANO;
  const rest = q.nanos % NANO;
  return Number(whole) + Number(rest) / 1e9;
}
