import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPermission, permissionsOf, uncovered } from './coverage.ts';
import { toPolicyRule, type PolicyRule } from './rules.ts';

const r = (x: Partial<PolicyRule>): PolicyRule => toPolicyRule(x);

describe('uncovered', () => {
  const cases: [string, PolicyRule[], PolicyRule[], number][] = [
    [
      'exact',
      [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })],
      [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })],
      0,
    ],
    [
      'more verbs wanted',
      [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })],
      [r({ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] })],
      1,
    ],
    [
      'held wildcard covers all',
      [r({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] })],
      [r({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] })],
      0,
    ],
    [
      'wanted wildcard needs held wildcard',
      [r({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] })],
      [r({ verbs: ['*'], apiGroups: [''], resources: ['pods'] })],
      1,
    ],
    [
      '*/scale covers x/scale',
      [r({ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] })],
      [r({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] })],
      0,
    ],
    [
      '*/scale does not cover x',
      [r({ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] })],
      [r({ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] })],
      1,
    ],
    [
      'names held cover the same names',
      [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] })],
      [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] })],
      0,
    ],
    [
      'names held do not cover all names',
      [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] })],
      [r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] })],
      1,
    ],
    [
      'url prefix',
      [r({ verbs: ['get'], nonResourceURLs: ['/apis/*'] })],
      [r({ verbs: ['get'], nonResourceURLs: ['/apis/apps', '/api'] })],
      1,
    ],
    [
      'url rules do not cover resources',
      [r({ verbs: ['*'], nonResourceURLs: ['*'] })],
      [r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })],
      1,
    ],
    [
      'split across rules',
      [
        r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }),
        r({ verbs: ['list'], apiGroups: ['*'], resources: ['pods'] }),
      ],
      [r({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] })],
      0,
    ],
    ['nothing held', [], [r({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods'] })], 4],
  ];
  for (const [name, held, wanted, missing] of cases)
    test(name, () => assert.equal(uncovered(held, wanted).length, missing));
});

test('permissionsOf and formatPermission', () => {
  const ps = permissionsOf(r({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }));
  assert.deepEqual(ps, [{ verb: 'get', group: '', resource: 'pods', name: 'a' }]);
  assert.equal(
    formatPermission(ps[0]),
    '{APIGroups:[""], Resources:["pods"], ResourceNames:["a"], Verbs:["get"]}',
  );
  assert.equal(formatPermission({ verb: 'get', url: '/x' }), '{NonResourceURLs:["/x"], Verbs:["get"]}');
});
