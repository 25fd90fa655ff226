import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Definitions } from '../../schema/types.ts';
import { checkModule, missingCoreNames } from './check-module.ts';

const CORE = ['io.k8s.api.core.v1.TypedLocalObjectReference'];
import { module } from './index.ts';

test('networking: every $ref resolves and every kind has its schema', () => {
  assert.deepEqual(checkModule(module, CORE), []);
});

test('networking: the core names referenced exist in the core definitions', async (t) => {
  const missing = await missingCoreNames(CORE);
  if (missing === undefined) return t.skip('core definitions not available');
  assert.deepEqual(missing, []);
});

test('networking: names and scopes as kubectl api-resources shows them', () => {
  const rows = module.kinds.map((k) => [k.resource, k.shortNames?.join(',') ?? '', k.namespaced, k.kind]);
  assert.deepEqual(rows, [
    ['ingresses', 'ing', true, 'Ingress'],
    ['ingressclasses', '', false, 'IngressClass'],
    ['networkpolicies', 'netpol', true, 'NetworkPolicy'],
  ]);
});

test('check-module reports a dangling reference and a missing schema', () => {
  const problems = checkModule({
    kinds: [{ ...module.kinds[0], schema: 'nope' }],
    definitions: { x: { $ref: '#/components/schemas/missing' } },
  });
  assert.equal(problems.length, 2);
});

test('networking: fixtures pass strict schema validation', async () => {
  const { checkSchema } = await import('../../schema/validate.ts');
  const { definitions: meta } = await import('../../schema/defs/meta.ts');
  const { ingressFixture, networkPolicyFixture } = await import('./fixtures.ts');
  const defs: Definitions = {
    ...meta,
    ...module.definitions,
    'io.k8s.api.core.v1.TypedLocalObjectReference': { type: 'object' },
  };
  for (const [name, o] of [
    ['Ingress', ingressFixture()],
    ['NetworkPolicy', networkPolicyFixture()],
  ] as const) {
    assert.deepEqual(checkSchema(o, defs[`io.k8s.api.networking.v1.${name}`], defs, { strict: true }), {
      unknown: [],
      errors: [],
    });
  }
});
