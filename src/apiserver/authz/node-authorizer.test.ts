import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ctx, newApi, pod } from '../test-fixtures.ts';
import type { KubeObject } from '../../api/object.ts';
import type { UserInfo } from '../authn/user.ts';
import type { Attributes } from './authorizer.ts';
import { NodeAuthorizer, nodeNameOf } from './node-authorizer.ts';
import { createAll } from './test-fixtures.ts';

const n1: UserInfo = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const notANode: UserInfo = { name: 'system:node:n1', groups: ['system:authenticated'] };

function a(
  verb: string,
  group: string,
  resource: string,
  extra: Partial<Attributes> = {},
  user = n1,
): Attributes {
  return { user, verb, isResourceRequest: true, group, resource, ...extra };
}

const ns = { namespace: 'default' };
const named = (name: string, extra: Partial<Attributes> = {}): Partial<Attributes> => ({
  ...ns,
  name,
  ...extra,
});

/** A pod on n1 that references a secret, a configmap, a claim and a service account. */
function richPod(): KubeObject {
  const p = pod('rich', 'n1');
  const spec = p.spec as Record<string, unknown>;
  spec.serviceAccountName = 'builder';
  spec.volumes = [
    { name: 's', secret: { secretName: 'app-secret' } },
    { name: 'c', configMap: { name: 'app-config' } },
    { name: 'd', persistentVolumeClaim: { claimName: 'data' } },
  ];
  return p;
}

test('nodeNameOf needs the name prefix and the system:nodes group', () => {
  assert.equal(nodeNameOf(n1), 'n1');
  assert.equal(nodeNameOf(notANode), undefined);
  assert.equal(nodeNameOf({ name: 'system:node:', groups: ['system:nodes'] }), undefined);
  assert.equal(nodeNameOf({ name: 'alice', groups: ['system:nodes'] }), undefined);
});

describe('NodeAuthorizer', () => {
  const { api, done } = newApi();
  const z = new NodeAuthorizer(() => api);
  before(async () => {
    await api.warm();
    await createAll(api, [pod('mine', 'n1'), pod('theirs', 'n2'), pod('pending'), richPod()]);
    await api.resource('', 'persistentvolumeclaims').create(
      'default',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'default' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          volumeName: 'pv-1',
        },
      },
      ctx(),
    );
    await api.resource('', 'serviceaccounts').create(
      'default',
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'builder', namespace: 'default' },
        imagePullSecrets: [{ name: 'sa-pull' }],
      },
      ctx(),
    );
  });
  after(done);

  const cases: [string, Attributes, boolean][] = [
    ['get own node', a('get', '', 'nodes', { name: 'n1' }), true],
    ['get another node (read is allowed)', a('get', '', 'nodes', { name: 'n2' }), true],
    ['patch another node', a('patch', '', 'nodes', { name: 'n2' }), false],
    ['patch own node status', a('patch', '', 'nodes', { name: 'n1', subresource: 'status' }), true],
    ['update another node status', a('update', '', 'nodes', { name: 'n2', subresource: 'status' }), false],
    ['delete own node', a('delete', '', 'nodes', { name: 'n1' }), false],
    ['register (create) a node', a('create', '', 'nodes'), true],
    ['list/watch nodes (selector not visible)', a('watch', '', 'nodes'), true],
    [
      'own lease',
      a('update', 'coordination.k8s.io', 'leases', { namespace: 'kube-node-lease', name: 'n1' }),
      true,
    ],
    ['create lease', a('create', 'coordination.k8s.io', 'leases', { namespace: 'kube-node-lease' }), true],
    [
      'another lease',
      a('update', 'coordination.k8s.io', 'leases', { namespace: 'kube-node-lease', name: 'n2' }),
      false,
    ],
    [
      'lease elsewhere',
      a('get', 'coordination.k8s.io', 'leases', { namespace: 'kube-system', name: 'n1' }),
      false,
    ],
    ['get bound pod', a('get', '', 'pods', named('mine')), true],
    ['get pod on another node (read is allowed)', a('get', '', 'pods', named('theirs')), true],
    ['update bound pod status', a('update', '', 'pods', named('mine', { subresource: 'status' })), true],
    ['update unbound pod status', a('patch', '', 'pods', named('pending', { subresource: 'status' })), false],
    [
      'update status of a pod on another node',
      a('update', '', 'pods', named('theirs', { subresource: 'status' })),
      false,
    ],
    ['delete bound pod', a('delete', '', 'pods', named('mine')), true],
    ['delete pod on another node', a('delete', '', 'pods', named('theirs')), false],
    ['delete missing pod', a('delete', '', 'pods', named('ghost')), false],
    ['evict bound pod', a('create', '', 'pods', named('mine', { subresource: 'eviction' })), true],
    ['create a (mirror) pod: admission decides', a('create', '', 'pods', ns), true],
    ['update bound pod spec', a('update', '', 'pods', named('mine')), false],
    ['list pods', a('list', '', 'pods', { namespace: '' }), true],
    ['get a secret a bound pod references', a('get', '', 'secrets', named('app-secret')), true],
    ['get an unreferenced secret', a('get', '', 'secrets', named('other')), false],
    ['list secrets', a('list', '', 'secrets', ns), false],
    [
      'get a referenced secret in another namespace',
      a('get', '', 'secrets', { namespace: 'kube-system', name: 'app-secret' }),
      false,
    ],
    ['get a referenced configmap', a('get', '', 'configmaps', named('app-config')), true],
    ['update a referenced configmap', a('update', '', 'configmaps', named('app-config')), false],
    ['get an unreferenced configmap', a('get', '', 'configmaps', named('x')), false],
    ['get a referenced claim', a('get', '', 'persistentvolumeclaims', named('data')), true],
    ['get the volume bound to a referenced claim', a('get', '', 'persistentvolumes', { name: 'pv-1' }), true],
    ['get another volume', a('get', '', 'persistentvolumes', { name: 'pv-2' }), false],
    [
      'token for a bound pod service account',
      a('create', '', 'serviceaccounts', named('builder', { subresource: 'token' })),
      true,
    ],
    [
      'token for another service account',
      a('create', '', 'serviceaccounts', named('admin', { subresource: 'token' })),
      false,
    ],
    ['get a bound pod service account', a('get', '', 'serviceaccounts', named('builder')), true],
    ['get another service account', a('get', '', 'serviceaccounts', named('admin')), false],
    ['get a pull secret of a bound pod service account', a('get', '', 'secrets', named('sa-pull')), true],
    ['create CSRs', a('create', 'certificates.k8s.io', 'certificatesigningrequests'), true],
    ['create events', a('create', '', 'events', ns), true],
    ['create events.k8s.io events', a('create', 'events.k8s.io', 'events', ns), true],
    ['delete events', a('delete', '', 'events', named('e')), false],
    ['static rules: watch services', a('watch', '', 'services'), true],
    ['static rules: read endpointslices', a('list', 'discovery.k8s.io', 'endpointslices'), true],
    ['no deployments', a('list', 'apps', 'deployments'), false],
    ['not a node: no opinion', a('get', '', 'nodes', { name: 'n1' }, notANode), false],
    [
      'non-resource requests: no opinion',
      { user: n1, verb: 'get', isResourceRequest: false, path: '/api' },
      false,
    ],
  ];
  for (const [name, attrs, want] of cases) test(name, () => assert.equal(z.authorize(attrs).allowed, want));
});
