import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { CREATED, NOW } from './fixtures.ts';
import { ingressClass } from './ingressclass.ts';

function fixture(): KubeObject {
  return {
    metadata: { name: 'nginx', creationTimestamp: CREATED },
    spec: {
      controller: 'k8s.io/ingress-nginx',
      parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' },
    },
  };
}

test('ingressclass: parameters scope defaults to Cluster', () => {
  const o = fixture();
  ingressClass.strategy.defaults?.(o);
  assert.deepEqual(o.spec, {
    controller: 'k8s.io/ingress-nginx',
    parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p', scope: 'Cluster' },
  });
  assert.deepEqual(ingressClass.strategy.validate?.(o), []);
});

const invalid: [string, Record<string, unknown>, string[]][] = [
  ['no controller', {}, ['spec.controller']],
  ['controller without domain', { controller: 'nginx' }, ['spec.controller']],
  [
    'namespace scope without namespace',
    { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', scope: 'Namespace' } },
    ['spec.parameters.namespace'],
  ],
  [
    'cluster scope with namespace',
    { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', scope: 'Cluster', namespace: 'x' } },
    ['spec.parameters.namespace'],
  ],
  [
    'bad scope',
    { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', scope: 'Global' } },
    ['spec.parameters.scope'],
  ],
  [
    'missing kind and name',
    { controller: 'a.io/b', parameters: { scope: 'Cluster' } },
    ['spec.parameters.kind', 'spec.parameters.name'],
  ],
];
for (const [name, spec, fields] of invalid) {
  test(`ingressclass: invalid — ${name}`, () => {
    const o: KubeObject = { metadata: { name: 'c' }, spec };
    assert.deepEqual(
      ingressClass.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('ingressclass: controller is immutable', () => {
  const old = fixture();
  const o = fixture();
  (o.spec as { controller: string }).controller = 'example.com/other';
  assert.deepEqual(
    ingressClass.strategy.validateUpdate?.(o, old).map((e) => e.field),
    ['spec.controller'],
  );
  assert.deepEqual(ingressClass.strategy.validateUpdate?.(fixture(), old), []);
});

test('ingressclass: columns CONTROLLER PARAMETERS AGE', () => {
  const cells = (o: KubeObject) => ingressClass.columns?.map((c) => c.cell(o, NOW));
  assert.deepEqual(cells(fixture()), ['k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '5m']);
  assert.deepEqual(cells({ metadata: { creationTimestamp: CREATED }, spec: { controller: 'a.io/b' } }), [
    'a.io/b',
    '<none>',
    '5m',
  ]);
});
