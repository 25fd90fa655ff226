/** trustRegistry writes the CA, the node's key pair (key 0600) and a hosts.toml naming them both for the [host] entry and for `server`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../../client/client.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { registryInfoName, registryInfoNamespace } from '../../registry/discovery.ts';
import { discoverRegistry, followRegistry, parseRegistryAddress, trustRegistry } from './registry-trust.ts';

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

test('followRegistry trusts each published address in turn and removes the previous one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-follow-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const api = new FakeApi();
  const client = new Client(api);
  const cms = client.resource('', 'v1', 'configmaps');
  const meta = { name: registryInfoName, namespace: registryInfoNamespace };
  await cms.create(registryInfoNamespace, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta,
    data: { address: '10.0.0.1:5000' },
  });
  const warnings: string[] = [];
  const log = { warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
  const trust = { certsDir: dir, caCert: 'CA', clientCert: 'CERT', clientKey: 'KEY' };
  const hosts = (a: string) => join(dir, a, 'hosts.toml');
  // (The fake API has no single-object watch, so this follows by re-reading: see discovery.test.ts for the watch.)
  const w = await followRegistry(client, log, trust, { retryMs: 10, pollMs: 10 });
  t.after(() => w.stop());
  assert.ok(existsSync(hosts('10.0.0.1:5000')), 'trusted before the first pods start');

  const move = async (address: string) => {
    const cur = await cms.get(registryInfoNamespace, registryInfoName);
    await cms.update(registryInfoNamespace, { ...cur, data: { address } });
  };
  await move('10.0.0.1:5001'); // the registry restarted on another port
  await until(() => existsSync(hosts('10.0.0.1:5001')));
  assert.equal(existsSync(join(dir, '10.0.0.1:5000')), false, 'the old address is no longer trusted');
  assert.match(readFileSync(hosts('10.0.0.1:5001'), 'utf8'), /server = "https:\/\/10\.0\.0\.1:5001"/);

  await move('not an address');
  await until(() => warnings.some((m) => /no usable HOST:PORT/.test(m)));
  assert.ok(existsSync(hosts('10.0.0.1:5001')), 'an unusable value keeps the last good address');

  await cms.delete(registryInfoNamespace, registryInfoName);
  await until(() => !existsSync(join(dir, '10.0.0.1:5001')));
});

async function until(fn: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
