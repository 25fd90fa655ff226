/**
 * Builders for the definitions every kind has in common: the top-level kind schema (type header,
 * metadata, spec, status, group-version-kind tag) and its list. Shared by the apps, batch,
 * autoscaling and policy groups so their top-level schemas look alike.
 */
import { s, type Schema } from '../../schema/types.ts';
import { kindSchema as sharedKindSchema, listSchema as sharedListSchema } from '../../schema/kind.ts';

/** Names of the apimachinery definitions written in src/api/schema/defs/meta.ts. */
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Names of the core/v1 definitions the core group writes. */
export const CORE = 'io.k8s.api.core.v1.';

/** The type-header and metadata properties every stored object has. */
export function objectHeader(): Record<string, Schema> {
  return {
    apiVersion: s.str('Versioned schema of this object; the server converts unknown versions to its own.'),
    kind: s.str('The REST kind this object represents, in CamelCase.'),
    metadata: s.ref(
      META + 'ObjectMeta',
      "Standard object metadata: name, namespace, labels, annotations and the server's bookkeeping.",
    ),
  };
}

/**
 * A top-level kind: header, metadata and the given further properties (usually spec and status),
 * tagged with its group/version/kind so `kubectl explain` and the OpenAPI documents find it.
 */
export function kindSchema(
  gvk: { group: string; version: string; kind: string },
  description: string,
  properties: Record<string, Schema>,
  required?: string[],
): Schema {
  return sharedKindSchema(gvk, description, properties, required);
}

/** The `<Kind>List` definition holding items of the given item definition. */
export function listSchema(
  gvk: { group: string; version: string; kind: string },
  itemDefinition: string,
): Schema {
  return sharedListSchema({ ...gvk, kind: gvk.kind.replace(/List$/, '') }, itemDefinition);
}

/** A workload condition (type/status/reason/message and timestamps) as the apps kinds use them. */
export function workloadCondition(description: string, withLastUpdate = false): Schema {
  return s.obj(
    {
      type: s.str('Kind of condition.'),
      status: s.str('Whether the condition holds: True, False or Unknown.'),
      ...(withLastUpdate ? { lastUpdateTime: s.time('When the condition was last refreshed.') } : {}),
      lastTransitionTime: s.time('When the condition last changed status.'),
      reason: s.str("One-word CamelCase cause of the condition's last change."),
      message: s.str('Human-readable detail about the last change.'),
    },
    description,
    ['type', 'status'],
  );
}

/** The `conditions` list of a status: merged by type in patches and apply. */
export function conditionsField(definition: string, description: string): Schema {
  return s.mapList(s.ref(definition), 'type', description);
}
