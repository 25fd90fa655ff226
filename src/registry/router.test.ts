import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute } from './router.ts';

test('paths map to endpoints, multi-segment names included', () => {
  const d = `sha256:${'c'.repeat(64)}`;
  const cases: [string, ReturnType<typeof matchRoute>][] = [
    ['/v2/', { kind: 'base' }],
    ['/v2', { kind: 'base' }],
    ['/v2/_catalog', { kind: 'catalog' }],
    ['/v2/a/b/c/tags/list', { kind: 'tags', name: 'a/b/c' }],
    ['/v2/ns/app/manifests/latest', { kind: 'manifest', name: 'ns/app', reference: 'latest' }],
    [`/v2/ns/app/manifests/${d.replace(':', '%3A')}`, { kind: 'manifest', name: 'ns/app', reference: d }],
    [`/v2/ns/app/blobs/${d}`, { kind: 'blob', name: 'ns/app', digest: d }],
    ['/v2/ns/app/blobs/uploads/', { kind: 'uploads', name: 'ns/app' }],
    ['/v2/ns/app/blobs/uploads', { kind: 'uploads', name: 'ns/app' }],
    ['/v2/ns/app/blobs/uploads/abc', { kind: 'upload', name: 'ns/app', id: 'abc' }],
    [`/v2/ns/app/referrers/${d}`, { kind: 'referrers', name: 'ns/app', digest: d }],
    ['/v2/manifests/x/manifests/v1', { kind: 'manifest', name: 'manifests/x', reference: 'v1' }],
    ['/v1/x', undefined],
    ['/v2/ns/app/other/x', undefined],
    ['/v2/ns/app/manifests/%E0%A4%A', undefined],
  ];
  for (const [path, want] of cases) assert.deepEqual(matchRoute(path), want, path);
});
