import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detailLink, filterByName, yamlLink } from './links.ts';

test('yamlLink: namespaced, cluster-scoped, escaped', () => {
  assert.equal(yamlLink('local', 'pods', 'shop', 'web-1'), '/c/local/yaml/pods/shop/web-1');
  assert.equal(yamlLink('local', 'namespaces', undefined, 'shop'), '/c/local/yaml/namespaces/_/shop');
  assert.equal(yamlLink('local', 'configmaps', 'a', 'x y'), '/c/local/yaml/configmaps/a/x%20y');
});

test('filterByName', () => {
  const items = [
    { metadata: { name: 'web' } },
    { metadata: { name: 'Web-2' } },
    { metadata: { name: 'db' } },
  ];
  assert.equal(filterByName(items, '  '), items);
  assert.deepEqual(
    filterByName(items, 'WEB').map((o) => o.metadata.name),
    ['web', 'Web-2'],
  );
});

test('detailLink', () => {
  assert.equal(detailLink('local', 'deployments', 'shop', 'web'), '/c/local/deployments/shop/web');
  assert.equal(detailLink('a b', 'jobs', 'n', 'x/y'), '/c/a%20b/jobs/n/x%2Fy');
});
