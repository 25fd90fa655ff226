import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSchema } from '../../schema/validate.ts';
import { definitions as metaDefinitions } from '../../schema/defs/meta.ts';
import { refName, type Definitions, type Schema } from '../../schema/types.ts';
import { pod, podSpec, service } from './fixtures.ts';
import { module } from './index.ts';

const metaNames = [
  'ObjectMeta',
  'ListMeta',
  'LabelSelector',
  'LabelSelectorRequirement',
  'Time',
  'MicroTime',
  'Condition',
  'OwnerReference',
  'ManagedFieldsEntry',
  'Status',
  'DeleteOptions',
].map((n) => `io.k8s.apimachinery.pkg.apis.meta.v1.${n}`);
const known = new Set([
  ...Object.keys(module.definitions),
  ...metaNames,
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
]);

function refs(schema: Schema, out: string[]): void {
  const name = refName(schema);
  if (name) out.push(name);
  for (const sub of [...Object.values(schema.properties ?? {}), ...(schema.allOf ?? [])]) refs(sub, out);
  if (schema.items) refs(schema.items, out);
  if (typeof schema.additionalProperties === 'object') refs(schema.additionalProperties, out);
}

test('core definitions: every $ref resolves', () => {
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(module.definitions)) {
    const found: string[] = [];
    refs(schema, found);
    for (const r of found) if (!known.has(r)) missing.push(`${name} -> ${r}`);
  }
  assert.deepEqual(missing, []);
});

test('core definitions: every kind has its schema, list schema and GVK', () => {
  for (const k of module.kinds) {
    const schema = module.definitions[k.schema];
    assert.ok(schema, `${k.kind}: ${k.schema}`);
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
      { group: k.group, version: k.version, kind: k.kind },
    ]);
    assert.ok(schema.properties?.metadata, `${k.kind} has metadata`);
    if (!k.virtual) assert.ok(module.definitions[`${k.schema}List`], `${k.kind}List`);
  }
});

test('core definitions: descriptions on every definition and strategic merge keys where kubectl needs them', () => {
  for (const [name, schema] of Object.entries(module.definitions))
    assert.ok(schema.description || schema.allOf, `${name} description`);
  const spec = module.definitions['io.k8s.api.core.v1.PodSpec']!.properties!;
  assert.equal(spec.containers!['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(spec.volumes!['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  assert.equal(spec.tolerations!['x-kubernetes-patch-strategy'], undefined);
  const c = module.definitions['io.k8s.api.core.v1.Container']!.properties!;
  assert.equal(c.ports!['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.equal(c.env!['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(c.volumeMounts!['x-kubernetes-patch-merge-key'], 'mountPath');
  const svc = module.definitions['io.k8s.api.core.v1.ServiceSpec']!.properties!;
  assert.equal(svc.ports!['x-kubernetes-patch-merge-key'], 'port');
});

const defs: Definitions = { ...metaDefinitions, ...module.definitions };

test('core definitions: fixtures pass strict schema checks and typos are caught', () => {
  const podSchema = defs['io.k8s.api.core.v1.Pod']!;
  const ok = checkSchema(pod(), podSchema, defs, { strict: true });
  assert.deepEqual([ok.unknown, ok.errors], [[], []]);
  const svc = checkSchema(service(), defs['io.k8s.api.core.v1.Service']!, defs, { strict: true });
  assert.deepEqual([svc.unknown, svc.errors], [[], []]);
  const spec = podSpec();
  (spec.containers as Record<string, unknown>[])[0]!.imagee = 'x';
  const bad = checkSchema(pod(spec), podSchema, defs, { strict: true });
  assert.deepEqual(bad.unknown, ['spec.containers[0].imagee']);
});
