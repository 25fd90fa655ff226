/**
 * The value checks of a custom resource's openAPIV3Schema that the generic type check does not make:
 * required properties, number bounds (minimum/maximum, exclusive, multipleOf), string length and
 * pattern, array length and uniqueness, property counts, and enums of any JSON value. Messages read
 * like Kubernetes' OpenAPI validation ("spec.size in body should be greater than or equal to 1").
 * Runs on the raw JSONSchemaProps, after types were checked and defaults applied. CEL rules
 * (x-kubernetes-validations) and allOf/anyOf/oneOf/not are not evaluated.
 */
import { fieldError, type FieldError } from '../../api/errors.ts';
import { isObject } from '../../api/object.ts';

type Obj = Record<string, unknown>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const patterns = new Map<string, RegExp | null>();

function compiled(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    patterns.set(pattern, re);
  }
  return re;
}

function checkNumber(v: number, s: Obj, path: string, errs: FieldError[]): void {
  const min = num(s.minimum);
  const max = num(s.maximum);
  if (min !== undefined) {
    if (s.exclusiveMinimum === true && v <= min)
      errs.push(fieldError.invalid(path, v, `${path} in body should be greater than ${min}`));
    else if (v < min)
      errs.push(fieldError.invalid(path, v, `${path} in body should be greater than or equal to ${min}`));
  }
  if (max !== undefined) {
    if (s.exclusiveMaximum === true && v >= max)
      errs.push(fieldError.invalid(path, v, `${path} in body should be less than ${max}`));
    else if (v > max)
      errs.push(fieldError.invalid(path, v, `${path} in body should be less than or equal to ${max}`));
  }
  const mult = num(s.multipleOf);
  if (mult && Math.abs(v / mult - Math.round(v / mult)) > 1e-9) {
    errs.push(fieldError.invalid(path, v, `${path} in body should be a multiple of ${mult}`));
  }
}

function checkString(v: string, s: Obj, path: string, errs: FieldError[]): void {
  const len = [...v].length;
  const minLength = num(s.minLength);
  const maxLength = num(s.maxLength);
  if (minLength !== undefined && len < minLength) {
    errs.push(fieldError.invalid(path, v, `${path} in body should be at least ${minLength} chars long`));
  }
  if (maxLength !== undefined && len > maxLength) {
    errs.push({
      type: 'FieldValueTooLong',
      field: path,
      message: `Too long: may not be more than ${maxLength} bytes`,
    });
  }
  if (typeof s.pattern === 'string') {
    const re = compiled(s.pattern);
    if (re && !re.test(v))
      errs.push(fieldError.invalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
}

function checkArray(v: unknown[], s: Obj, path: string, errs: FieldError[]): void {
  const minItems = num(s.minItems);
  const maxItems = num(s.maxItems);
  if (minItems !== undefined && v.length < minItems) {
    errs.push(fieldError.invalid(path, v.length, `${path} in body should have at least ${minItems} items`));
  }
  if (maxItems !== undefined && v.length > maxItems) errs.push(fieldError.tooMany(path, v.length, maxItems));
  const setList = s.uniqueItems === true || s['x-kubernetes-list-type'] === 'set';
  if (setList) {
    const seen = new Set<string>();
    v.forEach((item, i) => {
      const key = JSON.stringify(item);
      if (seen.has(key)) errs.push(fieldError.duplicate(`${path}[${i}]`, item));
      seen.add(key);
    });
  }
  if (isObject(s.items)) v.forEach((item, i) => walk(item, s.items as Obj, `${path}[${i}]`, errs));
}

/** A null kept under a `nullable: true` property is a value: it is present. */
function nullable(s: unknown): boolean {
  return isObject(s) && s.nullable === true;
}

function checkObject(v: Obj, s: Obj, path: string, errs: FieldError[], root: boolean): void {
  const props = isObject(s.properties) ? s.properties : {};
  if (Array.isArray(s.required)) {
    for (const r of s.required)
      if (typeof r === 'string' && (v[r] === undefined || (v[r] === null && !nullable(props[r]))))
        errs.push(fieldError.required(join(path, r)));
  }
  const count = Object.keys(v).length;
  const minProps = num(s.minProperties);
  const maxProps = num(s.maxProperties);
  if (minProps !== undefined && count < minProps)
    errs.push(
      fieldError.invalid(
        path,
        count,
        `${path || '<root>'} in body should have at least ${minProps} properties`,
      ),
    );
  if (maxProps !== undefined && count > maxProps) errs.push(fieldError.tooMany(path, count, maxProps));
  for (const [key, child] of Object.entries(v)) {
    // The top-level metadata is ObjectMeta, checked by the generic store.
    if (root && (key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
    const sub = props[key];
    if (isObject(sub)) walk(child, sub, join(path, key), errs);
    else if (isObject(s.additionalProperties)) walk(child, s.additionalProperties, `${path}[${key}]`, errs);
  }
}

function walk(v: unknown, s: Obj, path: string, errs: FieldError[], root = false): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    // String and number enums were already reported by the type check.
    if (typeof v !== 'string' && typeof v !== 'number') {
      errs.push(
        fieldError.notSupported(
          path,
          v,
          s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
        ),
      );
    }
  }
  if (typeof v === 'number') checkNumber(v, s, path, errs);
  else if (typeof v === 'string') checkString(v, s, path, errs);
  else if (Array.isArray(v)) checkArray(v, s, path, errs);
  else if (isObject(v)) checkObject(v, s, path, errs, root);
}

/** Value errors of a whole custom object against its version's openAPIV3Schema. */
export function validateValues(obj: unknown, openAPIV3Schema: Obj): FieldError[] {
  const errs: FieldError[] = [];
  walk(obj, openAPIV3Schema, '', errs, true);
  return errs;
}
