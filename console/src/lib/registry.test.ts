import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, pushCommands, registryUrls, shortDigest } from './registry.ts';

test('formatBytes uses binary units', () => {
  for (const [n, want] of [
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
  ] as const)
    assert.equal(formatBytes(n), want);
});

test('shortDigest keeps the algorithm and 12 hex digits', () => {
  assert.equal(shortDigest(`sha256:${'ab'.repeat(32)}`), 'sha256:abababababab…');
  assert.equal(shortDigest('sha256:abc'), 'sha256:abc');
});

test('push commands name this registry and the namespace', () => {
  const c = pushCommands('127.0.0.1:5000', 'admin', 'team');
  assert.match(c.berth, /^berth image push \S+ 127\.0\.0\.1:5000\/team\/NAME:TAG$/);
  assert.match(c.skopeo, /skopeo login --username admin 127\.0\.0\.1:5000/);
  assert.match(c.docker, /docker push 127\.0\.0\.1:5000\/team\/NAME:TAG/);
  assert.match(pushCommands('h:1', 'admin').berth, /h:1\/NAMESPACE\/NAME:TAG/);
});

test('repository URLs escape each path segment but keep the slashes', () => {
  assert.equal(registryUrls.tag('team/app', 'v1'), '/api/registry/api/v1/repositories/team/app/tags/v1');
  assert.equal(registryUrls.repositories('a b'), '/api/registry/api/v1/namespaces/a%20b/repositories');
});
