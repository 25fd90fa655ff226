import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority } from './issue.ts';
import { ensureComponentCert } from './component-cert.ts';

test('a component certificate is issued once by the cluster CA and reused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ca = await createCertificateAuthority();
  const spec = {
    file: 'controller-manager',
    commonName: 'system:kube-controller-manager',
    organizations: ['system:masters'],
  };
  const first = await ensureComponentCert(join(dir, 'tls'), { caCert: ca.cert, caKey: ca.key }, spec);
  const cert = new X509Certificate(first.cert);
  assert.match(cert.subject, /CN=system:kube-controller-manager/);
  assert.match(cert.subject, /O=system:masters/);
  assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey), 'signed by the cluster CA');
  assert.equal(statSync(join(dir, 'tls', 'controller-manager.key')).mode & 0o777, 0o600);
  const again = await ensureComponentCert(join(dir, 'tls'), { caCert: ca.cert, caKey: ca.key }, spec);
  assert.deepEqual(again, first);
});
