import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import {
  NOW,
  TEN_MINUTES_AGO,
  assertModuleConsistent,
  cells,
  columnNames,
  created,
  createErrorFields,
  object,
  updateErrors,
} from '../apps/fixtures.ts';
import { module } from './index.ts';
import { podDisruptionBudgetKind as kind } from './poddisruptionbudget.ts';

const pdb = (spec: Record<string, unknown> = {}): KubeObject =>
  object(kind, 'web', { selector: { matchLabels: { app: 'web' } }, ...spec });

describe('PodDisruptionBudget', () => {
  it('applies no spec defaults and shows zero counters after create', () => {
    const out = created(kind, pdb({ minAvailable: 1 }));
    assert.deepEqual(out.spec, { selector: { matchLabels: { app: 'web' } }, minAvailable: 1 });
    assert.deepEqual(out.status, {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
    });
  });

  const cases: [string, KubeObject, string[]][] = [
    ['minAvailable as a number', pdb({ minAvailable: 2 }), []],
    ['maxUnavailable as a percentage', pdb({ maxUnavailable: '25%' }), []],
    ['both bounds', pdb({ minAvailable: 1, maxUnavailable: 1 }), ['spec.minAvailable']],
    ['a negative bound', pdb({ minAvailable: -1 }), ['spec.minAvailable']],
    ['a bound over 100%', pdb({ maxUnavailable: '150%' }), ['spec.maxUnavailable']],
    ['a malformed percentage', pdb({ minAvailable: 'most' }), ['spec.minAvailable']],
    [
      'a bad selector',
      pdb({
        minAvailable: 1,
        selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      }),
      ['spec.selector.matchExpressions[0].values'],
    ],
    [
      'an unknown eviction policy',
      pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' }),
      ['spec.unhealthyPodEvictionPolicy'],
    ],
  ];
  for (const [name, obj, fields] of cases)
    it(`validates ${name}`, () => assert.deepEqual(createErrorFields(kind, obj), fields));

  it('keeps the spec mutable (policy/v1)', () => {
    const old = created(kind, pdb({ minAvailable: 1 }));
    assert.deepEqual(
      updateErrors(kind, old, pdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } })),
      [],
    );
  });

  it('shows MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE', () => {
    assert.deepEqual(columnNames(kind), {
      normal: ['MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
      wide: [],
    });
    const o = created(kind, pdb({ minAvailable: '50%' }));
    o.metadata.creationTimestamp = TEN_MINUTES_AGO;
    o.status = { disruptionsAllowed: 1 };
    assert.deepEqual(cells(kind, o, NOW), ['50%', 'N/A', 1, '10m']);
    assert.deepEqual(kind.shortNames, ['pdb']);
  });
});

describe('policy module', () => {
  it('has resolvable definitions and a schema for every kind', () => assertModuleConsistent(module));

  it('defines Eviction with deleteOptions and the policy/v1 GVK', () => {
    const eviction = module.definitions['io.k8s.api.policy.v1.Eviction'];
    assert.deepEqual(eviction['x-kubernetes-group-version-kind'], [
      { group: 'policy', version: 'v1', kind: 'Eviction' },
    ]);
    assert.ok(eviction.properties?.deleteOptions);
    assert.equal(
      module.definitions['io.k8s.api.policy.v1.PodDisruptionBudgetSpec'].properties?.selector[
        'x-kubernetes-patch-strategy'
      ],
      'replace',
    );
  });
});
