import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import type { UserInfo } from '../authn/user.ts';
import { ctx, newApi, rejectsStatus } from '../test-fixtures.ts';
import { mastersAuthorizer, unionAuthorizer } from './authorizer.ts';
import { rbacEscalation } from './escalation.ts';
import { RBACAuthorizer } from './rbac.ts';
import { clusterRole, clusterRoleBinding, createAll, role, roleBinding } from './test-fixtures.ts';

const G = 'rbac.authorization.k8s.io';
const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const esc: UserInfo = { name: 'esc', groups: ['system:authenticated'] };
const binder: UserInfo = { name: 'binder', groups: ['system:authenticated'] };
const root: UserInfo = { name: 'root', groups: ['system:masters'] };

const readPods = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
const deletePods = { verbs: ['delete'], apiGroups: [''], resources: ['pods'] };

describe('RBAC escalation prevention', () => {
  const { api, done } = newApi();
  const rbac = new RBACAuthorizer(() => api);
  api.admission.push(rbacEscalation(rbac, unionAuthorizer([mastersAuthorizer, rbac])));
  const as = (user: UserInfo, resource: string, obj: KubeObject) =>
    api.resource(G, resource).create(obj.metadata.namespace ?? '', obj, ctx({ user }));

  before(async () => {
    await api.warm();
    await createAll(api, [
      role('prod', 'pod-reader', [readPods]),
      roleBinding('prod', 'alice-reads', 'Role', 'pod-reader', [{ kind: 'User', name: 'alice' }]),
      clusterRole('deleter', [deletePods]),
      clusterRole('escalator', [{ verbs: ['escalate'], apiGroups: [G], resources: ['roles'] }]),
      roleBinding('prod', 'esc', 'ClusterRole', 'escalator', [{ kind: 'User', name: 'esc' }]),
      clusterRole('binder', [
        { verbs: ['bind'], apiGroups: [G], resources: ['clusterroles'], resourceNames: ['deleter'] },
      ]),
      clusterRoleBinding('binder', 'binder', [{ kind: 'User', name: 'binder' }]),
      role('prod', 'big', [deletePods]),
    ]);
  });
  after(done);

  test('a role within what the writer holds is allowed', async () => {
    await as(
      alice,
      'roles',
      role('prod', 'subset', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]),
    );
  });

  test('a role granting more is refused, listing what is missing', async () => {
    const err = await rejectsStatus(
      as(alice, 'roles', role('prod', 'more', [readPods, deletePods])),
      403,
      'Forbidden',
    );
    assert.equal(
      err.message,
      'roles.rbac.authorization.k8s.io "more" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    );
  });

  test('held rules count only in their namespace', async () => {
    await rejectsStatus(
      as(alice, 'roles', role('dev', 'subset', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])),
      403,
    );
  });

  test('escalate on roles lifts the check', async () => {
    await as(esc, 'roles', role('prod', 'esc-more', [deletePods]));
  });

  test('system:masters are never checked', async () => {
    await as(
      root,
      'clusterroles',
      clusterRole('anything', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
    );
  });

  test('binding a role whose rules the writer holds is allowed', async () => {
    await as(
      alice,
      'rolebindings',
      roleBinding('prod', 'share', 'Role', 'pod-reader', [{ kind: 'User', name: 'bob' }]),
    );
  });

  test('binding a role with more than the writer holds is refused', async () => {
    const err = await rejectsStatus(
      as(
        alice,
        'rolebindings',
        roleBinding('prod', 'grab', 'ClusterRole', 'deleter', [{ kind: 'User', name: 'alice' }]),
      ),
      403,
    );
    assert.match(
      err.message,
      /^rolebindings\.rbac\.authorization\.k8s\.io "grab" is forbidden: user "alice" .*not currently held/,
    );
  });

  test('bind on the role lifts the check (by name)', async () => {
    await as(
      binder,
      'rolebindings',
      roleBinding('prod', 'ok', 'ClusterRole', 'deleter', [{ kind: 'User', name: 'x' }]),
    );
    await as(
      binder,
      'clusterrolebindings',
      clusterRoleBinding('ok', 'deleter', [{ kind: 'User', name: 'x' }]),
    );
    await rejectsStatus(
      as(binder, 'rolebindings', roleBinding('prod', 'no', 'Role', 'big', [{ kind: 'User', name: 'x' }])),
      403,
    );
  });

  test('binding a missing role without bind is NotFound', async () => {
    await rejectsStatus(
      as(alice, 'rolebindings', roleBinding('prod', 'ghost', 'Role', 'ghost', [{ kind: 'User', name: 'x' }])),
      404,
    );
  });

  test('updates that leave rules alone are not checked', async () => {
    const rs = api.resource(G, 'roles');
    const cur = await rs.get('prod', 'big');
    await rs.update(
      'prod',
      'big',
      { ...cur, metadata: { ...cur.metadata, labels: { touched: 'yes' } } },
      ctx({ user: alice }),
    );
    const next = await rs.get('prod', 'big');
    await rejectsStatus(
      rs.update('prod', 'big', { ...next, rules: [deletePods, readPods] }, ctx({ user: alice })),
      403,
    );
  });

  test('an aggregationRule needs every permission', async () => {
    const agg = clusterRole('agg', [], undefined, [{ x: 'true' }]);
    const err = await rejectsStatus(as(esc, 'clusterroles', agg), 403);
    assert.match(err.message, /aggregationRule/);
    await as(root, 'clusterroles', agg);
  });
});
