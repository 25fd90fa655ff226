import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { defaultTokenRequest, module, validateTokenRequest } from './index.ts';

test('authentication: module refs resolve; reviews are virtual create-only', () => {
  assert.deepEqual(checkModule(module), []);
  assert.deepEqual(
    module.kinds.map((k) => [k.resource, k.namespaced, k.verbs, k.virtual]),
    [
      ['selfsubjectreviews', false, ['create'], true],
      ['tokenreviews', false, ['create'], true],
    ],
  );
  assert.ok(module.definitions['io.k8s.api.authentication.v1.TokenRequest']);
});

test('tokenrequest: defaults to one hour', () => {
  const o: KubeObject = { metadata: {}, spec: { audiences: ['api'] } };
  defaultTokenRequest(o);
  assert.deepEqual(o.spec, { audiences: ['api'], expirationSeconds: 3600 });
  assert.deepEqual(validateTokenRequest(o), []);
});

test('tokenrequest: lifetime bounds and bound object kinds', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ expirationSeconds: 60 }, ['spec.expirationSeconds']],
    [{ expirationSeconds: 2 ** 33 }, ['spec.expirationSeconds']],
    [
      { expirationSeconds: 600, boundObjectRef: { kind: 'Deployment', name: 'x' } },
      ['spec.boundObjectRef.kind'],
    ],
  ];
  for (const [spec, fields] of cases) {
    assert.deepEqual(
      validateTokenRequest({ metadata: {}, spec }).map((e) => e.field),
      fields,
    );
  }
});
