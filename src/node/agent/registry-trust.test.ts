/** trustRegistry writes the CA, the node's key pair (key 0600) and a hosts.toml naming them both for the [host] entry and for `server`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRegistryAddress, trustRegistry } from './registry-trust.ts';

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
