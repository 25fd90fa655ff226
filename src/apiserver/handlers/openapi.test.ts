import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../../api/kinds/index.ts';
import { OpenApi } from './openapi.ts';

interface Op {
  operationId: string;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
  parameters?: { name: string; in: string }[];
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Op | unknown>>;
  components: { schemas: Record<string, unknown> };
}

const openapi = new OpenApi(builtinRegistry());

/** Every $ref string anywhere in `v`. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refs(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

test('apps/v1 has a POST for Deployment with its GVK and a fieldValidation parameter', () => {
  const entry = openapi.document('apps', 'v1');
  assert.ok(entry);
  assert.match(entry.hash, /^[0-9A-F]{64}$/);
  const doc = JSON.parse(entry.text) as Doc;
  assert.equal(doc.openapi, '3.0.0');
  const coll = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
  const post = coll?.post as Op;
  assert.ok(post, Object.keys(doc.paths).join('\n'));
  assert.deepEqual(post['x-kubernetes-group-version-kind'], {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
  });
  assert.equal(post['x-kubernetes-action'], 'post');
  assert.ok(post.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']);
  assert.ok(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']);
  assert.ok(doc.paths['/apis/apps/v1/deployments'], 'all-namespaces list');
  assert.ok(doc.components.schemas['io.k8s.api.apps.v1.Deployment']);
});

test('every $ref in every document resolves within components.schemas', () => {
  const registry = builtinRegistry();
  let docs = 0;
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const entry = openapi.document(g.group, v);
      if (!entry) continue;
      docs++;
      const doc = JSON.parse(entry.text) as Doc;
      const all = refs(doc);
      assert.ok(all.length > 0);
      for (const r of all) {
        assert.match(r, /^#\/components\/schemas\//, `${g.group}/${v}: ${r}`);
        const name = r.slice('#/components/schemas/'.length);
        assert.ok(name in doc.components.schemas, `${g.group || 'core'}/${v}: unresolved ${r}`);
      }
    }
  }
  assert.ok(docs >= 10);
});

test('the index points at each document by hash; documents are memoized', () => {
  const index = JSON.parse(openapi.index()) as { paths: Record<string, { serverRelativeURL: string }> };
  const apps = index.paths['apis/apps/v1'];
  assert.equal(
    apps.serverRelativeURL,
    `/openapi/v3/apis/apps/v1?hash=${openapi.document('apps', 'v1')!.hash}`,
  );
  assert.ok(index.paths['api/v1']);
  assert.equal(openapi.document('apps', 'v1'), openapi.document('apps', 'v1'));
  assert.equal(openapi.document('apps', 'v7'), undefined);
});
