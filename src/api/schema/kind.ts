/**
 * The two definitions every kind has: its top-level schema (type header, metadata, its own fields,
 * and the x-kubernetes-group-version-kind tag that `kubectl explain` and the OpenAPI documents look
 * for) and its `<Kind>List`. One builder for every group, so all kinds look alike.
 */
import { s, type Schema } from './types.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A kind's top-level schema: apiVersion, kind, metadata, then `props`. */
export function kindSchema(
  gvk: GroupVersionKind,
  description: string,
  props: Record<string, Schema>,
  required?: string[],
): Schema {
  return {
    ...s.obj(
      {
        apiVersion: s.str('The versioned schema of this object, e.g. v1 or apps/v1.'),
        kind: s.str('The type of this object, in CamelCase.'),
        metadata: s.ref(META + 'ObjectMeta', "The object's standard metadata."),
        ...props,
      },
      description,
      required,
    ),
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/** The `<Kind>List` schema for items of `itemDefinition` (gvk names the item kind). */
export function listSchema(
  gvk: GroupVersionKind,
  itemDefinition: string,
  description = `A list of ${gvk.kind} objects.`,
): Schema {
  return {
    ...s.obj(
      {
        apiVersion: s.str('The versioned schema of this list.'),
        kind: s.str('The type of this list.'),
        metadata: s.ref(META + 'ListMeta', 'List metadata: resourceVersion and the continue token.'),
        items: s.list(s.ref(itemDefinition), `The ${gvk.kind} objects in the list.`),
      },
      description,
      ['items'],
    ),
    'x-kubernetes-group-version-kind': [{ ...gvk, kind: `${gvk.kind}List` }],
  };
}
