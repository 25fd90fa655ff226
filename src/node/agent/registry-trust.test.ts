/** trustRegistry writes the CA, the node's key pair (key 0600) and a hosts.toml naming them both for the [host] entry and for `server`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../../client/client.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { registryInfoName, registryInfoNamespace } from '../../registry/discovery.ts';
import { discoverRegistry, parseRegistryAddress, trustRegistry } from './registry-trust.ts';

test('trustRegistry writes the CA, the client pair and hosts.toml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-trust-'));
  try {
    const path = trustRegistry({
      certsDir: dir,
      address: '10.0.0.1:5000',
      caCert: 'CA',
      clientCert: 'CERT',
      clientKey: 'KEY',
    });
    const d = join(dir, '10.0.0.1:5000');
    assert.equal(path, join(d, 'hosts.toml'));
    assert.equal(readFileSync(join(d, 'ca.crt'), 'utf8'), 'CA');
    assert.equal(readFileSync(join(d, 'client.key'), 'utf8'), 'KEY');
    assert.equal(statSync(join(d, 'client.key')).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    const client = `client = [["${d}/client.crt", "${d}/client.key"]]`;
    // Top level (for `server`, asked again after a 404) and in the [host] entry.
    assert.match(text, new RegExp(`^server = "https://10\\.0\\.0\\.1:5000"\\nca = "${d}/ca.crt"\\n`));
    assert.equal(text.split(client).length, 3);
    assert.equal(text.split(`ca = "${d}/ca.crt"`).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseRegistryAddress wants HOST:PORT', () => {
  assert.equal(parseRegistryAddress('127.0.0.1:5000'), '127.0.0.1:5000');
  for (const bad of ['127.0.0.1', 'https://x:5000', 'x:0', 'x:70000', '../x:1'])
    assert.throws(() => parseRegistryAddress(bad), /--registry: expected HOST:PORT/);
});

test('discoverRegistry: the published HOST:PORT, or nothing (with a warning when unusable)', async () => {
  const warnings: string[] = [];
  const log = { warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
  const api = new FakeApi();
  const client = new Client(api);
  assert.equal(await discoverRegistry(client, log), undefined, 'nothing published');
  assert.deepEqual(warnings, []);
  const cms = client.resource('', 'v1', 'configmaps');
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: registryInfoName, namespace: registryInfoNamespace },
  };
  await cms.create(registryInfoNamespace, { ...cm, data: { address: 'not an address' } });
  assert.equal(await discoverRegistry(client, log), undefined);
  assert.equal(warnings.length, 1);
  await cms.update(registryInfoNamespace, { ...cm, data: { address: '10.0.0.1:5000' } });
  assert.equal(await discoverRegistry(client, log), '10.0.0.1:5000');
  api.reactors.push(() => ({ status: 500, headers: {}, body: Buffer.from('boom') }));
  assert.equal(await discoverRegistry(client, log), undefined, 'an unreachable API does not stop the agent');
  assert.equal(warnings.length, 2);
});
