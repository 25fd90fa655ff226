import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedPath, RegistryLink, registryMessage } from './registry-link.ts';

const digest = `sha256:${'a'.repeat(64)}`;

test('only the management API and manifest deletes pass to the registry', () => {
  const cases: [string, string, boolean][] = [
    ['GET', '/api/v1/namespaces', true],
    ['GET', '/api/v1/namespaces/team/repositories?q=app', true],
    ['DELETE', '/api/v1/repositories/team/app/tags/v1', true],
    ['DELETE', `/v2/team/app/manifests/${digest}`, true],
    ['GET', `/v2/team/app/manifests/${digest}`, false],
    ['DELETE', '/v2/team/app/manifests/latest', false],
    ['GET', '/api/v1/whoami', false],
    ['GET', '/token?service=x', false],
    ['GET', '/api/v1/namespaces/../../token', false],
    ['GET', '/api/v1/namespaces/%2e%2e/x', false],
    ['GET', '/api/v1/repositories/a%2fb', false],
  ];
  for (const [method, path, ok] of cases)
    assert.equal(allowedPath(method, path) !== undefined, ok, `${method} ${path}`);
});

test('registry errors read as their message', () => {
  assert.equal(registryMessage('{"errors":[{"code":"DENIED","message":"no"}]}', 403), 'no');
  assert.equal(registryMessage('{"errors":[{"code":"DENIED"}]}', 403), 'DENIED');
  assert.equal(registryMessage('<html>', 502), 'the registry answered HTTP 502');
});

test('info shows the address when attached and the reason when off, never the password', () => {
  const link = new RegistryLink();
  assert.equal(link.info().enabled, false);
  link.attach({
    url: 'https://127.0.0.1:5000',
    address: '127.0.0.1:5000',
    caCert: '',
    username: 'admin',
    password: 'secret',
  });
  assert.deepEqual(link.info(), {
    enabled: true,
    address: '127.0.0.1:5000',
    url: 'https://127.0.0.1:5000',
    username: 'admin',
  });
  assert.ok(!JSON.stringify(link.info()).includes('secret'));
  link.off('turned off with --no-registry');
  assert.deepEqual(link.info(), { enabled: false, reason: 'turned off with --no-registry' });
  link.close();
});
