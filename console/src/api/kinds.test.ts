import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionOf, clusterUrl, kindByApiVersion, kindByResource, kinds, resourcePath } from './kinds.ts';

const paths: { name: string; got: string; want: string }[] = [
  { name: 'core collection, all namespaces', got: resourcePath(kinds.pods), want: '/api/v1/pods' },
  {
    name: 'core namespaced',
    got: resourcePath(kinds.pods, { namespace: 'shop', name: 'web-1' }),
    want: '/api/v1/namespaces/shop/pods/web-1',
  },
  {
    name: 'group collection in a namespace',
    got: resourcePath(kinds.deployments, { namespace: 'shop' }),
    want: '/apis/apps/v1/namespaces/shop/deployments',
  },
  {
    name: 'subresource',
    got: resourcePath(kinds.deployments, { namespace: 'a', name: 'web', subresource: 'scale' }),
    want: '/apis/apps/v1/namespaces/a/deployments/web/scale',
  },
  {
    name: 'cluster-scoped ignores namespace',
    got: resourcePath(kinds.namespaces, { namespace: 'x', name: 'shop' }),
    want: '/api/v1/namespaces/shop',
  },
  {
    name: 'names are escaped',
    got: resourcePath(kinds.configmaps, { namespace: 'a', name: 'a/b' }),
    want: '/api/v1/namespaces/a/configmaps/a%2Fb',
  },
  {
    name: 'proxy URL with query',
    got: clusterUrl('local', '/api/v1/pods', { watch: '1', resourceVersion: '5', x: undefined }),
    want: '/api/clusters/local/k8s/api/v1/pods?watch=1&resourceVersion=5',
  },
];
for (const p of paths) test(`resourcePath: ${p.name}`, () => assert.equal(p.got, p.want));

test('kind lookups', () => {
  assert.equal(kindByResource('deployments'), kinds.deployments);
  assert.equal(kindByResource('toString'), undefined);
  assert.equal(kindByApiVersion('apps/v1', 'Deployment'), kinds.deployments);
  assert.equal(kindByApiVersion('v1', 'ConfigMap'), kinds.configmaps);
  assert.equal(kindByApiVersion('v1', 'Deployment'), undefined);
  assert.equal(apiVersionOf(kinds.jobs), 'batch/v1');
  assert.equal(apiVersionOf(kinds.pods), 'v1');
});
