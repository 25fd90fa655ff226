import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { module } from './index.ts';
import { localSubjectAccessReview, selfSubjectAccessReview, subjectAccessReview } from './reviews.ts';

test('authorization: module refs resolve; review kinds are virtual create-only', () => {
  assert.deepEqual(checkModule(module), []);
  assert.deepEqual(
    module.kinds.map((k) => [k.resource, k.singular, k.namespaced, k.verbs, k.virtual]),
    [
      ['selfsubjectaccessreviews', 'selfsubjectaccessreview', false, ['create'], true],
      ['selfsubjectrulesreviews', 'selfsubjectrulesreview', false, ['create'], true],
      ['subjectaccessreviews', 'subjectaccessreview', false, ['create'], true],
      ['localsubjectaccessreviews', 'localsubjectaccessreview', true, ['create'], true],
    ],
  );
});

const can = (spec: Record<string, unknown>, namespace?: string): KubeObject => ({
  metadata: { namespace },
  spec,
});

test('authorization: self access review needs exactly one attribute set', () => {
  assert.deepEqual(
    selfSubjectAccessReview.strategy.validate?.(
      can({ resourceAttributes: { verb: 'get', resource: 'pods' } }),
    ),
    [],
  );
  assert.deepEqual(
    selfSubjectAccessReview.strategy.validate?.(can({})).map((e) => e.field),
    ['spec'],
  );
  const both = can({ resourceAttributes: {}, nonResourceAttributes: { path: '/healthz', verb: 'get' } });
  assert.deepEqual(
    selfSubjectAccessReview.strategy.validate?.(both).map((e) => e.field),
    ['spec'],
  );
});

test('authorization: subject access review needs a user or group', () => {
  const r = can({ nonResourceAttributes: { path: '/healthz', verb: 'get' } });
  assert.deepEqual(
    subjectAccessReview.strategy.validate?.(r).map((e) => e.field),
    ['spec.user'],
  );
  assert.deepEqual(
    subjectAccessReview.strategy.validate?.(can({ ...(r.spec as object), groups: ['devs'] })),
    [],
  );
});

test('authorization: local review namespaces must match; no non-resource attributes', () => {
  const ok = can(
    { user: 'jane', resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods' } },
    'dev',
  );
  assert.deepEqual(localSubjectAccessReview.strategy.validate?.(ok), []);
  const other = can({ user: 'jane', resourceAttributes: { namespace: 'prod', verb: 'get' } }, 'dev');
  assert.deepEqual(
    localSubjectAccessReview.strategy.validate?.(other).map((e) => e.field),
    ['spec.resourceAttributes.namespace'],
  );
  const nonRes = can({ user: 'jane', nonResourceAttributes: { path: '/x' } }, 'dev');
  assert.deepEqual(
    localSubjectAccessReview.strategy.validate?.(nonRes).map((e) => e.field),
    ['spec.nonResourceAttributes'],
  );
});

test('authorization: raw selector and requirements are exclusive', () => {
  const r = can({
    resourceAttributes: {
      verb: 'list',
      labelSelector: { rawSelector: 'a=b', requirements: [{ key: 'a', operator: 'In', values: ['b'] }] },
    },
  });
  assert.deepEqual(
    selfSubjectAccessReview.strategy.validate?.(r).map((e) => e.field),
    ['spec.resourceAttributes.labelSelector.rawSelector'],
  );
});
