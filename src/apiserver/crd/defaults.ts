/**
 * Structural defaulting of custom resources: every property whose schema has a `default` and which is
 * absent from an object that exists gets a copy of the default; defaulting then continues inside the
 * defaulted value, through properties, array items and map values. Objects that are absent are not
 * created just to hold defaults, as Kubernetes does.
 */
import { isObject } from '../../api/object.ts';
import type { Schema } from '../../api/schema/types.ts';

/** Applies the defaults of `schema` to `value` in place. */
export function applyDefaults(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    if (value[name] === undefined && prop.default !== undefined) value[name] = structuredClone(prop.default);
  }
  for (const [name, child] of Object.entries(value)) {
    const prop = props[name];
    if (prop) applyDefaults(child, prop);
    else if (typeof schema.additionalProperties === 'object')
      applyDefaults(child, schema.additionalProperties);
  }
}
