import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki } from '../apiserver/pki/cluster-pki.ts';
import { loadKubeconfig, writeKubeconfig } from '../client/kubeconfig.ts';
import { CliError } from './server.ts';
import { createUser } from './user.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-user-'));

before(async () => {
  const pki = await ensureClusterPki(join(dir, 'tls'));
  await writeKubeconfig(join(dir, 'kubeconfig'), {
    server: 'https://127.0.0.1:7443',
    caCertPem: pki.caCert,
    user: { name: 'admin', clientCert: pki.adminCert, clientKey: pki.adminKey },
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('writes DIR/users/NAME.kubeconfig with a CA-signed certificate naming the user and groups', async () => {
  const path = await createUser('alice', { dataDir: dir, group: ['devs', 'ops'] });
  assert.equal(path, join(dir, 'users', 'alice.kubeconfig'));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const kc = await loadKubeconfig(path);
  assert.equal(kc.server, 'https://127.0.0.1:7443');
  assert.equal(kc.context, 'alice@berth');
  const cert = new X509Certificate(kc.clientCert!);
  assert.match(cert.subject, /CN=alice/);
  assert.match(cert.subject, /O=devs/);
  assert.match(cert.subject, /O=ops/);
  assert.ok(cert.verify(new X509Certificate(kc.caCert!).publicKey), 'signed by the cluster CA');
});

test('--out and refusals', async () => {
  const out = join(dir, 'elsewhere', 'bob.yaml');
  assert.equal(await createUser('bob', { dataDir: dir, out }), out);
  await assert.rejects(createUser('a/b', { dataDir: dir }), CliError);
  await assert.rejects(createUser('carol', { dataDir: join(dir, 'missing') }), /no cluster CA certificate/);
});
