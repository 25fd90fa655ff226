import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseManifest, toYaml } from './yaml.ts';
import { deploymentTemplate } from './forms.ts';
import { kinds } from '../api/kinds.ts';

test('toYaml drops managedFields unless asked, and round-trips', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'd', managedFields: [{ manager: 'kubectl' }] },
    data: { 'a.conf': 'line1\nline2\n', port: '8080' },
  };
  const text = toYaml(obj);
  assert.doesNotMatch(text, /managedFields/);
  assert.deepEqual(parse(text), { ...obj, metadata: { name: 'c', namespace: 'd' } });
  assert.match(toYaml(obj, { managedFields: true }), /managedFields/);
  // The input object is left alone.
  assert.equal(obj.metadata.managedFields.length, 1);
});

const cases: { name: string; text: string; ns?: string; error?: RegExp; path?: string }[] = [
  {
    name: 'the starter template',
    text: deploymentTemplate('shop'),
    path: '/apis/apps/v1/namespaces/shop/deployments',
  },
  {
    name: 'namespace defaults to the one chosen',
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    ns: 'team-a',
    path: '/api/v1/namespaces/team-a/configmaps',
  },
  {
    name: 'cluster-scoped kind',
    text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n',
    path: '/api/v1/namespaces',
  },
  {
    name: 'JSON works too',
    text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"}}',
    path: '/api/v1/namespaces/n/pods',
  },
  { name: 'empty', text: '\n# nothing\n', error: /empty/ },
  { name: 'two documents', text: 'a: 1\n---\nb: 2\n', error: /several documents/ },
  { name: 'syntax error names the line', text: 'apiVersion: v1\nkind: [\n', error: /line \d+/ },
  { name: 'a list is not an object', text: '- a\n- b\n', error: /mapping/ },
  { name: 'no kind', text: 'apiVersion: v1\nmetadata: {name: a}\n', error: /kind are required/ },
  { name: 'no name', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', error: /metadata.name/ },
  {
    name: 'unknown kind',
    text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n',
    error: /cannot create Widget/,
  },
];

for (const c of cases) {
  test(`parseManifest: ${c.name}`, () => {
    const r = parseManifest(c.text, c.ns);
    if (c.error) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, c.error);
    } else {
      assert.equal(r.ok, true, r.ok ? '' : r.error);
      if (r.ok) assert.equal(r.collectionPath, c.path);
    }
  });
}

test('parseManifest returns the parsed object and kind', () => {
  const r = parseManifest(deploymentTemplate('shop'));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.kind, kinds.deployments);
  assert.equal(r.namespace, 'shop');
  assert.equal((r.object.spec as { replicas: number }).replicas, 2);
});
