import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { customResourceDefinition as crd } from './crd.ts';
import { module } from './index.ts';

const CREATED = '2024-05-01T10:00:00Z';

function fixture(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com', creationTimestamp: CREATED },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    cronSpec: { type: 'string' },
                    replicas: { type: 'integer' },
                    port: { 'x-kubernetes-int-or-string': true },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
          subresources: {
            status: {},
            scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
          },
          additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }],
        },
      ],
    },
  };
}

test('apiextensions: module refs resolve (JSONSchemaProps refers to itself); names', () => {
  assert.deepEqual(checkModule(module), []);
  assert.deepEqual(
    [crd.resource, crd.shortNames, crd.categories, crd.namespaced, crd.hasStatus],
    ['customresourcedefinitions', ['crd', 'crds'], ['api-extensions'], false, true],
  );
  const props =
    module.definitions['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps']
      .properties ?? {};
  assert.equal(
    props.properties.additionalProperties &&
      typeof props.properties.additionalProperties === 'object' &&
      props.properties.additionalProperties.$ref,
    '#/components/schemas/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
  );
});

test('crd: defaults singular, listKind and conversion', () => {
  const o = fixture();
  crd.strategy.defaults?.(o);
  const spec = o.spec as { names: unknown; conversion: unknown };
  assert.deepEqual(spec.names, {
    plural: 'crontabs',
    kind: 'CronTab',
    shortNames: ['ct'],
    singular: 'crontab',
    listKind: 'CronTabList',
  });
  assert.deepEqual(spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.strategy.validate?.(o), []);
});

test('crd: create records the storage version', () => {
  const o = fixture();
  crd.strategy.defaults?.(o);
  crd.strategy.prepareForCreate?.(o);
  assert.deepEqual(o.status, { acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
});

type Spec = { versions: Record<string, unknown>[]; names: Record<string, unknown>; [k: string]: unknown };
const invalid: [string, (s: Spec, o: KubeObject) => void, string[]][] = [
  [
    'name mismatch',
    (_s, o) => {
      o.metadata.name = 'crontab.stable.example.com';
    },
    ['metadata.name'],
  ],
  [
    'group without dot',
    (s, o) => {
      s.group = 'example';
      o.metadata.name = 'crontabs.example';
    },
    ['spec.group'],
  ],
  [
    'bad scope',
    (s) => {
      s.scope = 'Global';
    },
    ['spec.scope'],
  ],
  [
    'bad plural',
    (s, o) => {
      s.names.plural = 'Cron_Tabs';
      o.metadata.name = 'Cron_Tabs.stable.example.com';
    },
    ['spec.names.plural'],
  ],
  [
    'no storage version',
    (s) => {
      s.versions[0].storage = false;
    },
    ['spec.versions'],
  ],
  [
    'two storage versions',
    (s) => {
      s.versions.push({ ...s.versions[0], name: 'v2' });
    },
    ['spec.versions'],
  ],
  [
    'duplicate versions',
    (s) => {
      s.versions.push({ ...s.versions[0], storage: false });
    },
    ['spec.versions'],
  ],
  [
    'no schema',
    (s) => {
      delete s.versions[0].schema;
    },
    ['spec.versions[0].schema.openAPIV3Schema'],
  ],
  [
    'untyped property',
    (s) => {
      (
        s.versions[0].schema as { openAPIV3Schema: { properties: Record<string, unknown> } }
      ).openAPIV3Schema.properties.extra = {};
    },
    ['spec.versions[0].schema.openAPIV3Schema.properties[extra].type'],
  ],
  [
    'scale path outside spec',
    (s) => {
      s.versions[0].subresources = {
        scale: { specReplicasPath: '.replicas', statusReplicasPath: '.status.replicas' },
      };
    },
    ['spec.versions[0].subresources.scale.specReplicasPath'],
  ],
  [
    'bad column type',
    (s) => {
      s.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: '.x' }];
    },
    ['spec.versions[0].additionalPrinterColumns[0].type'],
  ],
  [
    'webhook without config',
    (s) => {
      s.conversion = { strategy: 'Webhook' };
    },
    ['spec.conversion.webhook'],
  ],
  [
    'preserveUnknownFields',
    (s) => {
      s.preserveUnknownFields = true;
    },
    ['spec.preserveUnknownFields'],
  ],
];
for (const [name, mutate, fields] of invalid) {
  test(`crd: invalid — ${name}`, () => {
    const o = fixture();
    mutate(o.spec as Spec, o);
    crd.strategy.defaults?.(o);
    assert.deepEqual(
      crd.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('crd: group and plural are immutable; scope once established; stored versions must stay', () => {
  const old = fixture();
  crd.strategy.defaults?.(old);
  crd.strategy.prepareForCreate?.(old);
  const o = structuredClone(old);
  (o.spec as Spec).group = 'other.example.com';
  (o.spec as Spec).scope = 'Cluster';
  assert.deepEqual(
    crd.strategy.validateUpdate?.(o, old).map((e) => e.field),
    ['spec.group'],
  );
  old.status = { ...(old.status as object), conditions: [{ type: 'Established', status: 'True' }] };
  assert.deepEqual(
    crd.strategy.validateUpdate?.(o, old).map((e) => e.field),
    ['spec.group', 'spec.scope'],
  );

  const renamed = structuredClone(old);
  delete renamed.status;
  (renamed.spec as Spec).versions[0].name = 'v2';
  crd.strategy.prepareForUpdate?.(renamed, old);
  assert.deepEqual((renamed.status as { storedVersions: string[] }).storedVersions, ['v1', 'v2']);
  assert.deepEqual(
    crd.strategy.validateUpdate?.(renamed, old).map((e) => e.field),
    ['status.storedVersions'],
  );
});

test('crd: columns CREATED AT', () => {
  assert.deepEqual(
    crd.columns?.map((c) => [c.name, c.cell(fixture(), 0)]),
    [['Created At', '2024-05-01T10:00:00Z']],
  );
});

test('crd: the fixture passes strict schema validation; a typo deep in the schema is caught', async () => {
  const { checkSchema } = await import('../../schema/validate.ts');
  const { definitions: meta } = await import('../../schema/defs/meta.ts');
  const defs = { ...meta, ...module.definitions };
  const top = defs['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'];
  assert.deepEqual(checkSchema(fixture(), top, defs, { strict: true }), { unknown: [], errors: [] });
  const typo = fixture();
  const v0 = (typo.spec as Spec).versions[0] as {
    schema: { openAPIV3Schema: { properties: { spec: Record<string, unknown> } } };
  };
  v0.schema.openAPIV3Schema.properties.spec.requried = ['cronSpec'];
  assert.deepEqual(checkSchema(typo, top, defs, { strict: true }).unknown, [
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].requried',
  ]);
});
