/**
 * Builders for core/v1 schema definitions: short names for references inside the group and to the
 * shared meta definitions, and the shape every top-level kind and list schema has.
 */
import { s, type Schema } from '../../../schema/types.ts';
import { kindSchema as sharedKindSchema, listSchema as sharedListSchema } from '../../../schema/kind.ts';

export const V1 = 'io.k8s.api.core.v1.';
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** A reference to a core/v1 definition by its short name (`Container`). */
export const core = (name: string, description?: string): Schema => s.ref(V1 + name, description);

/** A reference to a meta/v1 definition by its short name (`Time`). */
export const meta = (name: string, description?: string): Schema => s.ref(META + name, description);

/** A map from resource names to quantities (limits, requests, capacity, hard, …). */
export const resourceList = (description: string): Schema =>
  s.mapOf(s.quantity('An amount of a resource.'), description);

/** An atomic list of references to one definition. */
export const listOf = (name: string, description: string): Schema => s.list(core(name), description);

/** A merge-by-key list of one definition (strategic merge patch and apply both key on `key`). */
export const keyed = (name: string, key: string, description: string, extraKeys: string[] = []): Schema =>
  s.mapList(core(name), key, description, extraKeys);

/** The top-level schema of a kind in a group/version. */
export function kindSchema(
  group: string,
  version: string,
  kind: string,
  description: string,
  props: Record<string, Schema>,
  required?: string[],
): Schema {
  return sharedKindSchema({ group, version, kind }, description, props, required);
}

/** The `<Kind>List` schema holding items of a kind. */
export function listSchema(
  group: string,
  version: string,
  kind: string,
  itemRef: string,
  description: string,
): Schema {
  return sharedListSchema({ group, version, kind }, itemRef, description);
}

/** A core/v1 kind schema. */
export const coreKind = (
  kind: string,
  description: string,
  props: Record<string, Schema>,
  required?: string[],
): Schema => kindSchema('', 'v1', kind, description, props, required);

/** A core/v1 list schema for `kind`. */
export const coreList = (kind: string, description: string): Schema =>
  listSchema('', 'v1', kind, V1 + kind, description);
