import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client/client.ts';
import { defaultFakeResources, FakeApi } from '../client/fake-api.ts';
import type { Attributes } from '../apiserver/authz/authorizer.ts';
import { rulesAllow } from '../apiserver/authz/rules.ts';
import type { PolicyRule } from '../apiserver/authz/rules.ts';
import {
  discoverRegistryAddress,
  publishRegistryAddress,
  registryInfoName,
  registryInfoNamespace,
  registryInfoObjects,
} from './discovery.ts';

const rbac = 'rbac.authorization.k8s.io';
const fake = (): FakeApi =>
  new FakeApi([
    ...defaultFakeResources,
    { group: rbac, version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
    { group: rbac, version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  ]);

test('berth up publishes the address once and rewrites it only when it changes', async () => {
  const api = fake();
  const client = new Client(api);
  assert.equal(await discoverRegistryAddress(client), undefined, 'nothing published yet');
  await publishRegistryAddress(client, '127.0.0.1:5000');
  assert.equal(await discoverRegistryAddress(client), '127.0.0.1:5000');
  assert.equal(api.list('configmaps', registryInfoNamespace).length, 1);
  assert.equal(api.list('roles', registryInfoNamespace).length, 1);
  assert.equal(api.list('rolebindings', registryInfoNamespace).length, 1);

  const before = api.writes().length;
  await publishRegistryAddress(client, '127.0.0.1:5000');
  assert.equal(api.writes().length, before, 'an unchanged address writes nothing');

  await publishRegistryAddress(client, '10.0.0.5:5443');
  assert.deepEqual(
    api
      .writes()
      .slice(before)
      .map((w) => [w.verb, w.resource, w.name]),
    [['update', 'configmaps', registryInfoName]],
  );
  assert.equal(await discoverRegistryAddress(client), '10.0.0.5:5443');
});

test('an agent that may not read the ConfigMap, or finds it empty, gets no address', async () => {
  const api = fake();
  const client = new Client(api);
  await publishRegistryAddress(client, '127.0.0.1:5000');
  api.reactors.push((_req, a) =>
    a.resource === 'configmaps' && a.verb === 'get'
      ? {
          status: 403,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(
            JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'Forbidden',
              code: 403,
            }),
          ),
        }
      : undefined,
  );
  assert.equal(await discoverRegistryAddress(client), undefined);

  const other = fake();
  const c2 = new Client(other);
  await c2.resource('', 'v1', 'configmaps').create(registryInfoNamespace, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: registryInfoName, namespace: registryInfoNamespace },
    data: {},
  });
  assert.equal(await discoverRegistryAddress(c2), undefined);
});

test('the published Role lets nodes get that one ConfigMap and nothing else', () => {
  const role = registryInfoObjects('127.0.0.1:5000').find(([, r]) => r === 'roles')![2];
  const binding = registryInfoObjects('127.0.0.1:5000').find(([, r]) => r === 'rolebindings')![2];
  assert.deepEqual(binding.subjects, [{ apiGroup: rbac, kind: 'Group', name: 'system:nodes' }]);
  const rules = role.rules as PolicyRule[];
  const node = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
  const at = (verb: string, name: string | undefined, resource = 'configmaps'): Attributes => ({
    user: node,
    verb,
    isResourceRequest: true,
    group: '',
    resource,
    namespace: registryInfoNamespace,
    ...(name ? { name } : {}),
  });
  const cases: [string, Attributes, boolean][] = [
    ['get berth-registry', at('get', registryInfoName), true],
    ['get another ConfigMap', at('get', 'cluster-info-x'), false],
    ['list ConfigMaps', at('list', undefined), false],
    ['watch berth-registry', at('watch', registryInfoName), false],
    ['update berth-registry', at('update', registryInfoName), false],
    ['get a Secret of that name', at('get', registryInfoName, 'secrets'), false],
  ];
  for (const [name, a, want] of cases) assert.equal(rulesAllow(a, rules), want, name);
});
