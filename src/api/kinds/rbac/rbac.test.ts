import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { clusterRole } from './clusterrole.ts';
import { clusterRoleBinding } from './clusterrolebinding.ts';
import { module, nameRules } from './index.ts';
import { role } from './role.ts';
import { roleBinding } from './rolebinding.ts';

const CREATED = '2024-05-01T10:00:00Z';
const NOW = Date.parse(CREATED) + 42_000;

function binding(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'read-pods', namespace: 'dev', creationTimestamp: CREATED },
    roleRef: { kind: 'Role', name: 'pod-reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'dev' },
    ],
  };
}

test('rbac: module refs resolve; names as api-resources shows', () => {
  assert.deepEqual(checkModule(module), []);
  assert.deepEqual(
    module.kinds.map((k) => [k.resource, k.namespaced]),
    [
      ['roles', true],
      ['clusterroles', false],
      ['rolebindings', true],
      ['clusterrolebindings', false],
    ],
  );
});

test('rbac: names are path segments, so system:* names pass', () => {
  assert.deepEqual(nameRules.clusterroles('system:controller:deployment-controller'), []);
  assert.deepEqual(nameRules.roles('a/b'), ["may not contain '/'"]);
  assert.deepEqual(
    clusterRole.strategy.validate?.({ metadata: { name: '..' } }).map((e) => e.field),
    ['metadata.name'],
  );
});

test('rbac: binding defaults apiGroup of roleRef and subjects', () => {
  const o = binding();
  roleBinding.strategy.defaults?.(o);
  assert.deepEqual(o.roleRef, { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(o.subjects, [
    { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'ci', namespace: 'dev', apiGroup: '' },
  ]);
  assert.deepEqual(roleBinding.strategy.validate?.(o), []);
});

const invalidRules: [string, KindDef_, Record<string, unknown>[], string[]][] = [
  ['no verbs', 'role', [{ apiGroups: [''], resources: ['pods'] }], ['rules[0].verbs']],
  ['no api groups', 'role', [{ verbs: ['get'], resources: ['pods'] }], ['rules[0].apiGroups']],
  ['no resources', 'role', [{ verbs: ['get'], apiGroups: [''] }], ['rules[0].resources']],
  [
    'URLs in a role',
    'role',
    [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    ['rules[0].nonResourceURLs'],
  ],
  [
    'URLs and resources',
    'clusterrole',
    [{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }],
    ['rules[0].nonResourceURLs'],
  ],
];
type KindDef_ = 'role' | 'clusterrole';
for (const [name, kind, rules, fields] of invalidRules) {
  test(`rbac: invalid rules — ${name}`, () => {
    const def = kind === 'role' ? role : clusterRole;
    assert.deepEqual(
      def.strategy.validate?.({ metadata: { name: 'r' }, rules }).map((e) => e.field),
      fields,
    );
  });
}

test('rbac: cluster role URLs and aggregation rules', () => {
  assert.deepEqual(
    clusterRole.strategy.validate?.({
      metadata: { name: 'r' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    }),
    [],
  );
  const agg = { metadata: { name: 'r' }, aggregationRule: { clusterRoleSelectors: [] } };
  assert.deepEqual(
    clusterRole.strategy.validate?.(agg).map((e) => e.field),
    ['aggregationRule.clusterRoleSelectors'],
  );
});

const invalidBindings: [string, (o: KubeObject) => void, string[]][] = [
  [
    'wrong roleRef group',
    (o) => {
      o.roleRef = { apiGroup: 'x', kind: 'Role', name: 'r' };
    },
    ['roleRef.apiGroup'],
  ],
  [
    'wrong roleRef kind',
    (o) => {
      o.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Pod', name: 'r' };
    },
    ['roleRef.kind'],
  ],
  [
    'unknown subject kind',
    (o) => {
      o.subjects = [{ kind: 'Robot', name: 'r2' }];
    },
    ['subjects[0].kind'],
  ],
  [
    'service account with group',
    (o) => {
      o.subjects = [{ kind: 'ServiceAccount', name: 'a', apiGroup: 'x' }];
    },
    ['subjects[0].apiGroup'],
  ],
  [
    'subject without name',
    (o) => {
      o.subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io' }];
    },
    ['subjects[0].name'],
  ],
];
for (const [name, mutate, fields] of invalidBindings) {
  test(`rbac: invalid binding — ${name}`, () => {
    const o = binding();
    mutate(o);
    roleBinding.strategy.defaults?.(o);
    assert.deepEqual(
      roleBinding.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('rbac: cluster role bindings need ClusterRole and service account namespaces', () => {
  const o: KubeObject = {
    metadata: { name: 'x' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'ci', apiGroup: '' }],
  };
  assert.deepEqual(
    clusterRoleBinding.strategy.validate?.(o).map((e) => e.field),
    ['roleRef.kind', 'subjects[0].namespace'],
  );
});

test('rbac: roleRef is immutable', () => {
  const old = binding();
  const o = binding();
  o.roleRef = { kind: 'ClusterRole', name: 'admin' };
  assert.deepEqual(
    roleBinding.strategy.validateUpdate?.(o, old).map((e) => e.field),
    ['roleRef'],
  );
  const more = binding();
  more.subjects = [];
  assert.deepEqual(roleBinding.strategy.validateUpdate?.(more, old), []);
});

test('rbac: columns — roles CREATED AT; bindings ROLE AGE | USERS GROUPS SERVICEACCOUNTS', () => {
  assert.deepEqual(
    role.columns?.map((c) => [c.name, c.type, c.cell({ metadata: { creationTimestamp: CREATED } }, NOW)]),
    [['Created At', 'date', '2024-05-01T10:00:00Z']],
  );
  assert.deepEqual(
    roleBinding.columns?.map((c) => c.name),
    ['Role', 'Age', 'Users', 'Groups', 'ServiceAccounts'],
  );
  assert.deepEqual(
    roleBinding.columns?.map((c) => c.priority),
    [0, 0, 1, 1, 1],
  );
  assert.deepEqual(
    roleBinding.columns?.map((c) => c.cell(binding(), NOW)),
    ['Role/pod-reader', '42s', 'jane', 'devs', 'dev/ci'],
  );
});
