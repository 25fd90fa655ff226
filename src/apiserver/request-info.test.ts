import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.ts';
import { requestInfo, type RequestInfo } from './request-info.ts';

const res = (
  verb: string,
  group: string,
  version: string,
  namespace: string,
  resource: string,
  name = '',
  subresource = '',
): RequestInfo => ({
  isResourceRequest: true,
  verb: verb as 'get',
  group,
  version,
  namespace,
  resource,
  name,
  subresource,
});

const nonRes = (verb: string, path: string): RequestInfo => ({ isResourceRequest: false, verb, path });

const cases: [string, string, string, RequestInfo][] = [
  // Core group, namespaced.
  ['GET', '/api/v1/namespaces/default/pods', '', res('list', '', 'v1', 'default', 'pods')],
  ['GET', '/api/v1/namespaces/default/pods/web', '', res('get', '', 'v1', 'default', 'pods', 'web')],
  ['HEAD', '/api/v1/namespaces/default/pods/web', '', res('get', '', 'v1', 'default', 'pods', 'web')],
  ['POST', '/api/v1/namespaces/default/pods', '', res('create', '', 'v1', 'default', 'pods')],
  ['PUT', '/api/v1/namespaces/default/pods/web', '', res('update', '', 'v1', 'default', 'pods', 'web')],
  ['PATCH', '/api/v1/namespaces/default/pods/web', '', res('patch', '', 'v1', 'default', 'pods', 'web')],
  ['DELETE', '/api/v1/namespaces/default/pods/web', '', res('delete', '', 'v1', 'default', 'pods', 'web')],
  ['DELETE', '/api/v1/namespaces/default/pods', '', res('deletecollection', '', 'v1', 'default', 'pods')],
  ['delete', '/api/v1/namespaces/default/pods', '', res('deletecollection', '', 'v1', 'default', 'pods')],
  // Subresources.
  [
    'PUT',
    '/api/v1/namespaces/default/pods/web/status',
    '',
    res('update', '', 'v1', 'default', 'pods', 'web', 'status'),
  ],
  [
    'GET',
    '/api/v1/namespaces/default/pods/web/log',
    '',
    res('get', '', 'v1', 'default', 'pods', 'web', 'log'),
  ],
  // Stream subresources: a GET (WebSocket upgrade) is authorized as create, like POST (SPDY).
  ...(['exec', 'attach', 'portforward'] as const).flatMap((sub): [string, string, string, RequestInfo][] => [
    [
      'GET',
      `/api/v1/namespaces/default/pods/web/${sub}`,
      '',
      res('create', '', 'v1', 'default', 'pods', 'web', sub),
    ],
    [
      'POST',
      `/api/v1/namespaces/default/pods/web/${sub}`,
      '',
      res('create', '', 'v1', 'default', 'pods', 'web', sub),
    ],
  ]),
  [
    'GET',
    '/apis/example.com/v1/namespaces/default/pods/web/exec',
    '',
    res('get', 'example.com', 'v1', 'default', 'pods', 'web', 'exec'),
  ],
  [
    'POST',
    '/api/v1/namespaces/default/pods/web/eviction',
    '',
    res('create', '', 'v1', 'default', 'pods', 'web', 'eviction'),
  ],
  [
    'PATCH',
    '/apis/apps/v1/namespaces/prod/deployments/api/scale',
    '',
    res('patch', 'apps', 'v1', 'prod', 'deployments', 'api', 'scale'),
  ],
  // Watch via the query, collection and single object.
  ['GET', '/api/v1/namespaces/default/pods', 'watch=true', res('watch', '', 'v1', 'default', 'pods')],
  ['GET', '/api/v1/namespaces/default/pods', 'watch=1', res('watch', '', 'v1', 'default', 'pods')],
  ['GET', '/api/v1/namespaces/default/pods', 'watch=false', res('list', '', 'v1', 'default', 'pods')],
  [
    'GET',
    '/api/v1/namespaces/default/pods/web',
    'watch=true',
    res('watch', '', 'v1', 'default', 'pods', 'web'),
  ],
  ['GET', '/api/v1/pods', 'watch=true&resourceVersion=5', res('watch', '', 'v1', '', 'pods')],
  // All namespaces and cluster-scoped resources.
  ['GET', '/api/v1/pods', '', res('list', '', 'v1', '', 'pods')],
  ['GET', '/api/v1/nodes/n1', '', res('get', '', 'v1', '', 'nodes', 'n1')],
  ['PATCH', '/api/v1/nodes/n1/status', '', res('patch', '', 'v1', '', 'nodes', 'n1', 'status')],
  [
    'GET',
    '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    '',
    res('list', 'rbac.authorization.k8s.io', 'v1', '', 'clusterroles'),
  ],
  [
    'DELETE',
    '/apis/storage.k8s.io/v1/storageclasses',
    '',
    res('deletecollection', 'storage.k8s.io', 'v1', '', 'storageclasses'),
  ],
  // The namespaces resource itself and its own subresources.
  ['GET', '/api/v1/namespaces', '', res('list', '', 'v1', '', 'namespaces')],
  ['GET', '/api/v1/namespaces/x', '', res('get', '', 'v1', '', 'namespaces', 'x')],
  ['DELETE', '/api/v1/namespaces/x', '', res('delete', '', 'v1', '', 'namespaces', 'x')],
  ['PUT', '/api/v1/namespaces/x/status', '', res('update', '', 'v1', '', 'namespaces', 'x', 'status')],
  ['PUT', '/api/v1/namespaces/x/finalize', '', res('update', '', 'v1', '', 'namespaces', 'x', 'finalize')],
  ['GET', '/api/v1/namespaces', 'watch=true', res('watch', '', 'v1', '', 'namespaces')],
  // A namespaced resource named like a namespace subresource is still namespaced.
  ['GET', '/api/v1/namespaces/status/pods', '', res('list', '', 'v1', 'status', 'pods')],
  // Named groups.
  [
    'GET',
    '/apis/apps/v1/namespaces/default/deployments',
    '',
    res('list', 'apps', 'v1', 'default', 'deployments'),
  ],
  [
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    '',
    res('create', 'authorization.k8s.io', 'v1', '', 'selfsubjectaccessreviews'),
  ],
  // Trailing slashes and escaped names.
  ['GET', '/api/v1/namespaces/default/pods/', '', res('list', '', 'v1', 'default', 'pods')],
  [
    'GET',
    '/api/v1/namespaces/default/configmaps/a%3Ab',
    '',
    res('get', '', 'v1', 'default', 'configmaps', 'a:b'),
  ],
  // Non-resource paths.
  ['GET', '/api', '', nonRes('get', '/api')],
  ['GET', '/api/v1', '', nonRes('get', '/api/v1')],
  ['GET', '/apis', '', nonRes('get', '/apis')],
  ['GET', '/apis/apps', '', nonRes('get', '/apis/apps')],
  ['GET', '/apis/apps/v1', '', nonRes('get', '/apis/apps/v1')],
  ['GET', '/version', '', nonRes('get', '/version')],
  ['GET', '/openapi/v3/apis/apps/v1', '', nonRes('get', '/openapi/v3/apis/apps/v1')],
  ['POST', '/metrics', '', nonRes('post', '/metrics')],
  [
    'GET',
    '/api/v1/namespaces/default/pods/web/log/extra',
    '',
    nonRes('get', '/api/v1/namespaces/default/pods/web/log/extra'),
  ],
  ['OPTIONS', '/api/v1/pods', '', nonRes('options', '/api/v1/pods')],
];

test('requestInfo maps method, path and query to a RequestInfo', () => {
  for (const [method, path, query, want] of cases) {
    assert.deepEqual(
      requestInfo(method, path, new URLSearchParams(query)),
      want,
      `${method} ${path}?${query}`,
    );
  }
});

// A malformed escape must become a 400 Status (it once escaped as a URIError and crashed the server).
test('a malformed percent-escape is not a raw URIError', () => {
  let out: RequestInfo | undefined;
  try {
    out = requestInfo('GET', '/api/v1/namespaces/default/pods/%zz', new URLSearchParams());
  } catch (err) {
    assert.ok(err instanceof StatusError && err.code === 400, `threw ${String(err)}`);
    return;
  }
  assert.ok(out);
});
