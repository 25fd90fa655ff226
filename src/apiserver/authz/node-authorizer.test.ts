import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newApi, pod } from '../test-fixtures.ts';
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
    await createAll(api, [pod('mine', 'n1'), pod('theirs', 'n2'), pod('pending')]);
  });
  after(done);

  const cases: [string, Attributes, boolean][] = [
    ['get own node', a('get', '', 'nodes', { name: 'n1' }), true],
    ['get another node', a('get', '', 'nodes', { name: 'n2' }), false],
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
    ['get bound pod', a('get', '', 'pods', { namespace: 'default', name: 'mine' }), true],
    [
      'update bound pod status',
      a('update', '', 'pods', { namespace: 'default', name: 'mine', subresource: 'status' }),
      true,
    ],
    ['get pod on another node', a('get', '', 'pods', { namespace: 'default', name: 'theirs' }), false],
    [
      'update unbound pod status',
      a('patch', '', 'pods', { namespace: 'default', name: 'pending', subresource: 'status' }),
      false,
    ],
    ['missing pod', a('get', '', 'pods', { namespace: 'default', name: 'ghost' }), false],
    ['update bound pod spec', a('update', '', 'pods', { namespace: 'default', name: 'mine' }), false],
    ['list pods', a('list', '', 'pods', { namespace: '' }), true],
    ['create events', a('create', '', 'events', { namespace: 'default' }), true],
    ['create events.k8s.io events', a('create', 'events.k8s.io', 'events', { namespace: 'default' }), true],
    ['delete events', a('delete', '', 'events', { namespace: 'default', name: 'e' }), false],
    ['static rules: watch services', a('watch', '', 'services'), true],
    ['static rules: no secrets', a('get', '', 'secrets', { namespace: 'default', name: 's' }), false],
    ['not a node: no opinion', a('get', '', 'nodes', { name: 'n1' }, notANode), false],
    [
      'non-resource requests: no opinion',
      { user: n1, verb: 'get', isResourceRequest: false, path: '/api' },
      false,
    ],
  ];
  for (const [name, attrs, want] of cases) test(name, () => assert.equal(z.authorize(attrs).allowed, want));
});
