/**
 * The schema language of the API: a subset of OpenAPI v3 / JSON Schema with Kubernetes' extensions.
 * One definition serves four readers: /openapi/v3 (so `kubectl explain` works), strict field
 * validation and type checks on write, strategic merge patch (merge keys and strategies), and — in a
 * later issue — server-side apply (list types and map keys).
 *
 * Definitions are named like Kubernetes' (`io.k8s.api.core.v1.Container`) so references read the
 * same in `kubectl explain`; the texts are Berth's own.
 */

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  /** `int32`, `int64`, `double`, `date-time`, `byte`, `int-or-string`, `quantity` … */
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  /** A map from string keys to values of this schema. */
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: (string | number)[];
  default?: unknown;
  /**
   * A null value is kept (and not defaulted). Without it a null field is removed on write, as
   * Kubernetes treats null as "unset" — and then defaulted like a missing one.
   */
  nullable?: true;
  /** A reference to a named definition: `#/components/schemas/NAME`. */
  $ref?: string;
  /** OpenAPI v3: a $ref with a description beside it is written as allOf: [{$ref}]. */
  allOf?: Schema[];
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-embedded-resource'?: true;
  /** Strategic merge patch: how lists/maps of this field merge. */
  'x-kubernetes-patch-strategy'?: 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
  'x-kubernetes-patch-merge-key'?: string;
  /** Server-side apply: list semantics. */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** Set on a kind's top-level schema: which group/version/kind it describes. */
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-unions'?: unknown[];
}

/** All named definitions, keyed by their full name. */
export type Definitions = Record<string, Schema>;

const REF = '#/components/schemas/';

/** Small builders so definitions read like the types they describe. */
export const s = {
  str: (description: string, extra: Partial<Schema> = {}): Schema => ({
    type: 'string',
    description,
    ...extra,
  }),
  enumOf: (values: string[], description: string): Schema => ({ type: 'string', enum: values, description }),
  int32: (description: string): Schema => ({ type: 'integer', format: 'int32', description }),
  int64: (description: string): Schema => ({ type: 'integer', format: 'int64', description }),
  num: (description: string): Schema => ({ type: 'number', format: 'double', description }),
  bool: (description: string): Schema => ({ type: 'boolean', description }),
  time: (description: string): Schema => ({ type: 'string', format: 'date-time', description }),
  bytes: (description: string): Schema => ({ type: 'string', format: 'byte', description }),
  /** A field holding an IntOrString: a reference, so `kubectl explain` shows `<IntOrString>`. */
  intOrString: (description: string): Schema => ({
    allOf: [{ $ref: REF + 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' }],
    description,
  }),
  /** A field holding a Quantity: a reference, so `kubectl explain` shows `<Quantity>`. */
  quantity: (description: string): Schema => ({
    allOf: [{ $ref: REF + 'io.k8s.apimachinery.pkg.api.resource.Quantity' }],
    description,
  }),
  /** The IntOrString definition itself. */
  intOrStringType: (description: string): Schema => ({
    'x-kubernetes-int-or-string': true,
    format: 'int-or-string',
    description,
  }),
  /** The Quantity definition itself. */
  quantityType: (description: string): Schema => ({
    'x-kubernetes-int-or-string': true,
    format: 'quantity',
    description,
  }),
  /** A map of string to string (labels, annotations, data). */
  strMap: (description: string): Schema => ({
    type: 'object',
    additionalProperties: { type: 'string' },
    description,
  }),
  mapOf: (values: Schema, description: string): Schema => ({
    type: 'object',
    additionalProperties: values,
    description,
  }),
  strList: (description: string, extra: Partial<Schema> = {}): Schema => ({
    type: 'array',
    items: { type: 'string' },
    'x-kubernetes-list-type': 'atomic',
    description,
    ...extra,
  }),
  obj: (properties: Record<string, Schema>, description: string, required?: string[]): Schema => ({
    type: 'object',
    properties,
    ...(required && required.length ? { required } : {}),
    description,
  }),
  /** A reference to a named definition, with a description of the field that holds it. */
  ref: (name: string, description?: string): Schema =>
    description ? { allOf: [{ $ref: REF + name }], description } : { $ref: REF + name },
  /** An atomic list (replaced whole by patches). */
  list: (items: Schema, description: string): Schema => ({
    type: 'array',
    items,
    'x-kubernetes-list-type': 'atomic',
    description,
  }),
  /** A list keyed by `key` (merged by that key in strategic merge patch and apply). */
  mapList: (items: Schema, key: string, description: string, extraKeys: string[] = []): Schema => ({
    type: 'array',
    items,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [key, ...extraKeys],
    description,
  }),
  /** Anything: an embedded raw value kept as it is. */
  any: (description: string): Schema => ({ 'x-kubernetes-preserve-unknown-fields': true, description }),
};

/** The definition name a $ref (or allOf-wrapped $ref) points to, if any. */
export function refName(schema: Schema): string | undefined {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  return ref?.startsWith(REF) ? ref.slice(REF.length) : undefined;
}

/** Follows references until a schema with content is reached. */
export function resolve(schema: Schema, defs: Definitions): Schema {
  let current = schema;
  for (let i = 0; i < 32; i++) {
    const name = refName(current);
    if (!name) return current;
    const next = defs[name];
    if (!next) throw new Error(`schema: unknown definition ${name}`);
    current = next;
  }
  throw new Error('schema: reference cycle');
}

export const schemaRefPrefix = REF;
