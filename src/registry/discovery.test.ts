import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpTransport } from '../client/http.ts';
import { startControlPlane } from '../apiserver/start.ts';
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
  registryInfoReader,
  watchRegistryAddress,
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

test('the published Role lets nodes get and watch that one ConfigMap and nothing else', () => {
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
    ['watch berth-registry', at('watch', registryInfoName), true],
    ['watch every ConfigMap', at('watch', undefined), false],
    ['update berth-registry', at('update', registryInfoName), false],
    ['get a Secret of that name', at('get', registryInfoName, 'secrets'), false],
  ];
  for (const [name, a, want] of cases) assert.equal(rulesAllow(a, rules), want, name);
});

async function until(what: string, fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a node follows the published address through a real API server, with its own RBAC', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-discovery-'));
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const cp = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, log: silent });
  const transports: { close(): void }[] = [];
  t.after(async () => {
    for (const x of transports) x.close();
    await cp.close();
    await rm(dir, { recursive: true, force: true });
  });
  const clientAs = (name: string, groups: string[]): Client => {
    const tr = httpTransport(
      {
        context: 'in-process',
        server: 'http://in-process',
        insecureSkipTlsVerify: false,
        namespace: 'default',
      },
      { agent: cp.server.inProcess.agent({ name, groups: [...groups, 'system:authenticated'] }) },
    );
    transports.push(tr);
    return new Client(tr);
  };
  const admin = clientAs('admin', ['system:masters']);
  const node = clientAs('system:node:n1', ['system:nodes']);
  const cms = admin.resource('', 'v1', 'configmaps');

  // The Role and RoleBinding exist, the address does not (yet). Re-reading is slowed down to a
  // minute, so every change below must come through the watch.
  await publishRegistryAddress(admin, '127.0.0.1:4999');
  await cms.delete(registryInfoNamespace, registryInfoName);
  const seen: (string | undefined)[] = [];
  const w = watchRegistryAddress(node, (a) => seen.push(a), { retryMs: 20, pollMs: 60_000 });
  t.after(() => w.stop());
  await w.ready;
  assert.deepEqual(seen, [undefined], 'nothing published yet');
  await publishRegistryAddress(admin, '127.0.0.1:5000');
  await until('the first address', () => seen.at(-1) === '127.0.0.1:5000');
  // The registry restarted on another port.
  await publishRegistryAddress(admin, '127.0.0.1:5001');
  await until('the moved address', () => seen.at(-1) === '127.0.0.1:5001');
  await cms.delete(registryInfoNamespace, registryInfoName);
  await until('the address withdrawn', () => seen.at(-1) === undefined);
  await publishRegistryAddress(admin, '127.0.0.1:5002');
  await until('published again', () => seen.at(-1) === '127.0.0.1:5002');
  assert.deepEqual(seen, [undefined, '127.0.0.1:5000', '127.0.0.1:5001', undefined, '127.0.0.1:5002']);
  await w.stop();

  // A Role from before watches (get only): the agent re-reads instead; publishing updates the Role.
  const roles = admin.resource('rbac.authorization.k8s.io', 'v1', 'roles');
  const role = await roles.get(registryInfoNamespace, registryInfoReader);
  const older = [
    { apiGroups: [''], resources: ['configmaps'], resourceNames: [registryInfoName], verbs: ['get'] },
  ];
  await roles.update(registryInfoNamespace, { ...role, rules: older });
  const polled: (string | undefined)[] = [];
  const p = watchRegistryAddress(node, (a) => polled.push(a), { retryMs: 20, pollMs: 50 });
  t.after(() => p.stop());
  await until('the address by reading', () => polled.at(-1) === '127.0.0.1:5002');
  await cms.update(registryInfoNamespace, {
    ...(await cms.get(registryInfoNamespace, registryInfoName)),
    data: { address: '127.0.0.1:5003' },
  });
  await until('the change by reading', () => polled.at(-1) === '127.0.0.1:5003');
  await publishRegistryAddress(admin, '127.0.0.1:5004');
  const updated = await roles.get(registryInfoNamespace, registryInfoReader);
  assert.deepEqual(
    (updated.rules as { verbs: string[] }[])[0]!.verbs,
    ['get', 'watch'],
    'the older Role is brought up to date',
  );
});
