/**
 * What server-side apply needs to know about a schema node: is it a struct (fields merge one by one),
 * a granular map, something atomic (owned and replaced whole), an associative list keyed by some of
 * its elements' fields, or a set-like list of scalars. Read from the Kubernetes extensions
 * (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`) with the strategic-merge hints as a
 * fallback (`x-kubernetes-patch-strategy: merge` + `-patch-merge-key`), as Kubernetes does for types
 * whose OpenAPI lacks the list-type markers. Results are cached per schema object.
 */
import { resolve, type Definitions, type Schema } from '../schema/types.ts';

export type ShapeKind = 'struct' | 'map' | 'atomic' | 'scalar' | 'mapList' | 'setList' | 'untyped';

export interface Shape {
  kind: ShapeKind;
  /** struct: declared fields. */
  fields?: Record<string, Schema>;
  /** map (and struct with extra keys): the schema of each value. */
  values?: Schema;
  /** lists: the element schema. */
  items?: Schema;
  /** mapList: the key fields of each element. */
  keys?: string[];
  /** mapList: values a key field takes when an element omits it (schema defaults). */
  keyDefaults?: Record<string, unknown>;
}

/**
 * Key fields whose default Kubernetes' OpenAPI declares but Berth's schemas leave to the strategy
 * defaults: an applied `ports: [{containerPort: 80}]` must match the live `{containerPort: 80,
 * protocol: TCP}`.
 */
const knownKeyDefaults: Record<string, unknown> = { protocol: 'TCP' };

const UNTYPED: Shape = { kind: 'untyped' };
const SCALAR: Shape = { kind: 'scalar' };

const cache = new WeakMap<Schema, Shape>();

/** The shape of `schema` (undefined: nothing is known, so values are read as they come). */
export function shapeOf(schema: Schema | undefined, defs: Definitions): Shape {
  if (!schema) return UNTYPED;
  let shape = cache.get(schema);
  if (!shape) {
    shape = classify(schema, defs);
    cache.set(schema, shape);
  }
  return shape;
}

function classify(field: Schema, defs: Definitions): Shape {
  const target = resolve(field, defs);
  const ext = <K extends keyof Schema>(k: K): Schema[K] => field[k] ?? target[k];
  if (target.type === 'array' || target.items) {
    const items = target.items;
    const itemTarget = items ? resolve(items, defs) : undefined;
    const listType = ext('x-kubernetes-list-type');
    const strategy = ext('x-kubernetes-patch-strategy') ?? '';
    const mergeKey = ext('x-kubernetes-patch-merge-key');
    const mergeList = !listType && strategy.split(',').includes('merge');
    if (listType === 'map' || (mergeList && mergeKey)) {
      const keys = ext('x-kubernetes-list-map-keys') ?? (mergeKey ? [mergeKey] : ['name']);
      const keyDefaults: Record<string, unknown> = {};
      for (const k of keys) {
        const d = itemTarget?.properties?.[k]?.default ?? knownKeyDefaults[k];
        if (d !== undefined) keyDefaults[k] = d;
      }
      return { kind: 'mapList', items, keys, keyDefaults };
    }
    if (listType === 'set' || mergeList) return { kind: 'setList', items };
    return { kind: 'atomic' };
  }
  if (ext('x-kubernetes-map-type') === 'atomic') return { kind: 'atomic' };
  if (target.properties) {
    const values = typeof target.additionalProperties === 'object' ? target.additionalProperties : undefined;
    return { kind: 'struct', fields: target.properties, values };
  }
  if (typeof target.additionalProperties === 'object')
    return { kind: 'map', values: target.additionalProperties };
  if (target.type === 'object' || target['x-kubernetes-preserve-unknown-fields']) return UNTYPED;
  return SCALAR;
}

/** The schema of field `key` inside a struct or map shape; undefined when unknown. */
export function fieldSchema(shape: Shape, key: string): Schema | undefined {
  return shape.fields?.[key] ?? shape.values;
}

/** True when `key` is a declared struct field (not a free map key). */
export function isDeclared(shape: Shape, key: string): boolean {
  return !!shape.fields && Object.hasOwn(shape.fields, key);
}

/** The key values of one element of an associative list; undefined when it is not an object. */
export function listKey(shape: Shape, item: unknown): Record<string, unknown> | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of shape.keys ?? []) {
    const v = o[k] ?? shape.keyDefaults?.[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
