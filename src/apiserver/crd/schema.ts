/**
 * A custom resource version's openAPIV3Schema (apiextensions JSONSchemaProps) as the API's own schema
 * language, so the generic write path (type checks, pruning, strict field validation), strategic
 * merge metadata and /openapi/v3 (`kubectl explain`) all treat custom kinds like built-in ones.
 *
 * Structural-schema semantics: an object node that names no properties and does not keep unknown
 * fields holds nothing (everything under it is pruned), unlike the free-form `{type: object}` the
 * built-in definitions use; the conversion spells that out as `properties: {}`.
 */
import { isObject } from '../../api/object.ts';
import { kindSchema, listSchema } from '../../api/schema/kind.ts';
import type { Schema } from '../../api/schema/types.ts';

type Obj = Record<string, unknown>;

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const LIST_TYPES = new Set(['atomic', 'set', 'map']);
const MAP_TYPES = new Set(['atomic', 'granular']);

/** The definition name of a custom kind, as Kubernetes names it: reversed group, version, kind. */
export function definitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Converts one JSONSchemaProps node (recursively). Unknown or malformed keywords are skipped. */
export function convertSchema(p: Obj): Schema {
  const out: Schema = {};
  if (typeof p.type === 'string' && TYPES.has(p.type)) out.type = p.type as Schema['type'];
  if (typeof p.format === 'string' && p.format) out.format = p.format;
  if (typeof p.description === 'string') out.description = p.description;
  if (Array.isArray(p.enum)) {
    const values = p.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
    if (values.length) out.enum = values;
  }
  if (p.default !== undefined) out.default = p.default;
  if (p.nullable === true) out.nullable = true;
  const required = strings(p.required);
  if (required?.length) out.required = required;
  if (p['x-kubernetes-int-or-string'] === true) out['x-kubernetes-int-or-string'] = true;
  if (p['x-kubernetes-preserve-unknown-fields'] === true) out['x-kubernetes-preserve-unknown-fields'] = true;
  if (p['x-kubernetes-embedded-resource'] === true) out['x-kubernetes-embedded-resource'] = true;
  const listType = p['x-kubernetes-list-type'];
  if (typeof listType === 'string' && LIST_TYPES.has(listType))
    out['x-kubernetes-list-type'] = listType as 'atomic';
  const mapKeys = strings(p['x-kubernetes-list-map-keys']);
  if (mapKeys?.length) out['x-kubernetes-list-map-keys'] = mapKeys;
  const mapType = p['x-kubernetes-map-type'];
  if (typeof mapType === 'string' && MAP_TYPES.has(mapType))
    out['x-kubernetes-map-type'] = mapType as 'atomic';
  if (isObject(p.properties)) {
    out.properties = {};
    for (const [name, sub] of Object.entries(p.properties))
      if (isObject(sub)) out.properties[name] = convertSchema(sub);
  }
  if (isObject(p.items)) out.items = convertSchema(p.items);
  if (isObject(p.additionalProperties)) out.additionalProperties = convertSchema(p.additionalProperties);
  else if (typeof p.additionalProperties === 'boolean') out.additionalProperties = p.additionalProperties;
  // Structural: an object that names nothing and keeps nothing holds nothing.
  const isObjectNode = out.type === 'object' || (out.type === undefined && out.properties !== undefined);
  if (
    isObjectNode &&
    !out.properties &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  ) {
    if (!out['x-kubernetes-embedded-resource']) out.properties = {};
  }
  return out;
}

/**
 * The top-level definition of a custom kind at one version: the converted schema with apiVersion,
 * kind and metadata (always ObjectMeta, whatever the CRD says about metadata) and the
 * group-version-kind tag `kubectl explain` looks for.
 */
export function kindDefinition(group: string, version: string, kind: string, openAPIV3Schema: Obj): Schema {
  const root = convertSchema(openAPIV3Schema);
  const props = { ...(root.properties ?? {}) };
  delete props.apiVersion;
  delete props.kind;
  delete props.metadata;
  const base = kindSchema({ group, version, kind }, root.description ?? '', props, root.required);
  const out: Schema = { ...root, ...base };
  if (root.description === undefined) delete out.description;
  return out;
}

/** The `<Kind>List` definition for a custom kind. */
export function listDefinition(group: string, version: string, kind: string): Schema {
  return listSchema({ group, version, kind }, definitionName(group, version, kind));
}
