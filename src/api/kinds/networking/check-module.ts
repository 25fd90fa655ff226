/**
 * Test support for group modules: every $ref in a module's definitions must resolve (to its own
 * definitions, the shared meta ones, or names another group publishes), and every kind's schema
 * must exist and carry the kind's group/version/kind. Used by each group's index test.
 */
import { refName, type Definitions, type Schema } from '../../schema/types.ts';
import type { GroupModule } from '../types.ts';
import { definitions as metaDefinitions } from '../../schema/defs/meta.ts';

/** Names the meta helper publishes in src/api/schema/defs/meta.ts. */
export const META_NAMES: string[] = Object.keys(metaDefinitions);

/** Every definition name referenced anywhere under `schema`. */
export function collectRefs(schema: Schema, out = new Set<string>()): Set<string> {
  const name = refName(schema);
  if (name) out.add(name);
  for (const sub of schema.allOf ?? []) collectRefs(sub, out);
  for (const sub of Object.values(schema.properties ?? {})) collectRefs(sub, out);
  if (schema.items) collectRefs(schema.items, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    collectRefs(schema.additionalProperties, out);
  }
  return out;
}

/**
 * Problems with a module: unresolved references (outside `external`) and kinds whose schema is
 * missing or is not marked with the kind's GVK. Empty when all is well.
 */
export function checkModule(m: GroupModule, external: readonly string[] = []): string[] {
  const known = new Set<string>([...Object.keys(m.definitions), ...META_NAMES, ...external]);
  const problems: string[] = [];
  const defs: Definitions = m.definitions;
  for (const [name, schema] of Object.entries(defs)) {
    for (const ref of collectRefs(schema)) if (!known.has(ref)) problems.push(`${name} -> unknown ${ref}`);
  }
  for (const k of m.kinds) {
    const schema = defs[k.schema];
    if (!schema) {
      problems.push(`${k.kind}: schema ${k.schema} missing`);
      continue;
    }
    const gvk = schema['x-kubernetes-group-version-kind']?.[0];
    if (!gvk || gvk.group !== k.group || gvk.version !== k.version || gvk.kind !== k.kind) {
      problems.push(`${k.kind}: schema GVK ${JSON.stringify(gvk)} does not match`);
    }
    if (!k.virtual) {
      const list = Object.values(defs).find(
        (d) => d['x-kubernetes-group-version-kind']?.[0]?.kind === k.listKind,
      );
      if (!list) problems.push(`${k.kind}: no ${k.listKind} definition`);
    }
  }
  return problems;
}

/**
 * Which of `names` the core group's definitions lack. Resolves to undefined when the core
 * definitions cannot be loaded (written by another helper; absent in a partial tree).
 */
export async function missingCoreNames(names: readonly string[]): Promise<string[] | undefined> {
  let core: Record<string, unknown>;
  try {
    core = (await import('../core/defs/index.ts')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const defs = Object.values(core).find(
    (v) => typeof v === 'object' && v !== null && 'io.k8s.api.core.v1.Pod' in v,
  );
  if (!defs) return undefined;
  return names.filter((n) => !(n in defs));
}
