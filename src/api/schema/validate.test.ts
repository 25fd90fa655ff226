import { test } from 'node:test';
import assert from 'node:assert/strict';
import { s } from './types.ts';
import type { Definitions, Schema } from './types.ts';
import { metaNames } from './defs/meta.ts';
import { checkSchema, pruneUnknown } from './validate.ts';

const defs: Definitions = {
  'test.Deployment': s.obj(
    {
      apiVersion: s.str(''),
      kind: s.str(''),
      metadata: s.ref(metaNames.ObjectMeta),
      spec: s.ref('test.DeploymentSpec', 'spec'),
    },
    '',
  ),
  'test.DeploymentSpec': s.obj(
    {
      replicas: s.int32(''),
      paused: s.bool(''),
      ratio: s.num(''),
      selector: s.ref(metaNames.LabelSelector),
      strategy: s.obj({ type: s.enumOf(['Recreate', 'RollingUpdate'], ''), maxSurge: s.intOrString('') }, ''),
      template: s.obj({ metadata: s.ref(metaNames.ObjectMeta), spec: s.ref('test.PodSpec') }, ''),
      since: s.time(''),
      blob: s.bytes(''),
      extra: s.any(''),
      free: { type: 'object', description: '' },
      raw: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        properties: { spec: s.obj({ x: s.str('') }, '') },
      },
    },
    '',
  ),
  'test.PodSpec': s.obj({ containers: s.mapList(s.ref('test.Container'), 'name', '') }, ''),
  'test.Container': s.obj(
    {
      name: s.str(''),
      image: s.str(''),
      args: s.strList(''),
      resources: s.obj(
        { limits: s.mapOf(s.ref(metaNames.Quantity), ''), requests: s.mapOf(s.quantity(''), '') },
        '',
      ),
    },
    '',
  ),
};
const schema: Schema = s.ref('test.Deployment');

function deployment(
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = { name: 'web' },
): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
}

test('a valid object passes untouched', () => {
  const obj = deployment({
    replicas: 3,
    paused: false,
    ratio: 0.5,
    selector: {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }],
    },
    strategy: { type: 'RollingUpdate', maxSurge: '25%' },
    since: '2025-01-01T10:00:00Z',
    blob: 'aGVsbG8=',
    extra: { anything: [1, { goes: true }] },
    free: { any: 'thing' },
    raw: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'y' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            args: ['a'],
            resources: { limits: { cpu: '500m', memory: 1024 }, requests: { cpu: 0.5 } },
          },
        ],
      },
    },
  });
  obj.metadata = {
    name: 'web',
    labels: { app: 'web' },
    creationTimestamp: '2025-01-01T00:00:00Z',
    finalizers: ['x'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }],
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ],
  };
  const before = structuredClone(obj);
  for (const strict of [true, false]) {
    assert.deepEqual(checkSchema(obj, schema, defs, { strict }), { unknown: [], errors: [] });
    assert.deepEqual(obj, before);
  }
});

test('type mismatches', () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [
      { replicas: 'three' },
      'spec.replicas',
      'Invalid value: "three": spec.replicas in body must be of type integer: "string"',
    ],
    [
      { replicas: 1.5 },
      'spec.replicas',
      'Invalid value: 1.5: spec.replicas in body must be of type integer: "number"',
    ],
    [
      { paused: 'yes' },
      'spec.paused',
      'Invalid value: "yes": spec.paused in body must be of type boolean: "string"',
    ],
    [
      { ratio: true },
      'spec.ratio',
      'Invalid value: true: spec.ratio in body must be of type number: "boolean"',
    ],
    [
      { selector: 'app=web' },
      'spec.selector',
      'Invalid value: "app=web": spec.selector in body must be of type object: "string"',
    ],
    [
      { selector: { matchLabels: { app: 1 } } },
      'spec.selector.matchLabels[app]',
      'Invalid value: 1: spec.selector.matchLabels[app] in body must be of type string: "integer"',
    ],
    [
      { template: { spec: { containers: {} } } },
      'spec.template.spec.containers',
      'Invalid value: "object": spec.template.spec.containers in body must be of type array: "object"',
    ],
    [
      { strategy: { maxSurge: true } },
      'spec.strategy.maxSurge',
      'Invalid value: true: spec.strategy.maxSurge in body must be of type integer,string: "boolean"',
    ],
    [
      { strategy: { maxSurge: 1.5 } },
      'spec.strategy.maxSurge',
      'Invalid value: 1.5: spec.strategy.maxSurge in body must be of type integer,string: "number"',
    ],
  ];
  for (const [spec, field, message] of cases) {
    const { errors } = checkSchema(deployment(spec), schema, defs, { strict: true });
    assert.deepEqual(errors, [{ type: 'FieldValueTypeInvalid', field, message }], JSON.stringify(spec));
  }
});

test('formats and enums', () => {
  const cases: [Record<string, unknown>, string, string, RegExp][] = [
    [
      { strategy: { type: 'Blue' } },
      'spec.strategy.type',
      'FieldValueNotSupported',
      /Unsupported value: "Blue": supported values: "Recreate", "RollingUpdate"/,
    ],
    [{ since: 'yesterday' }, 'spec.since', 'FieldValueInvalid', /must be of type date-time/],
    [{ since: '2025-01-01' }, 'spec.since', 'FieldValueInvalid', /must be of type date-time/],
    [{ since: '2025-13-01T00:00:00Z' }, 'spec.since', 'FieldValueInvalid', /must be of type date-time/],
    [{ blob: 'not base64!' }, 'spec.blob', 'FieldValueInvalid', /must be of type byte/],
    [
      { template: { spec: { containers: [{ resources: { limits: { cpu: 'lots' } } }] } } },
      'spec.template.spec.containers[0].resources.limits[cpu]',
      'FieldValueInvalid',
      /Invalid value: "lots": quantities must match the regular expression/,
    ],
    [{ replicas: 2 ** 40 }, 'spec.replicas', 'FieldValueInvalid', /32-bit/],
  ];
  for (const [spec, field, type, re] of cases) {
    const { errors } = checkSchema(deployment(spec), schema, defs, { strict: true });
    assert.equal(errors.length, 1, JSON.stringify(spec));
    assert.equal(errors[0]!.field, field);
    assert.equal(errors[0]!.type, type);
    assert.match(errors[0]!.message, re);
  }
  assert.deepEqual(
    checkSchema(deployment({ since: '2025-01-01T00:00:00.123+02:00' }), schema, defs, { strict: true })
      .errors,
    [],
  );
});

test('metadata is checked against ObjectMeta', () => {
  const { errors, unknown } = checkSchema(
    deployment(
      {},
      { name: 'x', labels: 'app=web', generation: 'one', creationTimestamp: 'now', nam: 'typo' },
    ),
    schema,
    defs,
    { strict: true },
  );
  assert.deepEqual(
    errors.map((e) => e.field),
    ['metadata.labels', 'metadata.generation', 'metadata.creationTimestamp'],
  );
  assert.deepEqual(unknown, ['metadata.nam']);
});

test('strict mode lists unknown fields without changing the object', () => {
  const obj = deployment({
    replicas: 1,
    replicaz: 2,
    template: { spec: { containers: [{ name: 'a', imagee: 'nginx' }, { name: 'b' }] } },
    raw: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 }, spec: { y: 1 } },
  });
  obj.status = { replicas: 1 };
  const before = structuredClone(obj);
  const { unknown, errors } = checkSchema(obj, schema, defs, { strict: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(unknown, [
    'spec.replicaz',
    'spec.template.spec.containers[0].imagee',
    'spec.raw.metadata.bogus',
    'spec.raw.spec.y',
    'status',
  ]);
  assert.deepEqual(obj, before);
});

test('non-strict mode prunes unknown fields and nulls in place', () => {
  const obj = deployment({
    replicas: null,
    replicaz: 2,
    template: { spec: { containers: [{ name: 'a', imagee: 'nginx', image: 'nginx' }] } },
    extra: { keep: { everything: null } },
  });
  obj.status = { replicas: 1 };
  const { unknown, errors } = checkSchema(obj, schema, defs, { strict: false });
  assert.deepEqual(unknown, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    obj,
    deployment({
      template: { spec: { containers: [{ name: 'a', image: 'nginx' }] } },
      extra: { keep: { everything: null } },
    }),
  );

  const again = deployment({ bogus: 1 }, { name: 'x', bogus: 2 });
  pruneUnknown(again, schema, defs);
  assert.deepEqual(again, deployment({}, { name: 'x' }));
});

test('unknown definitions are reported loudly', () => {
  assert.throws(
    () => checkSchema({ spec: {} }, s.ref('test.Missing'), defs, { strict: true }),
    /unknown definition test.Missing/,
  );
});

test('fast enough to run on every write', () => {
  const containers = Array.from({ length: 5 }, (_, i) => ({
    name: `c${i}`,
    image: 'nginx',
    args: ['a', 'b'],
    resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
  }));
  const obj = deployment({
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
  });
  const start = performance.now();
  for (let i = 0; i < 5000; i++) checkSchema(obj, schema, defs, { strict: true });
  const perCall = (performance.now() - start) / 5000;
  assert.ok(perCall < 0.5, `${perCall.toFixed(3)} ms per check`);
});
