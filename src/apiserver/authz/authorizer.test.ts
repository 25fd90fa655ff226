import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserInfo } from '../authn/user.ts';
import {
  BootstrapAuthorizer,
  forbiddenMessage,
  mastersAuthorizer,
  unionAuthorizer,
  type Attributes,
  type Authorizer,
} from './authorizer.ts';

const root: UserInfo = { name: 'root', groups: ['system:masters'] };
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
const pods = (user: UserInfo): Attributes => ({
  user,
  verb: 'list',
  isResourceRequest: true,
  group: '',
  resource: 'pods',
  namespace: 'default',
});

test('mastersAuthorizer allows system:masters only and lists every rule for them', async () => {
  assert.equal((await mastersAuthorizer.authorize(pods(root))).allowed, true);
  assert.equal((await mastersAuthorizer.authorize(pods(bob))).allowed, false);
  assert.equal(mastersAuthorizer.rulesFor!(root, 'x').length, 2);
  assert.deepEqual(mastersAuthorizer.rulesFor!(bob, 'x'), []);
});

test('unionAuthorizer: first allow wins, rules are the union', async () => {
  const calls: string[] = [];
  const deny: Authorizer = { authorize: () => (calls.push('deny'), { allowed: false }), rulesFor: () => [] };
  const allow: Authorizer = {
    authorize: async () => (calls.push('allow'), { allowed: true, reason: 'ok' }),
    rulesFor: () => [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [], nonResourceURLs: [] },
    ],
  };
  const never: Authorizer = { authorize: () => assert.fail('asked after an allow') };
  assert.deepEqual(await unionAuthorizer([deny, allow, never]).authorize(pods(bob)), {
    allowed: true,
    reason: 'ok',
  });
  assert.deepEqual(calls, ['deny', 'allow']);
  assert.equal(unionAuthorizer([deny, allow, never]).rulesFor!(bob, '').length, 1);
  assert.equal((await unionAuthorizer([deny]).authorize(pods(bob))).allowed, false);
});

test('BootstrapAuthorizer still answers discovery and self reviews', () => {
  const z = new BootstrapAuthorizer();
  assert.equal(
    z.authorize({ user: bob, verb: 'get', isResourceRequest: false, path: '/apis/apps' }).allowed,
    true,
  );
  assert.equal(z.authorize(pods(bob)).allowed, false);
  assert.equal(z.rulesFor(bob).length, 3);
});

test('forbiddenMessage', () => {
  assert.equal(
    forbiddenMessage(pods(bob)),
    'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
  );
  assert.equal(
    forbiddenMessage({
      user: bob,
      verb: 'get',
      isResourceRequest: true,
      group: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      name: 'web',
    }),
    'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments/scale" in API group "apps" at the cluster scope',
  );
  assert.equal(
    forbiddenMessage({ user: bob, verb: 'get', isResourceRequest: false, path: '/metrics' }),
    'forbidden: User "bob" cannot get path "/metrics"',
  );
});

test('unionAuthorizer: the first allow wins, synchronous and asynchronous authorizers mixed', async () => {
  const allow = { allowed: true, reason: 'yes' };
  const deny = { allowed: false };
  const sync = (d: { allowed: boolean }) => ({ authorize: () => d });
  const later = (d: { allowed: boolean }) => ({ authorize: () => Promise.resolve(d) });
  const attrs: Attributes = { user: bob, verb: 'get', isResourceRequest: false, path: '/x' };
  const cases = [
    { list: [sync(deny), sync(allow)], allowed: true, isPromise: false },
    { list: [sync(deny), sync(deny)], allowed: false, isPromise: false },
    { list: [later(deny), sync(allow)], allowed: true, isPromise: true },
    { list: [sync(deny), later(deny), later(allow)], allowed: true, isPromise: true },
    { list: [later(deny), later(deny)], allowed: false, isPromise: true },
    { list: [sync(allow), later(deny)], allowed: true, isPromise: false },
  ];
  for (const [i, c] of cases.entries()) {
    const got = unionAuthorizer(c.list).authorize(attrs);
    assert.equal(got instanceof Promise, c.isPromise, `case ${i}`);
    assert.equal((await got).allowed, c.allowed, `case ${i}`);
  }
});
