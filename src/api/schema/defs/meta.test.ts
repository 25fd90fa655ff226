import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refName, resolve } from '../types.ts';
import type { Schema } from '../types.ts';
import { definitions, metaNames } from './meta.ts';

function* schemas(schema: Schema): Generator<Schema> {
  yield schema;
  for (const child of Object.values(schema.properties ?? {})) yield* schemas(child);
  if (schema.items) yield* schemas(schema.items);
  if (typeof schema.additionalProperties === 'object') yield* schemas(schema.additionalProperties);
  for (const part of schema.allOf ?? []) yield* schemas(part);
}

test('every name is defined and every reference resolves', () => {
  for (const name of Object.values(metaNames)) assert.ok(definitions[name], name);
  for (const [name, def] of Object.entries(definitions)) {
    assert.ok(def.description, `${name} has a description`);
    for (const sub of schemas(def)) {
      const ref = refName(sub);
      if (ref) assert.ok(definitions[ref], `${name} refers to ${ref}`);
    }
  }
});

test('ObjectMeta carries the patch metadata kubectl relies on', () => {
  const meta = resolve({ $ref: `#/components/schemas/${metaNames.ObjectMeta}` }, definitions);
  const props = meta.properties!;
  assert.equal(props.finalizers!['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(props.finalizers!['x-kubernetes-list-type'], 'set');
  assert.equal(props.ownerReferences!['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(props.ownerReferences!['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(resolve(props.creationTimestamp!, definitions).format, 'date-time');
  assert.equal(
    props.labels!.additionalProperties && (props.labels!.additionalProperties as Schema).type,
    'string',
  );
});
