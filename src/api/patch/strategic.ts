/**
 * Strategic merge patch (`application/strategic-merge-patch+json`): a merge patch that knows, from
 * the kind's schema, which lists are keyed. Lists whose schema says `x-kubernetes-patch-strategy:
 * merge` merge element by element on `x-kubernetes-patch-merge-key` (containers by name, ports by
 * containerPort) or, for lists of strings, as sets (finalizers); other lists are replaced. Maps
 * merge recursively and `null` deletes a key. Fields the schema does not describe behave as in a
 * JSON merge patch.
 *
 * Directives kubectl sends: `$patch: replace|merge|delete` (in a map, or as a list element),
 * `$retainKeys` (keep only these keys of the live map), `$setElementOrder/<list>` (final order of
 * a merged list) and `$deleteFromPrimitiveList/<list>` (values to drop from a set-like list).
 */
import { isObject } from '../object.ts';
import { resolve } from '../schema/types.ts';
import type { Definitions, Schema } from '../schema/types.ts';
import { elementKey, orderElements } from './list-order.ts';
import { jsonEqual } from './pointer.ts';

type Obj = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

interface Ctx {
  defs: Definitions;
}

/** What the schema says about one field: its own schema and how it patches. */
interface FieldMeta {
  schema?: Schema;
  strategy: string;
  mergeKey?: string;
}

function resolved(schema: Schema | undefined, ctx: Ctx): Schema | undefined {
  return schema ? resolve(schema, ctx.defs) : undefined;
}

function fieldMeta(parent: Schema | undefined, key: string, ctx: Ctx): FieldMeta {
  const p = resolved(parent, ctx);
  if (!p) return { strategy: '' };
  let field = p.properties?.[key];
  if (!field && typeof p.additionalProperties === 'object') field = p.additionalProperties;
  if (!field) return { strategy: '' };
  // The patch strategy sits on the field (beside an allOf/$ref) or on the schema it points to.
  const target = resolved(field, ctx);
  return {
    schema: field,
    strategy: field['x-kubernetes-patch-strategy'] ?? target?.['x-kubernetes-patch-strategy'] ?? '',
    mergeKey: field['x-kubernetes-patch-merge-key'] ?? target?.['x-kubernetes-patch-merge-key'],
  };
}

function itemsSchema(list: Schema | undefined, ctx: Ctx): Schema | undefined {
  return resolved(list, ctx)?.items;
}

function fail(message: string): never {
  throw new Error(`strategic merge patch: ${message}`);
}

/**
 * Applies `patch` to `original` guided by `schema` (the kind's top-level schema; $ref/allOf are
 * followed through `defs`). Returns a new document; the inputs are not changed. Throws an Error
 * naming the problem for a malformed patch (bad directive, missing merge key, …).
 */
export function strategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: Schema,
  defs: Definitions,
): unknown {
  if (!isObject(patch)) fail('the patch must be a JSON object');
  const base = isObject(original) ? structuredClone(original) : {};
  return mergeMap(base, structuredClone(patch), schema, { defs });
}

/** Merges `patch` into `original` (both owned here, so mutated freely). */
function mergeMap(original: Obj, patch: Obj, schema: Schema | undefined, ctx: Ctx): Obj {
  if (Object.hasOwn(patch, PATCH)) {
    const directive = patch[PATCH];
    delete patch[PATCH];
    if (directive === 'replace') return patch;
    if (directive === 'delete') return {};
    if (directive !== 'merge') fail(`unknown patch type ${JSON.stringify(directive)} in map`);
  }

  if (Object.hasOwn(patch, RETAIN_KEYS)) {
    const keep = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(keep)) fail('$retainKeys must be a list of field names');
    const kept = new Set(keep.map(String));
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
      if (!kept.has(k))
        fail(`$retainKeys must list every field in the patch, but ${JSON.stringify(k)} is missing`);
    }
    for (const k of Object.keys(original)) if (!kept.has(k)) delete original[k];
  }

  const orders = new Map<string, unknown[]>();
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(v)) fail(`${k} must be a list`);
      const live = original[field];
      if (Array.isArray(live)) original[field] = live.filter((item) => !v.some((d) => jsonEqual(d, item)));
    } else if (k.startsWith(SET_ORDER)) {
      if (!Array.isArray(v)) fail(`${k} must be a list`);
      orders.set(k.slice(SET_ORDER.length), v);
    }
  }

  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (v === null) {
      delete original[k];
      continue;
    }
    original[k] = mergeValue(original[k], v, fieldMeta(schema, k, ctx), orders.get(k), ctx);
  }

  // A $setElementOrder for a list the patch does not otherwise touch still reorders it.
  for (const [field, order] of orders) {
    if (Object.hasOwn(patch, field)) continue;
    const live = original[field];
    const meta = fieldMeta(schema, field, ctx);
    if (Array.isArray(live) && isMergeList(meta)) original[field] = mergeList(live, [], meta, order, ctx);
  }
  return original;
}

/** Merges one field's patch value into its live value (which may be missing). */
function mergeValue(
  live: unknown,
  value: unknown,
  meta: FieldMeta,
  order: unknown[] | undefined,
  ctx: Ctx,
): unknown {
  if (isObject(value)) {
    if (meta.strategy === 'replace') {
      delete value[PATCH];
      return value;
    }
    return mergeMap(isObject(live) ? live : {}, value, meta.schema, ctx);
  }
  if (Array.isArray(value)) return mergeList(Array.isArray(live) ? live : [], value, meta, order, ctx);
  return value;
}

function isMergeList(meta: FieldMeta): boolean {
  return meta.strategy.split(',').includes('merge');
}

/** Merges a patch list into a live list according to the field's strategy. */
function mergeList(
  live: unknown[],
  patch: unknown[],
  meta: FieldMeta,
  order: unknown[] | undefined,
  ctx: Ctx,
): unknown[] {
  if (!isMergeList(meta)) return patch;
  const itemSchema = itemsSchema(meta.schema, ctx);
  const all = [...live, ...patch];
  const mapItems = all.some(isObject);
  if (mapItems && !all.every(isObject)) fail('the elements of a list must be all objects or all primitives');

  if (!mapItems) {
    // A set of primitives: union, keeping the first occurrence.
    const merged: unknown[] = [];
    const seen = new Set<string>();
    for (const item of all) {
      const k = JSON.stringify(item);
      if (!seen.has(k)) {
        seen.add(k);
        merged.push(item);
      }
    }
    return orderElements(merged, order ?? patch, live, elementKey(undefined));
  }

  const mergeKey = meta.mergeKey;
  if (!mergeKey) fail('cannot merge a list of objects without a merge key');
  const keyOf = (item: Obj): unknown => {
    if (!Object.hasOwn(item, mergeKey))
      fail(`map ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    return item[mergeKey];
  };

  let replace = false;
  const named: Obj[] = [];
  let merged: unknown[] = [...live];
  for (const item of patch) {
    if (!isObject(item)) continue; // ruled out above
    if (!Object.hasOwn(item, PATCH)) {
      named.push(item);
      continue;
    }
    const directive = item[PATCH];
    if (directive === 'delete') {
      const key = keyOf(item);
      merged = merged.filter((m) => !(isObject(m) && jsonEqual(m[mergeKey], key)));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      fail('merging lists cannot yet be specified in the patch');
    } else {
      fail(`unknown patch type ${JSON.stringify(directive)} in list element`);
    }
  }

  if (replace) {
    // `{"$patch": "replace"}` as an element: the other elements are the whole new list.
    return named.map((item) => mergeMap({}, item, itemSchema, ctx));
  }

  for (const item of named) {
    const key = keyOf(item);
    const at = merged.findIndex((m) => isObject(m) && jsonEqual(m[mergeKey], key));
    if (at >= 0) merged[at] = mergeMap(merged[at] as Obj, item, itemSchema, ctx);
    else merged.push(mergeMap({}, item, itemSchema, ctx));
  }
  return orderElements(merged, order ?? named, live, elementKey(mergeKey));
}
