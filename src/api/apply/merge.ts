/**
 * The value side of server-side apply: merging an applied configuration into the live object by
 * schema, and removing the fields an applier let go of. Structs and granular maps merge key by key
 * (a `null` in the configuration removes the key); associative lists merge element by element on
 * their keys, in the configuration's order with live-only elements woven back near their neighbours;
 * set-like lists take the union; everything else (scalars, atomic lists and maps) is replaced.
 */
import { isObject } from '../object.ts';
import { elementKey, orderElements, type ElementKey } from '../patch/list-order.ts';
import type { Definitions, Schema } from '../schema/types.ts';
import { isMember, keyElement, valueElement, type FieldSet } from './fieldpath.ts';
import { fieldSchema, listKey, shapeOf, type Shape } from './shape.ts';

type Obj = Record<string, unknown>;

/** `live` with `config` merged in; neither input is changed. */
export function mergeApplied(
  live: unknown,
  config: unknown,
  schema: Schema | undefined,
  defs: Definitions,
): unknown {
  return mergeValue(live, structuredClone(config), shapeOf(schema, defs), defs);
}

function keyFn(shape: Shape): ElementKey {
  return (item) => {
    const k = listKey(shape, item);
    return k ? keyElement(k) : undefined;
  };
}

function mergeValue(live: unknown, config: unknown, shape: Shape, defs: Definitions): unknown {
  switch (shape.kind) {
    case 'struct':
    case 'map':
    case 'untyped': {
      if (!isObject(config) || !isObject(live)) return config;
      const out: Obj = { ...live };
      for (const [k, v] of Object.entries(config)) {
        if (v === null) {
          delete out[k];
          continue;
        }
        const childShape = shape.kind === 'untyped' ? shape : shapeOf(fieldSchema(shape, k), defs);
        out[k] = Object.hasOwn(live, k) ? mergeValue(live[k], v, childShape, defs) : v;
      }
      return out;
    }
    case 'mapList': {
      if (!Array.isArray(config) || !Array.isArray(live)) return config;
      const key = keyFn(shape);
      const itemShape = shapeOf(shape.items, defs);
      const merged: unknown[] = [...live];
      const at = new Map<string, number>();
      merged.forEach((item, i) => {
        const k = key(item);
        if (k !== undefined && !at.has(k)) at.set(k, i);
      });
      for (const item of config) {
        const k = key(item);
        const i = k === undefined ? undefined : at.get(k);
        if (i === undefined) merged.push(item);
        else merged[i] = mergeValue(merged[i], item, itemShape, defs);
      }
      return orderElements(merged, config, live, key);
    }
    case 'setList': {
      if (!Array.isArray(config) || !Array.isArray(live)) return config;
      const seen = new Set(live.map((v) => valueElement(v)));
      const merged = [...live];
      for (const v of config) {
        const e = valueElement(v);
        if (!seen.has(e)) {
          seen.add(e);
          merged.push(v);
        }
      }
      return orderElements(merged, config, live, elementKey(undefined));
    }
    default:
      return config;
  }
}

/**
 * Removes from `obj` (in place) every member of `drop`. Where another manager still owns something
 * below a dropped member (`keep`), only the dropped parts beneath it go, so others' fields survive.
 */
export function removeFields(
  obj: unknown,
  drop: FieldSet,
  keep: FieldSet,
  schema: Schema | undefined,
  defs: Definitions,
): void {
  removeIn(obj, drop, keep, shapeOf(schema, defs), defs);
}

function hasChildren(n: FieldSet | undefined): boolean {
  if (!n) return false;
  for (const k in n) if (k !== '.') return true;
  return false;
}

function removeIn(
  value: unknown,
  drop: FieldSet,
  keep: FieldSet | undefined,
  shape: Shape,
  defs: Definitions,
): void {
  for (const [e, sub] of Object.entries(drop)) {
    if (e === '.') continue;
    const kept = keep?.[e];
    const whole = isMember(sub) && !hasChildren(kept);
    if (e.startsWith('f:') && isObject(value)) {
      const name = e.slice(2);
      if (!Object.hasOwn(value, name)) continue;
      if (whole) delete value[name];
      else {
        const childShape = shape.kind === 'untyped' ? shape : shapeOf(fieldSchema(shape, name), defs);
        removeIn(value[name], sub, kept, childShape, defs);
        // A list or map emptied by the removal goes too, as an omitted empty field would.
        const left = value[name];
        if (
          (Array.isArray(left) && left.length === 0) ||
          (childShape.kind === 'map' && isObject(left) && Object.keys(left).length === 0)
        ) {
          delete value[name];
        }
      }
    } else if (e.startsWith('k:') && Array.isArray(value)) {
      const key = keyFn(shape);
      const i = value.findIndex((item) => key(item) === e);
      if (i < 0) continue;
      if (whole) value.splice(i, 1);
      else removeIn(value[i], sub, kept, shapeOf(shape.items, defs), defs);
    } else if (e.startsWith('v:') && Array.isArray(value)) {
      const i = value.findIndex((item) => valueElement(item) === e);
      if (i >= 0 && whole) value.splice(i, 1);
    }
  }
}
