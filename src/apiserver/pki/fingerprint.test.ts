import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { certFingerprintSha256 } from './fingerprint.ts';
import { createCertificateAuthority, issueClientCert } from './issue.ts';

const ca = await createCertificateAuthority();

test('format is sha256:<64 hex>', () => {
  assert.match(certFingerprintSha256(ca.cert), /^sha256:[0-9a-f]{64}$/);
});

test('hash covers the public key only: same key, different certificate, same hash', async () => {
  const leaf = await issueClientCert(
    { caCert: ca.cert, caKey: ca.key },
    { commonName: 'x', organizations: [] },
  );
  assert.notEqual(certFingerprintSha256(leaf.cert), certFingerprintSha256(ca.cert));
  const x = new X509Certificate(ca.cert);
  assert.equal(certFingerprintSha256(x.toString()), certFingerprintSha256(ca.cert));
});

test('matches the openssl recipe kubeadm documents', (t) => {
  let spki: Buffer;
  try {
    const pub = execFileSync('openssl', ['x509', '-pubkey', '-noout'], { input: ca.cert });
    spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
  } catch {
    t.skip('openssl not available');
    return;
  }
  const hex = execFileSync('openssl', ['dgst', '-sha256', '-hex'], { input: spki })
    .toString()
    .trim()
    .split(' ')
    .pop();
  assert.equal(certFingerprintSha256(ca.cert), `sha256:${hex}`);
});
