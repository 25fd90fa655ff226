/**
 * Structural checks of a write body against its kind's schema, run on every create, update and
 * patch: wrong JSON types, enum violations and malformed formats (date-time, byte, quantity)
 * become field errors; fields the schema does not know are either reported (strict field
 * validation, what kubectl asks for with `fieldValidation=Strict`) or pruned in place (otherwise),
 * so stored objects only ever hold fields the API describes.
 *
 * Conventions: `null` is the same as absent and is removed in place; an object schema with neither
 * properties nor additionalProperties is free-form (kept as is), as are fields marked
 * x-kubernetes-preserve-unknown-fields. `metadata` of the top-level object (and of embedded
 * resources) is always checked against ObjectMeta; `apiVersion` and `kind` are always allowed there.
 */
import { fieldError } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import { isObject } from '../object.ts';
import { isQuantity } from '../quantity.ts';
import { definitions as metaDefinitions, metaNames } from './defs/meta.ts';
import { refName } from './types.ts';
import type { Definitions, Schema } from './types.ts';

export interface CheckOptions {
  /** Report unknown fields (true) or remove them from the object in place (false). */
  strict: boolean;
}

export interface CheckResult {
  /** Paths of unknown fields, e.g. `spec.template.spec.containers[0].imagee` (strict mode only). */
  unknown: string[];
  errors: FieldError[];
}

interface Ctx {
  defs: Definitions;
  strict: boolean;
  unknown: string[];
  errors: FieldError[];
  resolved: WeakMap<Schema, Schema>;
}

const STRING: Schema = { type: 'string' };
const OBJECT_META: Schema = { $ref: `#/components/schemas/${metaNames.ObjectMeta}` };
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const QUANTITY_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Resolved schemas per definitions set, so each $ref chain is followed once. */
const caches = new WeakMap<Definitions, WeakMap<Schema, Schema>>();

function resolveIn(schema: Schema, ctx: Ctx): Schema {
  const hit = ctx.resolved.get(schema);
  if (hit) return hit;
  let current = schema;
  for (let i = 0; ; i++) {
    const name = refName(current);
    if (!name) break;
    if (i >= 32) throw new Error('schema: reference cycle');
    const next = ctx.defs[name] ?? metaDefinitions[name];
    if (!next) throw new Error(`schema: unknown definition ${name}`);
    current = next;
  }
  ctx.resolved.set(schema, current);
  return current;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function wrongType(ctx: Ctx, path: string, value: unknown, want: string): void {
  const shown = isObject(value) || Array.isArray(value) ? typeName(value) : value;
  ctx.errors.push(
    fieldError.typeInvalid(
      path,
      shown,
      `${path || '<root>'} in body must be of type ${want}: "${typeName(value)}"`,
    ),
  );
}

function checkEnum(ctx: Ctx, path: string, value: string | number, schema: Schema): void {
  if (schema.enum && !schema.enum.includes(value))
    ctx.errors.push(fieldError.notSupported(path, value, schema.enum.map(String)));
}

function checkString(ctx: Ctx, path: string, value: string, schema: Schema): void {
  switch (schema.format) {
    case 'date-time':
      if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
        ctx.errors.push(
          fieldError.invalid(
            path,
            value,
            `${path} in body must be of type date-time: ${JSON.stringify(value)}`,
          ),
        );
      }
      break;
    case 'byte':
      if (!BASE64.test(value))
        ctx.errors.push(
          fieldError.invalid(path, '<binary>', `${path} in body must be of type byte: illegal base64 data`),
        );
      break;
    case 'quantity':
      if (!isQuantity(value)) ctx.errors.push(fieldError.invalid(path, value, QUANTITY_MESSAGE));
      break;
  }
  checkEnum(ctx, path, value, schema);
}

function walk(value: unknown, schema: Schema, path: string, ctx: Ctx, resource: boolean): void {
  if (value === null || value === undefined) return;
  const s = resolveIn(schema, ctx);

  if (s['x-kubernetes-int-or-string']) {
    if (typeof value === 'string') {
      if (s.format === 'quantity') checkString(ctx, path, value, s);
    } else if (typeof value === 'number') {
      if (s.format !== 'quantity' && !Number.isInteger(value)) wrongType(ctx, path, value, 'integer,string');
    } else {
      wrongType(ctx, path, value, s.format === 'quantity' ? 'number,string' : 'integer,string');
    }
    return;
  }

  const type =
    s.type ??
    (s.properties || s.additionalProperties !== undefined ? 'object' : s.items ? 'array' : undefined);
  switch (type) {
    case undefined:
      return; // no type: anything goes
    case 'object':
      if (!isObject(value)) return wrongType(ctx, path, value, 'object');
      return walkObject(value, s, path, ctx, resource || s['x-kubernetes-embedded-resource'] === true);
    case 'array':
      if (!Array.isArray(value)) return wrongType(ctx, path, value, 'array');
      if (s.items)
        for (let i = 0; i < value.length; i++) walk(value[i], s.items, `${path}[${i}]`, ctx, false);
      return;
    case 'string':
      if (typeof value !== 'string') return wrongType(ctx, path, value, 'string');
      return checkString(ctx, path, value, s);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return wrongType(ctx, path, value, 'integer');
      if (s.format === 'int32' && (value < INT32_MIN || value > INT32_MAX)) {
        ctx.errors.push(fieldError.invalid(path, value, `${path} in body must fit in a 32-bit integer`));
      }
      return checkEnum(ctx, path, value, s);
    case 'number':
      if (typeof value !== 'number') return wrongType(ctx, path, value, 'number');
      return checkEnum(ctx, path, value, s);
    case 'boolean':
      if (typeof value !== 'boolean') return wrongType(ctx, path, value, 'boolean');
      return;
  }
}

function walkObject(
  obj: Record<string, unknown>,
  s: Schema,
  path: string,
  ctx: Ctx,
  resource: boolean,
): void {
  const props = s.properties;
  const additional = s.additionalProperties;
  const freeForm =
    s['x-kubernetes-preserve-unknown-fields'] === true ||
    additional === true ||
    (!props && additional === undefined);
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const childPath = path ? `${path}.${key}` : key;
    let child = props?.[key];
    if (resource) {
      if (key === 'metadata') child = OBJECT_META;
      else if (!child && (key === 'apiVersion' || key === 'kind')) child = STRING;
    }
    if (child) {
      if (value !== null) walk(value, child, childPath, ctx, false);
      else if (!resolveIn(child, ctx).nullable) delete obj[key];
    } else if (typeof additional === 'object') {
      if (value !== null) walk(value, additional, `${path}[${key}]`, ctx, false);
      else if (!resolveIn(additional, ctx).nullable) delete obj[key];
    } else if (!freeForm) {
      if (ctx.strict) ctx.unknown.push(childPath);
      else delete obj[key];
    }
  }
}

/**
 * Checks `obj` (a whole API object) against its kind's top-level `schema`. Type, enum and format
 * problems come back as field errors; unknown fields are listed when `strict`, or removed from
 * `obj` in place when not. `null` fields are removed in either mode, unless their schema is
 * `nullable`.
 */
export function checkSchema(
  obj: unknown,
  schema: Schema,
  defs: Definitions,
  opts: CheckOptions,
): CheckResult {
  let resolved = caches.get(defs);
  if (!resolved) {
    resolved = new WeakMap();
    caches.set(defs, resolved);
  }
  const ctx: Ctx = { defs, strict: opts.strict, unknown: [], errors: [], resolved };
  walk(obj, schema, '', ctx, true);
  return { unknown: ctx.unknown, errors: ctx.errors };
}

/** Removes, in place, every field of `obj` that `schema` does not describe. */
export function pruneUnknown(obj: unknown, schema: Schema, defs: Definitions): void {
  checkSchema(obj, schema, defs, { strict: false });
}
