/**
 * Small helpers the validators share: reading loosely-typed JSON safely (schema validation has
 * already rejected wrong types, but strategies must never throw) and common field checks.
 */
import { fieldError, type FieldError } from '../errors.ts';
import { isObject } from '../object.ts';

export type Obj = Record<string, unknown>;

/** The object elements of a list value (anything else yields []). */
export function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map((x) => (isObject(x) ? x : {})) : [];
}

/** A string field, or '' when missing or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** An object field, or {} when missing. */
export function obj(v: unknown): Obj {
  return isObject(v) ? v : {};
}

/** The set fields of `o` among `keys` (not undefined/null). */
export function setKeys(o: Obj, keys: readonly string[]): string[] {
  return keys.filter((k) => o[k] !== undefined && o[k] !== null);
}

/** `field: Not found: "value"` — the reference names something that does not exist. */
export function notFound(field: string, value: unknown): FieldError {
  // The contract's FieldErrorType has no FieldValueNotFound; the message still reads as Kubernetes'.
  return { type: 'FieldValueInvalid', field, message: `Not found: ${JSON.stringify(value)}` };
}

/** Error when a number is negative. */
export function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0
    ? [fieldError.invalid(path, v, 'must be greater than or equal to 0')]
    : [];
}

/** Error when a number is set and not positive. */
export function positive(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v <= 0 ? [fieldError.invalid(path, v, 'must be greater than 0')] : [];
}

/** One invalid error per message of a name check. */
export function nameErrors(value: string, path: string, check: (s: string) => string[]): FieldError[] {
  return check(value).map((m) => fieldError.invalid(path, value, m));
}

/** The enum check for a required string field: Required when empty, NotSupported when unknown. */
export function oneOf(v: unknown, path: string, allowed: readonly string[], required = true): FieldError[] {
  const s = str(v);
  if (s === '') return required ? [fieldError.required(path)] : [];
  return allowed.includes(s) ? [] : [fieldError.notSupported(path, s, allowed)];
}

/**
 * A relative path as used by volume items and subPath: not absolute, and no '..' element.
 */
export function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(fieldError.invalid(path, p, 'must be a relative path'));
  if (p.split(/[\\/]/).includes('..')) errs.push(fieldError.invalid(path, p, "must not contain '..'"));
  return errs;
}
