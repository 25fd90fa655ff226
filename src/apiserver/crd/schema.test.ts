import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../../api/kinds/index.ts';
import { checkSchema } from '../../api/schema/validate.ts';
import { applyDefaults } from './defaults.ts';
import { addKindNames, checkNames, readNames, type NamesInUse } from './names.ts';
import { convertSchema, definitionName, kindDefinition } from './schema.ts';
import { validateValues } from './value-validation.ts';
import { widgetSchema } from './test-fixtures.ts';

test('schema: converts JSONSchemaProps; empty objects hold nothing; metadata is always ObjectMeta', () => {
  assert.equal(definitionName('stable.example.com', 'v1', 'CronTab'), 'com.example.stable.v1.CronTab');
  assert.deepEqual(
    convertSchema({
      type: 'object',
      properties: {
        a: { type: 'object' },
        b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        c: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', maxItems: 3 },
      },
    }),
    {
      type: 'object',
      properties: {
        a: { type: 'object', properties: {} },
        b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        c: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    },
  );
  const def = kindDefinition('example.com', 'v1', 'Widget', {
    type: 'object',
    properties: {
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } },
      spec: { type: 'object' },
    },
  });
  assert.deepEqual(Object.keys(def.properties ?? {}), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.equal(
    def.properties?.metadata.allOf?.[0].$ref,
    '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  );
  assert.deepEqual(def['x-kubernetes-group-version-kind'], [
    { group: 'example.com', version: 'v1', kind: 'Widget' },
  ]);
});

test('schema: the generic check prunes what the structural schema does not name', () => {
  const defs = { ...builtinRegistry().definitions };
  const def = kindDefinition('example.com', 'v1', 'Widget', widgetSchema);
  const obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { size: 1, junk: 1, extra: { keep: true } },
    other: 1,
  };
  const strict = checkSchema(structuredClone(obj), def, defs, { strict: true });
  assert.deepEqual(strict.unknown.sort(), ['other', 'spec.junk']);
  checkSchema(obj, def, defs, { strict: false });
  assert.deepEqual(obj, {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { size: 1, extra: { keep: true } },
  });
});

test('nullable: a null under a nullable property is kept and not defaulted; other nulls are unset, then defaulted', () => {
  const defs = { ...builtinRegistry().definitions };
  const props = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['must'],
        properties: {
          retain: { type: 'integer', default: 3 },
          plain: { type: 'string' },
          note: { type: 'string', nullable: true },
          noteDefaulted: { type: 'string', nullable: true, default: 'd' },
          obj: { type: 'object', nullable: true, properties: { a: { type: 'string' } } },
          labels: { type: 'object', additionalProperties: { type: 'string', nullable: true } },
          must: { type: 'string', nullable: true },
        },
      },
    },
  };
  const def = kindDefinition('example.com', 'v1', 'Thing', props);
  const spec = {
    retain: null,
    plain: null,
    note: null,
    noteDefaulted: null,
    obj: null,
    labels: { a: null },
    must: null,
  };
  const obj = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec };
  const result = checkSchema(obj, def, defs, { strict: true });
  assert.deepEqual([result.unknown, result.errors], [[], []]);
  applyDefaults(obj, convertSchema(props));
  assert.deepEqual(obj.spec, {
    retain: 3,
    note: null,
    noteDefaulted: null,
    obj: null,
    labels: { a: null },
    must: null,
  });
  assert.deepEqual(validateValues(obj, props), [], 'a required nullable property holding null is present');
  const without = {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 't' },
    spec: { plain: null },
  };
  checkSchema(without, def, defs, { strict: true });
  assert.deepEqual(
    validateValues(without, props).map((e) => e.field),
    ['spec.must'],
    'a required property that is absent is still missing',
  );
});

test('defaults: filled where absent in existing objects, inside defaulted values, items and maps', () => {
  const schema = convertSchema({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          mode: { type: 'string', default: 'fast' },
          nested: { type: 'object', default: {}, properties: { depth: { type: 'integer', default: 2 } } },
          items: {
            type: 'array',
            items: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } },
          },
          byName: {
            type: 'object',
            additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } },
          },
        },
      },
      status: { type: 'object', properties: { phase: { type: 'string', default: 'New' } } },
    },
  });
  const obj: Record<string, unknown> = {
    spec: { mode: 'slow', items: [{}, { weight: 5 }], byName: { a: {} } },
  };
  applyDefaults(obj, schema);
  assert.deepEqual(obj, {
    spec: {
      mode: 'slow',
      items: [{ weight: 1 }, { weight: 5 }],
      byName: { a: { on: true } },
      nested: { depth: 2 },
    },
  });
});

const bounds = {
  type: 'object',
  properties: {
    n: { type: 'integer', minimum: 1, maximum: 10 },
    x: { type: 'number', minimum: 0, exclusiveMinimum: true, multipleOf: 0.5 },
    s: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
    l: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      'x-kubernetes-list-type': 'set',
      items: { type: 'integer', maximum: 5 },
    },
    m: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string', maxLength: 1 } },
    b: { type: 'boolean', enum: [true] },
    r: { type: 'object', required: ['must'], properties: { must: { type: 'string' } } },
  },
};
const valueCases: [string, Record<string, unknown>, string[], RegExp?][] = [
  ['valid', { n: 5, x: 1.5, s: 'ab', l: [1], m: { a: 'b' }, b: true, r: { must: 'x' } }, []],
  ['below minimum', { n: 0 }, ['n'], /n in body should be greater than or equal to 1/],
  ['above maximum', { n: 11 }, ['n'], /less than or equal to 10/],
  ['exclusive minimum', { x: 0 }, ['x'], /greater than 0/],
  ['multipleOf', { x: 0.7 }, ['x'], /multiple of 0.5/],
  ['minLength', { s: 'a' }, ['s'], /at least 2 chars/],
  ['maxLength', { s: 'abcde' }, ['s'], /Too long/],
  ['pattern', { s: 'AB' }, ['s'], /should match/],
  ['minItems', { l: [] }, ['l'], /at least 1 items/],
  ['maxItems', { l: [1, 2, 3] }, ['l'], /at most 2 items/],
  ['set duplicates', { l: [1, 1] }, ['l[1]'], /Duplicate value/],
  ['item bound', { l: [9] }, ['l[0]']],
  ['maxProperties', { m: { a: 'b', c: 'd' } }, ['m']],
  ['map value', { m: { a: 'long' } }, ['m[a]']],
  ['boolean enum', { b: false }, ['b'], /Unsupported value/],
  ['required', { r: {} }, ['r.must'], /Required value/],
];
for (const [name, value, fields, message] of valueCases) {
  test(`value validation: ${name}`, () => {
    const errs = validateValues(value, bounds);
    assert.deepEqual(
      errs.map((e) => e.field),
      fields,
    );
    if (message) assert.match(errs.map((e) => e.message).join('\n'), message);
  });
}

test('names: conflicts in the group and with built-in short names', () => {
  const used: NamesInUse = {
    resources: new Set(),
    kinds: new Set(),
    builtinShortNames: new Set(['po', 'deploy']),
  };
  addKindNames(used, {
    resource: 'gadgets',
    singular: 'gadget',
    kind: 'Gadget',
    listKind: 'GadgetList',
    shortNames: ['gd'],
  });
  const names = readNames({ plural: 'widgets', kind: 'Widget', shortNames: ['wd'] });
  assert.deepEqual([names.singular, names.listKind], ['widget', 'WidgetList']);
  const verdicts: [Record<string, unknown>, string][] = [
    [{ plural: 'widgets', kind: 'Widget', shortNames: ['wd'] }, 'NoConflicts'],
    [{ plural: 'gadgets', kind: 'Widget' }, 'PluralConflict'],
    [{ plural: 'widgets', singular: 'gadget', kind: 'Widget' }, 'SingularConflict'],
    [{ plural: 'widgets', kind: 'Widget', shortNames: ['gd'] }, 'ShortNamesConflict'],
    [{ plural: 'widgets', kind: 'Widget', shortNames: ['po'] }, 'ShortNamesConflict'],
    [{ plural: 'widgets', singular: 'w', kind: 'Gadget' }, 'KindConflict'],
    [{ plural: 'widgets', kind: 'Widget', listKind: 'GadgetList' }, 'ListKindConflict'],
  ];
  for (const [n, reason] of verdicts)
    assert.equal(checkNames(readNames(n), used).reason, reason, JSON.stringify(n));
});
