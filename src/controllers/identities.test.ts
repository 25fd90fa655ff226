import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newApi } from '../apiserver/test-fixtures.ts';
import type { Attributes } from '../apiserver/authz/authorizer.ts';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  ensureBootstrapPolicy,
} from '../apiserver/authz/bootstrap-policy.ts';
import { RBACAuthorizer } from '../apiserver/authz/rbac.ts';
import { rulesOf } from '../apiserver/authz/rules.ts';
import { isObject } from '../api/object.ts';
import {
  controllerIdentity,
  controllerManagerUser,
  controllerServiceAccount,
  controllerServiceAccounts,
  schedulerUser,
} from './identities.ts';
import { defaultControllers } from './start.ts';

/** Every controller `berth server` can run (all optional ones switched on). */
const allControllers = defaultControllers({
  caCert: 'ca',
  serviceAccountSigningKey: 'key',
  clusterSigning: { caCert: 'ca', caKey: 'key' },
});

/** The ClusterRoles bound to `user` (by name or, for service accounts, as a ServiceAccount subject). */
function rolesBoundTo(user: string): string[] {
  const out: string[] = [];
  for (const b of bootstrapClusterRoleBindings()) {
    const subjects = Array.isArray(b.subjects) ? b.subjects.filter(isObject) : [];
    const names = subjects.map((s) =>
      s.kind === 'ServiceAccount' ? `system:serviceaccount:${String(s.namespace)}:${String(s.name)}` : s.name,
    );
    if (names.includes(user) && isObject(b.roleRef)) out.push(String(b.roleRef.name));
  }
  return out;
}

describe('controller identities', () => {
  test('every controller berth server runs is in the table (none falls back to a role-less account)', () => {
    for (const c of allControllers) assert.ok(controllerServiceAccounts[c.name], `${c.name} has no account`);
  });

  test('every identity is bound to an existing, non-empty role and to nothing else', () => {
    const roles = new Map(bootstrapClusterRoles().map((r) => [r.metadata.name, r]));
    const users = [
      ...allControllers.map((c) => controllerIdentity(c.name).name),
      controllerManagerUser,
      schedulerUser,
    ];
    for (const user of users) {
      const bound = rolesBoundTo(user);
      assert.ok(bound.length > 0, `${user} is bound to no role`);
      for (const name of bound) {
        assert.notEqual(name, 'cluster-admin', `${user} must not be a cluster admin`);
        const role = roles.get(name);
        assert.ok(role, `${user} is bound to missing role ${name}`);
        assert.ok(rulesOf(role).length > 0, `${name} grants nothing`);
      }
    }
  });

  test('controller identities are service accounts in kube-system, never system:masters', () => {
    const id = controllerIdentity('deployment');
    assert.equal(id.name, 'system:serviceaccount:kube-system:deployment-controller');
    assert.deepEqual(id.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:kube-system',
      'system:authenticated',
    ]);
    for (const c of allControllers) assert.ok(!controllerIdentity(c.name).groups.includes('system:masters'));
    assert.equal(controllerServiceAccount('made-up'), 'made-up-controller');
    assert.deepEqual(rolesBoundTo(controllerIdentity('made-up').name), []);
  });
});

describe('controller roles grant what the controllers do, and no more', () => {
  const { api, done } = newApi();
  const rbac = new RBACAuthorizer(() => api);
  before(async () => {
    await api.warm();
    await ensureBootstrapPolicy(api);
  });
  after(() => done());

  const as = (controller: string): Attributes['user'] => controllerIdentity(controller);
  const user = (name: string): Attributes['user'] => ({ name, groups: ['system:authenticated'] });
  const res = (
    u: Attributes['user'],
    verb: string,
    group: string,
    resource: string,
    subresource = '',
    namespace = 'team',
    name = '',
  ): Attributes => ({
    user: u,
    verb,
    isResourceRequest: true,
    group,
    resource,
    subresource,
    namespace,
    name,
  });

  const cases: [string, Attributes, boolean][] = [
    ['deployment creates replicasets', res(as('deployment'), 'create', 'apps', 'replicasets'), true],
    ['deployment creates no pods', res(as('deployment'), 'create', '', 'pods'), false],
    ['deployment records events', res(as('deployment'), 'create', '', 'events'), true],
    ['deployment patches repeated events', res(as('deployment'), 'patch', '', 'events'), true],
    ['replicaset creates pods', res(as('replicaset'), 'create', '', 'pods'), true],
    ['replicaset adopts pods (patch)', res(as('replicaset'), 'patch', '', 'pods'), true],
    ['replicaset reads no secrets', res(as('replicaset'), 'get', '', 'secrets'), false],
    ['statefulset creates claims', res(as('statefulset'), 'create', '', 'persistentvolumeclaims'), true],
    ['daemonset writes its status', res(as('daemonset'), 'update', 'apps', 'daemonsets', 'status'), true],
    ['job patches pod finalizers', res(as('job'), 'patch', '', 'pods'), true],
    ['cronjob creates jobs', res(as('cronjob'), 'create', 'batch', 'jobs'), true],
    ['ttl deletes jobs', res(as('ttl-after-finished'), 'delete', 'batch', 'jobs'), true],
    [
      'garbage collector deletes custom resources',
      res(as('garbage-collector'), 'delete', 'stable.example.com', 'widgets'),
      true,
    ],
    [
      'garbage collector patches ownerReferences anywhere',
      res(as('garbage-collector'), 'patch', 'rbac.authorization.k8s.io', 'roles'),
      true,
    ],
    ['garbage collector creates nothing', res(as('garbage-collector'), 'create', '', 'pods'), false],
    [
      'namespace controller deletes collections',
      res(as('namespace'), 'deletecollection', 'apps', 'deployments'),
      true,
    ],
    [
      'namespace controller finalizes',
      res(as('namespace'), 'update', '', 'namespaces', 'finalize', '', 'team'),
      true,
    ],
    [
      'HPA updates any scale',
      res(as('horizontal-pod-autoscaler'), 'update', 'apps', 'deployments', 'scale'),
      true,
    ],
    ['HPA reads pod metrics', res(as('horizontal-pod-autoscaler'), 'list', 'metrics.k8s.io', 'pods'), true],
    ['disruption reads scale', res(as('disruption'), 'get', 'apps', 'statefulsets', 'scale'), true],
    ['node controller taints nodes', res(as('nodelifecycle'), 'update', '', 'nodes', '', ''), true],
    ['taint eviction deletes pods', res(as('taint-eviction-controller'), 'delete', '', 'pods'), true],
    [
      'binder binds claims',
      res(as('persistentvolume-binder'), 'update', '', 'persistentvolumeclaims', 'status'),
      true,
    ],
    [
      'local-path creates volumes',
      res(as('local-path-provisioner'), 'create', '', 'persistentvolumes', '', ''),
      true,
    ],
    ['quota writes quota status', res(as('resourcequota'), 'update', '', 'resourcequotas', 'status'), true],
    [
      'CSR approver patches approval',
      res(as('csrapproving'), 'patch', 'certificates.k8s.io', 'certificatesigningrequests', 'approval', ''),
      true,
    ],
    ['tokens controller fills secrets', res(as('serviceaccount-token'), 'update', '', 'secrets'), true],
    [
      'root CA publisher writes configmaps',
      res(as('root-ca-cert-publisher'), 'create', '', 'configmaps'),
      true,
    ],
    [
      'service accounts controller creates accounts',
      res(as('serviceaccount'), 'create', '', 'serviceaccounts'),
      true,
    ],
    ['endpoints controller writes endpoints', res(as('endpoint'), 'update', '', 'endpoints'), true],
    [
      'endpointslice controller writes slices',
      res(as('endpointslice'), 'create', 'discovery.k8s.io', 'endpointslices'),
      true,
    ],
    [
      'controller manager renews its lease',
      res(
        user(controllerManagerUser),
        'update',
        'coordination.k8s.io',
        'leases',
        '',
        'kube-system',
        'kube-controller-manager',
      ),
      true,
    ],
    [
      'controller manager may not take the scheduler lease',
      res(
        user(controllerManagerUser),
        'update',
        'coordination.k8s.io',
        'leases',
        '',
        'kube-system',
        'kube-scheduler',
      ),
      false,
    ],
    [
      'controller manager lists everything for informers',
      res(user(controllerManagerUser), 'watch', '', 'secrets'),
      true,
    ],
    ['controller manager writes no pods', res(user(controllerManagerUser), 'create', '', 'pods'), false],
    ['scheduler binds pods', res(user(schedulerUser), 'create', '', 'pods', 'binding'), true],
    ['scheduler patches pod status', res(user(schedulerUser), 'patch', '', 'pods', 'status'), true],
    ['scheduler preempts (deletes) pods', res(user(schedulerUser), 'delete', '', 'pods'), true],
    [
      'scheduler binds claims to volumes',
      res(user(schedulerUser), 'patch', '', 'persistentvolumeclaims'),
      true,
    ],
    ['scheduler deletes no nodes', res(user(schedulerUser), 'delete', '', 'nodes', '', ''), false],
    ['scheduler reads no secrets', res(user(schedulerUser), 'get', '', 'secrets'), false],
  ];
  for (const [name, a, want] of cases) {
    test(name, () => assert.equal(rbac.authorize(a).allowed, want));
  }
});
