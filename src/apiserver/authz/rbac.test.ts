import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newApi } from '../test-fixtures.ts';
import type { UserInfo } from '../authn/user.ts';
import type { Attributes } from './authorizer.ts';
import { RBACAuthorizer } from './rbac.ts';
import { clusterRole, clusterRoleBinding, createAll, role, roleBinding } from './test-fixtures.ts';

const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'] };
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
const sa: UserInfo = {
  name: 'system:serviceaccount:prod:builder',
  groups: ['system:serviceaccounts', 'system:authenticated'],
};

function res(
  user: UserInfo,
  verb: string,
  resource: string,
  namespace = '',
  extra: Partial<Attributes> = {},
): Attributes {
  return { user, verb, isResourceRequest: true, group: '', resource, namespace, ...extra };
}

describe('RBACAuthorizer over the watch caches', () => {
  const { api, done } = newApi();
  const rbac = new RBACAuthorizer(() => api);
  before(async () => {
    await api.warm();
    await createAll(api, [
      role('prod', 'pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]),
      roleBinding('prod', 'alice-reads', 'Role', 'pod-reader', [{ kind: 'User', name: 'alice' }]),
      clusterRole('secret-reader', [
        { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['shared'] },
      ]),
      roleBinding('dev', 'devs-secret', 'ClusterRole', 'secret-reader', [{ kind: 'Group', name: 'devs' }]),
      clusterRole('node-viewer', [
        { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
        { verbs: ['get'], nonResourceURLs: ['/metrics'] },
      ]),
      clusterRoleBinding('bob-nodes', 'node-viewer', [{ kind: 'User', name: 'bob' }]),
      roleBinding('prod', 'builder', 'Role', 'pod-reader', [{ kind: 'ServiceAccount', name: 'builder' }]),
      roleBinding('prod', 'dangling', 'Role', 'missing', [{ kind: 'User', name: 'bob' }]),
      // A RoleBinding's ClusterRole grants only in its namespace, never cluster-wide or non-resource URLs.
      roleBinding('dev', 'bob-metrics', 'ClusterRole', 'node-viewer', [{ kind: 'User', name: 'carol' }]),
    ]);
  });
  after(done);

  const cases: [string, Attributes, boolean][] = [
    ['role in its namespace', res(alice, 'list', 'pods', 'prod'), true],
    ['role not in another namespace', res(alice, 'list', 'pods', 'default'), false],
    ['role verb not granted', res(alice, 'delete', 'pods', 'prod', { name: 'p' }), false],
    ['role not cluster-wide', res(alice, 'list', 'pods', ''), false],
    [
      'group subject via cluster role in a namespace',
      res(alice, 'get', 'secrets', 'dev', { name: 'shared' }),
      true,
    ],
    ['resourceNames limit', res(alice, 'get', 'secrets', 'dev', { name: 'other' }), false],
    ['cluster role binding anywhere', res(bob, 'list', 'nodes'), true],
    [
      'cluster role binding non-resource URL',
      { user: bob, verb: 'get', isResourceRequest: false, path: '/metrics' },
      true,
    ],
    [
      'non-resource URL not granted',
      { user: alice, verb: 'get', isResourceRequest: false, path: '/metrics' },
      false,
    ],
    [
      'service account subject defaults to the binding namespace',
      res(sa, 'get', 'pods', 'prod', { name: 'p' }),
      true,
    ],
    ['dangling roleRef grants nothing', res(bob, 'get', 'pods', 'prod', { name: 'p' }), false],
    [
      'cluster role via RoleBinding is namespaced',
      res({ name: 'carol', groups: [] }, 'list', 'nodes', ''),
      false,
    ],
    ['unknown user', res({ name: 'eve', groups: [] }, 'list', 'pods', 'prod'), false],
  ];
  for (const [name, a, want] of cases) {
    test(name, () => assert.equal(rbac.authorize(a).allowed, want));
  }

  test('an allow names the binding, role and subject', () => {
    const d = rbac.authorize(res(alice, 'list', 'pods', 'prod'));
    assert.equal(
      d.reason,
      'RBAC: allowed by RoleBinding "alice-reads" of namespace "prod" of Role "pod-reader" to User "alice"',
    );
  });

  test('rulesFor lists cluster and namespace rules', () => {
    assert.deepEqual(
      rbac.rulesFor(alice, 'prod').map((r) => r.resources),
      [['pods']],
    );
    assert.deepEqual(rbac.rulesFor(alice, 'default'), []);
    assert.equal(rbac.rulesFor(bob, '').length, 2);
  });

  test('changes apply without restarting: a deleted binding stops granting', async () => {
    await createAll(api, [
      roleBinding('default', 'temp', 'Role', 'pod-reader', [{ kind: 'User', name: 'alice' }]),
    ]);
    await createAll(api, [
      role('default', 'pod-reader', [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }]),
    ]);
    assert.equal(rbac.authorize(res(alice, 'list', 'pods', 'default')).allowed, true);
    const rs = api.resource('rbac.authorization.k8s.io', 'rolebindings');
    const cur = await rs.read('default', 'temp');
    await rs.deleteRaw('default', 'temp', cur.rev);
    assert.equal(rbac.authorize(res(alice, 'list', 'pods', 'default')).allowed, false);
  });

  // Decisions are remembered until an RBAC object changes: each kind of change must end them.
  test('a remembered denial ends when a binding that grants appears', async () => {
    const ask = res(bob, 'get', 'pods', 'qa', { name: 'p' });
    assert.equal(rbac.authorize(ask).allowed, false);
    assert.equal(rbac.authorize(ask).allowed, false);
    await createAll(api, [
      roleBinding('qa', 'bob-reads', 'ClusterRole', 'pod-getter', [{ kind: 'User', name: 'bob' }]),
    ]);
    assert.equal(rbac.authorize(ask).allowed, false, 'the ClusterRole does not exist yet');
    await createAll(api, [
      clusterRole('pod-getter', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]),
    ]);
    assert.equal(rbac.authorize(ask).allowed, true);
  });

  test("a remembered allow ends when the role's rules change", async () => {
    const ask = res(bob, 'get', 'pods', 'qa', { name: 'p' });
    assert.equal(rbac.authorize(ask).allowed, true);
    const rs = api.resource('rbac.authorization.k8s.io', 'clusterroles');
    const cur = await rs.read('', 'pod-getter');
    await rs.writeRaw(
      '',
      'pod-getter',
      { ...cur.obj, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }] },
      cur.rev,
    );
    assert.equal(rbac.authorize(ask).allowed, false);
    assert.equal(rbac.authorize({ ...ask, verb: 'list', name: '' }).allowed, true);
  });

  test('decisions are per user, groups and object name', () => {
    const inDevs: UserInfo = { name: 'dora', groups: ['devs'] };
    const alone: UserInfo = { name: 'dora', groups: [] };
    const ask = (u: UserInfo, name: string) =>
      rbac.authorize(res(u, 'get', 'secrets', 'dev', { name })).allowed;
    assert.equal(ask(inDevs, 'shared'), true);
    assert.equal(ask(alone, 'shared'), false, 'same name, other groups');
    assert.equal(ask({ ...inDevs }, 'shared'), true, 'an equal user from another authenticator call');
    assert.equal(ask(inDevs, 'other'), false, 'resourceNames: another object');
  });

  test('names with separators in them do not share a decision with another request', () => {
    // alice may get pods in "prod"; "prod x" (from a percent-decoded path segment) is another namespace.
    assert.equal(rbac.authorize(res(alice, 'get', 'pods', 'prod', { name: 'x y' })).allowed, true);
    assert.equal(rbac.authorize(res(alice, 'get', 'pods', 'prod x', { name: 'y' })).allowed, false);
  });

  test('more distinct requests than are remembered still get their own decisions', () => {
    for (let i = 0; i < 5000; i++) {
      const name = i % 2 ? 'shared' : `other-${i}`;
      assert.equal(rbac.authorize(res(alice, 'get', 'secrets', 'dev', { name })).allowed, name === 'shared');
    }
    assert.equal(rbac.authorize(res(alice, 'get', 'secrets', 'dev', { name: 'other-0' })).allowed, false);
  });

  test('a remembered decision cannot be changed by its caller', () => {
    const d = rbac.authorize(res(bob, 'list', 'nodes'));
    assert.equal(d.allowed, true);
    assert.throws(() => ((d as { allowed: boolean }).allowed = false), TypeError);
    assert.equal(rbac.authorize(res(bob, 'list', 'nodes')).allowed, true);
  });
});
