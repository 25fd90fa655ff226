import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProxyPath } from './k8s-proxy.ts';

test('parseProxyPath accepts API paths only', () => {
  const cases: [string, { cluster: string; path: string } | undefined][] = [
    ['/api/clusters/local/k8s/api/v1/pods', { cluster: 'local', path: '/api/v1/pods' }],
    ['/api/clusters/local/k8s/api', { cluster: 'local', path: '/api' }],
    [
      '/api/clusters/c-2/k8s/apis/apps/v1/namespaces/a/deployments?watch=1&resourceVersion=5',
      {
        cluster: 'c-2',
        path: '/apis/apps/v1/namespaces/a/deployments?watch=1&resourceVersion=5',
      },
    ],
    ['/api/clusters/local/k8s/version', { cluster: 'local', path: '/version' }],
    ['/api/clusters/local/k8s/healthz', undefined],
    ['/api/clusters/local/k8s/metrics', undefined],
    ['/api/clusters/local/k8s/api/v1/../../metrics', undefined],
    ['/api/clusters/local/k8s/api/v1/namespaces/%2e%2e/%2E%2E/healthz', undefined],
    ['/api/clusters/local/k8s/api/v1/namespaces/a/configmaps/x%2Fy', undefined],
    ['/api/clusters/local/k8s/api/v1/./pods', undefined],
    ['/api/clusters/Local/k8s/api/v1/pods', undefined],
    ['/api/clusters/local/api/v1/pods', undefined],
    ['/api/session', undefined],
  ];
  for (const [url, want] of cases) assert.deepEqual(parseProxyPath(url), want, url);
});
