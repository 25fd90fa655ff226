/**
 * Building blocks every group of this folder set shares: the top-level schema of a kind and of its
 * list, and the AGE / CREATED AT table columns. (Kept here because the helper owning these groups
 * may only write inside its group folders; a natural home is src/api/kinds/.)
 */
import type { Column } from '../types.ts';
import type { KubeObject } from '../../object.ts';
import { age } from '../../table/duration.ts';
import { s, type Schema } from '../../schema/types.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** A kind's top-level schema: type fields, metadata, the kind's own properties, and its GVK marker. */
export function kindSchema(
  group: string,
  version: string,
  kind: string,
  description: string,
  props: Record<string, Schema>,
  required?: string[],
): Schema {
  return {
    ...s.obj(
      {
        apiVersion: s.str('Versioned schema of this representation of the object.'),
        kind: s.str('REST kind of this object.'),
        metadata: s.ref(META + 'ObjectMeta', "Standard object's metadata."),
        ...props,
      },
      description,
      required,
    ),
    'x-kubernetes-group-version-kind': [{ group, version, kind }],
  };
}

/** The `<Kind>List` schema: list metadata and the items. */
export function listSchema(group: string, version: string, kind: string, itemDef: string): Schema {
  return {
    ...s.obj(
      {
        apiVersion: s.str('Versioned schema of this representation of the list.'),
        kind: s.str('REST kind of this list.'),
        metadata: s.ref(META + 'ListMeta', 'Standard list metadata.'),
        items: s.list(s.ref(itemDef), `The ${kind} objects in the list.`),
      },
      `A list of ${kind} objects.`,
      ['items'],
    ),
    'x-kubernetes-group-version-kind': [{ group, version, kind: kind + 'List' }],
  };
}

/** The AGE column kubectl shows for most kinds (time since creation, kubectl's rounding). */
export const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description: 'Time since the object was created.',
  priority: 0,
  cell: (obj: KubeObject, now: number) => age(obj.metadata.creationTimestamp, now),
};

/**
 * The CREATED AT column of the API server's default table (kinds without a printer, e.g. roles and
 * CRDs): the creation time as an RFC 3339 UTC string.
 */
export const createdAtColumn: Column = {
  name: 'Created At',
  type: 'date',
  description: 'When the object was created.',
  priority: 0,
  cell: (obj: KubeObject) => {
    const ts = obj.metadata.creationTimestamp;
    if (!ts) return null;
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? ts : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
};
