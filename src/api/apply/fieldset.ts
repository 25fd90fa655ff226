/**
 * The fields an object sets, and the fields a change touches, as FieldSets read through the kind's
 * schema: scalars and atomic values are leaves, structs and granular maps recurse (a free map key is
 * itself a member), associative lists recurse per element keyed `k:{...}`, set-like lists hold one
 * `v:` member per value. These two walks are what managedFields records for Apply and Update.
 */
import { isObject } from '../object.ts';
import type { Definitions, Schema } from '../schema/types.ts';
import { fieldElement, keyElement, valueElement, type FieldSet } from './fieldpath.ts';
import { fieldSchema, isDeclared, listKey, shapeOf, type Shape } from './shape.ts';

type Obj = Record<string, unknown>;

/**
 * Metadata the server owns or that describes the request rather than the object: never part of any
 * manager's set.
 */
const serverMeta = new Set([
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Which part of the object a write may set: the main endpoint of a kind with status leaves it out. */
export interface FieldScope {
  /** 'status' for /status writes: only `.status` counts. */
  subresource: string;
  /** The kind has a status subresource (so the main endpoint does not own status). */
  hasStatus: boolean;
}

/** A shallow view of `obj` holding only the fields managers can own under `scope`. */
export function ownable(obj: Obj | undefined, scope: FieldScope): Obj | undefined {
  if (!obj) return undefined;
  if (scope.subresource === 'status') return obj.status === undefined ? {} : { status: obj.status };
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && scope.hasStatus)) continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: Obj = {};
      for (const [mk, mv] of Object.entries(v)) if (!serverMeta.has(mk)) meta[mk] = mv;
      if (Object.keys(meta).length) out.metadata = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** The children of a container value, or null when the value is a leaf under `shape`. */
function childrenOf(value: unknown, shape: Shape, defs: Definitions): FieldSet | null {
  switch (shape.kind) {
    case 'struct':
    case 'map':
    case 'untyped': {
      if (!isObject(value)) return null;
      const out: FieldSet = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const childShape =
          shape.kind === 'untyped' ? shapeOf(undefined, defs) : shapeOf(fieldSchema(shape, k), defs);
        const c = v === null ? null : childrenOf(v, childShape, defs);
        out[fieldElement(k)] = memberNode(c, !isDeclared(shape, k));
      }
      return out;
    }
    case 'mapList': {
      if (!Array.isArray(value)) return null;
      const out: FieldSet = {};
      const itemShape = shapeOf(shape.items, defs);
      for (const item of value) {
        const key = listKey(shape, item);
        if (!key) continue;
        out[keyElement(key)] = memberNode(childrenOf(item, itemShape, defs), true);
      }
      return out;
    }
    case 'setList': {
      if (!Array.isArray(value)) return null;
      const out: FieldSet = {};
      for (const item of value) out[valueElement(item)] = {};
      return out;
    }
    default:
      return null;
  }
}

/** A node for a value with `children` (null: a leaf); empty containers are members. */
function memberNode(children: FieldSet | null, member: boolean): FieldSet {
  if (children === null) return {};
  let any = false;
  for (const _ in children) {
    any = true;
    break;
  }
  if (!any) return {};
  return member ? { '.': {}, ...children } : children;
}

/** The fields `obj` sets (the set an Apply of `obj` owns), relative to `schema`. */
export function fieldSetOf(obj: unknown, schema: Schema | undefined, defs: Definitions): FieldSet {
  return childrenOf(obj, shapeOf(schema, defs), defs) ?? {};
}

/** What changed between two versions: values set or changed, and fields that went away. */
export interface FieldChanges {
  changed: FieldSet;
  removed: FieldSet;
}

/** The fields that differ between `old` and `next` (either may be absent, as on create). */
export function compareFields(
  old: unknown,
  next: unknown,
  schema: Schema | undefined,
  defs: Definitions,
): FieldChanges {
  const out: FieldChanges = { changed: {}, removed: {} };
  diffContainer(old ?? {}, next ?? {}, shapeOf(schema, defs), defs, out);
  return out;
}

function put(target: FieldSet, element: string, n: FieldSet): void {
  target[element] = n;
}

function nonEmpty(s: FieldSet): boolean {
  for (const _ in s) return true;
  return false;
}

/** One position: a field, a map key or a list element, present in `old`, `next`, or both. */
function diffAt(
  element: string,
  old: unknown,
  next: unknown,
  shape: Shape,
  memberWhenAdded: boolean,
  defs: Definitions,
  out: FieldChanges,
): void {
  if (next === undefined) {
    if (old !== undefined)
      put(out.removed, element, memberNode(old === null ? null : childrenOf(old, shape, defs), true));
    return;
  }
  if (old === undefined) {
    const c = next === null ? null : childrenOf(next, shape, defs);
    put(out.changed, element, memberNode(c, memberWhenAdded));
    return;
  }
  const container = next !== null && old !== null && isContainer(shape, old, next);
  if (!container) {
    if (!jsonEqual(old, next)) put(out.changed, element, {});
    return;
  }
  const sub: FieldChanges = { changed: {}, removed: {} };
  diffContainer(old, next, shape, defs, sub);
  if (nonEmpty(sub.changed)) put(out.changed, element, sub.changed);
  if (nonEmpty(sub.removed)) put(out.removed, element, sub.removed);
}

function isContainer(shape: Shape, a: unknown, b: unknown): boolean {
  switch (shape.kind) {
    case 'struct':
    case 'map':
    case 'untyped':
      return isObject(a) && isObject(b);
    case 'mapList':
    case 'setList':
      return Array.isArray(a) && Array.isArray(b);
    default:
      return false;
  }
}

function diffContainer(
  old: unknown,
  next: unknown,
  shape: Shape,
  defs: Definitions,
  out: FieldChanges,
): void {
  if (shape.kind === 'mapList') {
    const oldByKey = new Map<string, unknown>();
    for (const item of old as unknown[]) {
      const k = listKey(shape, item);
      if (k) oldByKey.set(keyElement(k), item);
    }
    const itemShape = shapeOf(shape.items, defs);
    const seen = new Set<string>();
    for (const item of next as unknown[]) {
      const k = listKey(shape, item);
      if (!k) continue;
      const e = keyElement(k);
      seen.add(e);
      diffAt(e, oldByKey.get(e), item, itemShape, true, defs, out);
    }
    for (const [e, item] of oldByKey)
      if (!seen.has(e)) diffAt(e, item, undefined, itemShape, true, defs, out);
    return;
  }
  if (shape.kind === 'setList') {
    const before = new Set((old as unknown[]).map((v) => valueElement(v)));
    const after = new Set((next as unknown[]).map((v) => valueElement(v)));
    for (const e of after) if (!before.has(e)) out.changed[e] = {};
    for (const e of before) if (!after.has(e)) out.removed[e] = {};
    return;
  }
  const o = old as Obj;
  const n = next as Obj;
  const untyped = shape.kind === 'untyped';
  for (const k of Object.keys(n)) {
    const childShape = untyped ? shape : shapeOf(fieldSchema(shape, k), defs);
    // A newly set struct field is owned through its leaves; a new map key or empty value is itself owned.
    const memberWhenAdded = !isDeclared(shape, k) || childShape.kind !== 'struct';
    diffAt(fieldElement(k), o[k], n[k], childShape, memberWhenAdded, defs, out);
  }
  for (const k of Object.keys(o)) {
    if (Object.hasOwn(n, k) && n[k] !== undefined) continue;
    const childShape = untyped ? shape : shapeOf(fieldSchema(shape, k), defs);
    diffAt(fieldElement(k), o[k], undefined, childShape, true, defs, out);
  }
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Obj;
  const bo = b as Obj;
  let count = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    count++;
    if (!jsonEqual(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) count--;
  return count === 0;
}
