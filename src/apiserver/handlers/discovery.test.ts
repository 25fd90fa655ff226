import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../../api/kinds/index.ts';
import { Discovery } from './discovery.ts';

interface Res {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: {
    subresource: string;
    responseKind: { group: string; version: string; kind: string };
    verbs: string[];
  }[];
}
interface Agg {
  kind: string;
  apiVersion: string;
  items: {
    metadata: { name: string };
    versions: { version: string; resources: Res[]; freshness: string }[];
  }[];
}

const discovery = new Discovery(builtinRegistry());

test('aggregated /apis lists deployments with short names, categories and status+scale subresources', () => {
  const doc = JSON.parse(discovery.aggregated(false)) as Agg;
  assert.equal(doc.kind, 'APIGroupDiscoveryList');
  assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.ok(!doc.items.some((g) => g.metadata.name === ''), 'the core group lives under /api');
  const apps = doc.items.find((g) => g.metadata.name === 'apps');
  const v1 = apps?.versions.find((v) => v.version === 'v1');
  const d = v1?.resources.find((r) => r.resource === 'deployments');
  assert.ok(d);
  assert.deepEqual(d.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(d.scope, 'Namespaced');
  assert.equal(d.singularResource, 'deployment');
  assert.ok(d.shortNames?.includes('deploy'));
  assert.ok(d.categories?.includes('all'));
  assert.deepEqual([...d.verbs].sort(), [
    'create',
    'delete',
    'deletecollection',
    'get',
    'list',
    'patch',
    'update',
    'watch',
  ]);
  const status = d.subresources?.find((s) => s.subresource === 'status');
  const scale = d.subresources?.find((s) => s.subresource === 'scale');
  assert.deepEqual(status?.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.deepEqual(scale?.responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.ok(scale?.verbs.includes('patch'));
});

test('aggregated /api holds only the core group with pods and their subresources', () => {
  const doc = JSON.parse(discovery.aggregated(true)) as Agg;
  assert.deepEqual(
    doc.items.map((g) => g.metadata.name),
    [''],
  );
  const pods = doc.items[0].versions[0].resources.find((r) => r.resource === 'pods');
  assert.ok(pods);
  assert.ok(pods.categories?.includes('all'));
  assert.ok(pods.shortNames?.includes('po'));
  const subs = pods.subresources?.map((s) => s.subresource) ?? [];
  for (const s of ['status', 'eviction', 'log', 'exec', 'binding'])
    assert.ok(subs.includes(s), `pods/${s} in ${subs.join()}`);
  const nodes = doc.items[0].versions[0].resources.find((r) => r.resource === 'nodes');
  assert.equal(nodes?.scope, 'Cluster');
});

test('legacy APIResourceList includes pods/eviction as policy/v1 Eviction', () => {
  const list = JSON.parse(discovery.resourceList('', 'v1')!) as {
    kind: string;
    groupVersion: string;
    resources: {
      name: string;
      kind: string;
      group?: string;
      version?: string;
      namespaced: boolean;
      verbs: string[];
      storageVersionHash?: string;
    }[];
  };
  assert.equal(list.kind, 'APIResourceList');
  assert.equal(list.groupVersion, 'v1');
  const ev = list.resources.find((r) => r.name === 'pods/eviction');
  assert.ok(ev);
  assert.equal(ev.group, 'policy');
  assert.equal(ev.version, 'v1');
  assert.equal(ev.kind, 'Eviction');
  assert.ok(ev.verbs.includes('create'));
  assert.equal(ev.namespaced, true);
  const status = list.resources.find((r) => r.name === 'pods/status');
  assert.equal(status?.kind, 'Pod');
  assert.equal(status?.group, undefined, 'same group/version is left out');
  const pods = list.resources.find((r) => r.name === 'pods');
  assert.match(pods?.storageVersionHash ?? '', /^.{11}$/);
  const scale = (JSON.parse(discovery.resourceList('apps', 'v1')!) as typeof list).resources.find(
    (r) => r.name === 'deployments/scale',
  );
  assert.deepEqual([scale?.group, scale?.version, scale?.kind], ['autoscaling', 'v1', 'Scale']);
  assert.equal(discovery.resourceList('apps', 'v9'), undefined);
  assert.equal(discovery.resourceList('nope.example.com', 'v1'), undefined);
});

test('group documents: APIGroupList without the core group; APIGroup per group', () => {
  const groups = JSON.parse(discovery.apiGroupList()) as {
    groups: { name: string; preferredVersion: { groupVersion: string } }[];
  };
  const names = groups.groups.map((g) => g.name);
  assert.ok(!names.includes(''));
  for (const g of ['apps', 'batch', 'policy', 'rbac.authorization.k8s.io', 'coordination.k8s.io'])
    assert.ok(names.includes(g), g);
  assert.equal(groups.groups.find((g) => g.name === 'apps')?.preferredVersion.groupVersion, 'apps/v1');
  const apps = JSON.parse(discovery.apiGroup('apps')!) as { kind: string; name: string };
  assert.deepEqual([apps.kind, apps.name], ['APIGroup', 'apps']);
  assert.equal(discovery.apiGroup(''), undefined);
  assert.equal(discovery.apiGroup('nope'), undefined);
  const versions = JSON.parse(discovery.apiVersions('10.0.0.1:6443')) as {
    versions: string[];
    serverAddressByClientCIDRs: { serverAddress: string }[];
  };
  assert.deepEqual(versions.versions, ['v1']);
  assert.equal(versions.serverAddressByClientCIDRs[0].serverAddress, '10.0.0.1:6443');
});
