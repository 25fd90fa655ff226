import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterOf, firstPageOf } from './first-page.ts';

test('firstPageOf', () => {
  const cases: [string, string][] = [
    ['/', 'overview'],
    ['/c/local', 'overview'],
    ['/c/local/overview', 'overview'],
    ['/c/local/pods', 'pods'],
    ['/c/local/pods/shop/web-1', 'pod'],
    ['/c/local/services/shop/web', 'service'],
    ['/c/local/ingresses/shop/web', 'ingress'],
    ['/c/local/deployments', 'deployments'],
    ['/c/local/deployments/shop/web', 'detail'],
    ['/c/local/cronjobs/shop/nightly', 'detail'],
    ['/c/local/edit/deployments/shop/web', 'new'],
    ['/c/local/new/deployments', 'new'],
    ['/c/local/yaml/pods/shop/web-1', 'yaml'],
    ['/login', 'login'],
  ];
  for (const [path, want] of cases) assert.equal(firstPageOf(path), want, path);
});

test('clusterOf', () => {
  assert.equal(clusterOf('/c/prod/pods'), 'prod');
  assert.equal(clusterOf('/c/a%20b/pods'), 'a b');
  assert.equal(clusterOf('/login'), 'local');
  assert.equal(clusterOf('/'), 'local');
});
