import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newApi } from '../test-fixtures.ts';
import type { UserInfo } from '../authn/user.ts';
import { ClusterRoleAggregator } from './aggregation.ts';
import type { Attributes } from './authorizer.ts';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  ensureBootstrapPolicy,
  reconciled,
} from './bootstrap-policy.ts';
import type { KubeObject } from '../../api/object.ts';
import { systemContext } from '../registry/context.ts';
import { RBACAuthorizer } from './rbac.ts';
import { createAll, roleBinding } from './test-fixtures.ts';

const plain: UserInfo = { name: 'dana', groups: ['system:authenticated'] };
const anon: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
const master: UserInfo = { name: 'root', groups: ['system:masters', 'system:authenticated'] };
const viewer: UserInfo = { name: 'vic', groups: ['system:authenticated'] };
const editor: UserInfo = { name: 'eddie', groups: ['system:authenticated'] };
const admin: UserInfo = { name: 'ada', groups: ['system:authenticated'] };

const path = (user: UserInfo, p: string): Attributes => ({
  user,
  verb: 'get',
  isResourceRequest: false,
  path: p,
});
const res = (
  user: UserInfo,
  verb: string,
  group: string,
  resource: string,
  namespace = 'team',
  subresource = '',
): Attributes => ({
  user,
  verb,
  isResourceRequest: true,
  group,
  resource,
  subresource,
  namespace,
});

describe('bootstrap policy', () => {
  const { api, done } = newApi();
  const rbac = new RBACAuthorizer(() => api);
  const agg = new ClusterRoleAggregator(api);
  before(async () => {
    await api.warm();
    await ensureBootstrapPolicy(api);
    await ensureBootstrapPolicy(api); // idempotent
    await agg.start();
    await createAll(api, [
      roleBinding('team', 'v', 'ClusterRole', 'view', [{ kind: 'User', name: 'vic' }]),
      roleBinding('team', 'e', 'ClusterRole', 'edit', [{ kind: 'User', name: 'eddie' }]),
      roleBinding('team', 'a', 'ClusterRole', 'admin', [{ kind: 'User', name: 'ada' }]),
    ]);
  });
  after(async () => {
    agg.stop();
    await done();
  });

  test('every default object exists once', async () => {
    const roles = api.resource('rbac.authorization.k8s.io', 'clusterroles').cache.size();
    const bindings = api.resource('rbac.authorization.k8s.io', 'clusterrolebindings').cache.size();
    assert.equal(roles, bootstrapClusterRoles().length);
    assert.equal(bindings, bootstrapClusterRoleBindings().length);
  });

  const cases: [string, Attributes, boolean][] = [
    ['masters hold cluster-admin', res(master, 'delete', 'apps', 'deployments', ''), true],
    ['authenticated users read discovery', path(plain, '/apis/apps/v1'), true],
    ['authenticated users read openapi', path(plain, '/openapi/v3'), true],
    ['authenticated users read /version', path(plain, '/version'), true],
    ['anonymous may read /healthz', path(anon, '/healthz'), true],
    ['anonymous may not read discovery', path(anon, '/api'), false],
    [
      'authenticated users review themselves',
      res(plain, 'create', 'authorization.k8s.io', 'selfsubjectaccessreviews', ''),
      true,
    ],
    ['whoami', res(plain, 'create', 'authentication.k8s.io', 'selfsubjectreviews', ''), true],
    ['plain users read no pods', res(plain, 'list', '', 'pods'), false],
    ['view reads pods', res(viewer, 'list', '', 'pods'), true],
    ['view reads deployment scale', res(viewer, 'get', 'apps', 'deployments', 'team', 'scale'), true],
    ['view does not read secrets', res(viewer, 'get', '', 'secrets'), false],
    ['view does not write', res(viewer, 'create', '', 'configmaps'), false],
    ['edit writes deployments', res(editor, 'patch', 'apps', 'deployments'), true],
    ['edit reads secrets (aggregated from view and edit)', res(editor, 'list', '', 'secrets'), true],
    ['edit still reads pods (view aggregated into edit)', res(editor, 'watch', '', 'pods'), true],
    ['edit may not write roles', res(editor, 'create', 'rbac.authorization.k8s.io', 'roles'), false],
    ['admin writes rolebindings', res(admin, 'create', 'rbac.authorization.k8s.io', 'rolebindings'), true],
    ['admin reads pods (view → edit → admin)', res(admin, 'get', '', 'pods'), true],
    ['admin is namespaced', res(admin, 'get', '', 'pods', 'other'), false],
  ];
  for (const [name, a, want] of cases) {
    test(name, () => assert.equal(rbac.authorize(a).allowed, want));
  }
});

describe('bootstrap policy reconciliation', () => {
  const wantedRole = bootstrapClusterRoles().find(
    (r) => r.metadata.name === 'system:controller:job-controller',
  )!;
  const wantedBinding = bootstrapClusterRoleBindings().find(
    (b) => b.metadata.name === 'system:controller:job-controller',
  )!;
  const auto = (o: KubeObject, value: string, patch: Partial<KubeObject>): KubeObject => ({
    ...structuredClone(o),
    metadata: { ...o.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': value } },
    ...patch,
  });

  test('an up-to-date object is left alone', () => {
    assert.equal(reconciled(wantedRole, wantedRole), undefined);
    assert.equal(reconciled(wantedBinding, wantedBinding), undefined);
  });
  test('a role missing rules gets them appended, keeping its own', () => {
    const extra = { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] };
    const old = auto(wantedRole, 'true', { rules: [extra] });
    const next = reconciled(old, wantedRole);
    assert.ok(next);
    assert.deepEqual((next.rules as unknown[])[0], extra);
    assert.equal((next.rules as unknown[]).length, 1 + (wantedRole.rules as unknown[]).length);
  });
  test('a binding missing a subject gets it added', () => {
    const next = reconciled(auto(wantedBinding, 'true', { subjects: [] }), wantedBinding);
    assert.deepEqual(next?.subjects, wantedBinding.subjects);
  });
  test('autoupdate=false opts out', () => {
    assert.equal(reconciled(auto(wantedRole, 'false', { rules: [] }), wantedRole), undefined);
  });
  test('ensureBootstrapPolicy tops up a stale stored role', async () => {
    const { api, done } = newApi();
    try {
      await api.warm();
      await ensureBootstrapPolicy(api);
      const rs = api.resource('rbac.authorization.k8s.io', 'clusterroles');
      const stored = await rs.get('', 'system:controller:job-controller');
      await rs.update('', stored.metadata.name!, { ...stored, rules: [] }, systemContext());
      await ensureBootstrapPolicy(api);
      const after = await rs.get('', 'system:controller:job-controller');
      assert.equal((after.rules as unknown[]).length, (wantedRole.rules as unknown[]).length);
    } finally {
      await done();
    }
  });
});
