import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from './issue.ts';
import { createCertificateRequest, parseCertificateRequest, signCertificateRequest } from './csr.ts';
import { publicKeyDerOfPrivate } from './keys.ts';

test('a request round-trips: subject, key, and a client certificate signed by the CA', async () => {
  const ca = await createCertificateAuthority();
  const { csr, key } = await createCertificateRequest({
    commonName: 'system:node:n1',
    organizations: ['system:nodes'],
  });
  const parsed = await parseCertificateRequest(csr);
  assert.equal(parsed.commonName, 'system:node:n1');
  assert.deepEqual(parsed.organizations, ['system:nodes']);
  assert.deepEqual(parsed.subjectAltNames, []);
  assert.ok(parsed.publicKeyDer.equals(publicKeyDerOfPrivate(key)));

  const pem = await signCertificateRequest({ caCert: ca.cert, caKey: ca.key }, csr, {
    seconds: 3600,
    usages: ['digital signature', 'client auth'],
  });
  const cert = new X509Certificate(pem);
  const caX = new X509Certificate(ca.cert);
  assert.ok(cert.checkIssued(caX) && cert.verify(caX.publicKey));
  assert.match(cert.subject, /CN=system:node:n1/);
  assert.match(cert.subject, /O=system:nodes/);
  assert.ok(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKeyDerOfPrivate(key)));
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const lifetime = Date.parse(cert.validTo) - Date.now();
  assert.ok(lifetime > 3500_000 && lifetime <= 3600_000, String(lifetime));
});

test('garbage and tampered requests are refused', async () => {
  await assert.rejects(
    parseCertificateRequest('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'),
    /not a PKCS#10/,
  );
  const { csr } = await createCertificateRequest({ commonName: 'a', organizations: [] });
  const body = csr.split('\n').slice(1, -2).join('');
  const der = Buffer.from(body, 'base64');
  der[der.length - 5] ^= 0xff; // flip a bit in the signature
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  await assert.rejects(parseCertificateRequest(tampered), /does not verify|not a PKCS#10/);
});
