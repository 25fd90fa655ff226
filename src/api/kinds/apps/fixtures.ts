/**
 * Test fixtures shared by the apps, batch, autoscaling and policy tests: a fixed clock, a valid
 * pod template, helpers that run a kind's hooks in the generic store's order, table rows, and a
 * check that a group's definitions reference only names that exist.
 */
import assert from 'node:assert/strict';
import type { FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { refName, type Definitions, type Schema } from '../../schema/types.ts';
import { defaultPodTemplateSpec } from '../core/pod-defaults.ts';
import type { GroupModule, KindDef } from '../types.ts';
import { definitions as metaDefinitions } from '../../schema/defs/meta.ts';

/** "Now" for table tests: 2025-01-01T12:00:00Z. */
export const NOW = Date.parse('2025-01-01T12:00:00Z');
/** A creation time ten minutes before NOW. */
export const TEN_MINUTES_AGO = '2025-01-01T11:50:00Z';

type Obj = Record<string, unknown>;

/** A minimal valid pod template with the given labels and extra pod spec fields. */
export function podTemplate(labels: Record<string, string> = { app: 'web' }, spec: Obj = {}): Obj {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec } };
}

/** The template after the core pod template defaults (what a golden test expects inside a workload). */
export function defaultedTemplate(template: Obj): Obj {
  const copy = structuredClone(template);
  defaultPodTemplateSpec(copy);
  return copy;
}

/** A namespaced object of the kind with the given spec. */
export function object(kind: KindDef, name: string, spec: Obj, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
    kind: kind.kind,
    metadata: {
      name,
      namespace: 'default',
      uid: '11111111-2222-3333-4444-555555555555',
      ...(extra.metadata ?? {}),
    },
    spec,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'metadata')),
  };
}

/** Runs defaults then prepareForCreate on a copy, as the store does on create. */
export function created(kind: KindDef, o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  kind.strategy.defaults?.(copy);
  kind.strategy.prepareForCreate?.(copy);
  return copy;
}

/** The errors of a create: defaults → prepareForCreate → validate. */
export function createErrors(kind: KindDef, o: KubeObject): FieldError[] {
  return kind.strategy.validate?.(created(kind, o)) ?? [];
}

/** The fields a create is rejected for, sorted and de-duplicated. */
export function createErrorFields(kind: KindDef, o: KubeObject): string[] {
  return [...new Set(createErrors(kind, o).map((e) => e.field))].sort();
}

/** The errors of an update from `old` (already stored) to `next`: defaults → validate → validateUpdate. */
export function updateErrors(kind: KindDef, old: KubeObject, next: KubeObject): FieldError[] {
  const copy = structuredClone(next);
  kind.strategy.defaults?.(copy);
  kind.strategy.prepareForUpdate?.(copy, old);
  return [...(kind.strategy.validate?.(copy) ?? []), ...(kind.strategy.validateUpdate?.(copy, old) ?? [])];
}

/** Column names as kubectl prints them (upper case), split into normal and wide. */
export function columnNames(kind: KindDef): { normal: string[]; wide: string[] } {
  const cols = kind.columns ?? [];
  const up = (n: string) => n.toUpperCase();
  return {
    normal: cols.filter((c) => c.priority === 0).map((c) => up(c.name)),
    wide: cols.filter((c) => c.priority === 1).map((c) => up(c.name)),
  };
}

/** The cells of one object after NAME, all columns including wide ones. */
export function cells(kind: KindDef, o: KubeObject, now = NOW): (string | number | boolean | null)[] {
  return (kind.columns ?? []).map((c) => c.cell(o, now));
}

/** Apimachinery definitions other groups may reference (written in src/api/schema/defs/meta.ts). */
export const metaNames: string[] = Object.keys(metaDefinitions);

/** Core/v1 definitions the workload groups reference (written by the core group). */
export const coreNames = [
  'io.k8s.api.core.v1.PodTemplateSpec',
  'io.k8s.api.core.v1.PersistentVolumeClaim',
  'io.k8s.api.core.v1.ObjectReference',
];

function collectRefs(schema: Schema, out: Set<string>): void {
  const name = refName(schema);
  if (name) out.add(name);
  for (const sub of [
    ...Object.values(schema.properties ?? {}),
    ...(schema.allOf ?? []),
    ...(schema.items ? [schema.items] : []),
    ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
  ])
    collectRefs(sub, out);
}

/** Every $ref names a definition of the module, a meta name or a listed core name. */
export function unresolvedRefs(
  defs: Definitions,
  external: string[] = [...metaNames, ...coreNames],
): string[] {
  const refs = new Set<string>();
  for (const schema of Object.values(defs)) collectRefs(schema, refs);
  return [...refs].filter((r) => !(r in defs) && !external.includes(r)).sort();
}

/** Asserts a group module is self-consistent: refs resolve; each kind's schema and list exist with the right GVK. */
export function assertModuleConsistent(mod: GroupModule): void {
  assert.deepEqual(unresolvedRefs(mod.definitions), []);
  for (const kind of mod.kinds) {
    const schema = mod.definitions[kind.schema];
    assert.ok(schema, `schema ${kind.schema} of ${kind.kind} exists`);
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
      { group: kind.group, version: kind.version, kind: kind.kind },
    ]);
    for (const p of ['apiVersion', 'kind', 'metadata'])
      assert.ok(schema.properties?.[p], `${kind.schema} has ${p}`);
    const list = mod.definitions[kind.schema.replace(/\.[^.]+$/, '.') + kind.listKind];
    assert.ok(list, `${kind.listKind} definition exists`);
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [
      { group: kind.group, version: kind.version, kind: kind.listKind },
    ]);
    for (const d of Object.values(mod.definitions))
      assert.ok(typeof d.description === 'string' && d.description.length > 0);
  }
}
