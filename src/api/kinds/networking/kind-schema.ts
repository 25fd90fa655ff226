/**
 * The kind/list schema builders and shared columns in the argument order these groups use; the
 * definitions themselves live in src/api/schema/kind.ts and src/api/table/columns.ts.
 */
import type { Schema } from '../../schema/types.ts';
import { kindSchema as sharedKindSchema, listSchema as sharedListSchema } from '../../schema/kind.ts';

/** A kind's top-level schema: type fields, metadata, the kind's own properties, and its GVK marker. */
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

/** The `<Kind>List` schema: list metadata and the items. */
export function listSchema(group: string, version: string, kind: string, itemDef: string): Schema {
  return sharedListSchema({ group, version, kind }, itemDef);
}

export { ageColumn, createdAtColumn } from '../../table/columns.ts';
