import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createCertificateAuthority, issueClientCert, issueServingCert } from './issue.ts';
import { publicKeyDerOfPrivate } from './keys.ts';

const ca = await createCertificateAuthority();
const authority = { caCert: ca.cert, caKey: ca.key };
const caX509 = new X509Certificate(ca.cert);

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  return cert.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKeyDerOfPrivate(keyPem));
}

test('CA is self-signed, marked CA, P-256, ten years', () => {
  assert.equal(caX509.subject, 'CN=berth-ca');
  assert.equal(caX509.ca, true);
  assert.ok(caX509.checkIssued(caX509));
  assert.ok(caX509.verify(caX509.publicKey));
  assert.equal(caX509.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const years = (new Date(caX509.validTo).getTime() - Date.now()) / (365 * 24 * 3600 * 1000);
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
  assert.ok(keyMatches(caX509, ca.key));
  assert.match(ca.key, /^-----BEGIN PRIVATE KEY-----\n/);
});

test('client certificates carry CN and one O per group, for client auth only', async (t) => {
  const cases = [
    { commonName: 'admin', organizations: ['system:masters'], days: undefined, wantDays: 365 },
    { commonName: 'system:node:n1', organizations: ['system:nodes', 'edge'], days: 30, wantDays: 30 },
    { commonName: 'alice', organizations: [], days: 1, wantDays: 1 },
  ];
  for (const c of cases) {
    await t.test(c.commonName, async () => {
      const issued = await issueClientCert(authority, c);
      const cert = new X509Certificate(issued.cert);
      const want = [`CN=${c.commonName}`, ...c.organizations.map((o) => `O=${o}`)].join('\n');
      assert.equal(cert.subject, want);
      assert.equal(cert.issuer, 'CN=berth-ca');
      assert.ok(cert.checkIssued(caX509) && cert.verify(caX509.publicKey));
      assert.equal(cert.ca, false);
      assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
      assert.ok(keyMatches(cert, issued.key));
      const days = (new Date(cert.validTo).getTime() - Date.now()) / (24 * 3600 * 1000);
      assert.ok(Math.abs(days - c.wantDays) < 0.01, `validity ${days} days`);
      assert.ok(new Date(cert.validFrom).getTime() < Date.now());
    });
  }
});

test('serving certificates carry the requested SANs, for server auth', async () => {
  const issued = await issueServingCert(authority, {
    dnsNames: ['localhost', 'kubernetes'],
    ips: ['127.0.0.1', '::1'],
  });
  const cert = new X509Certificate(issued.cert);
  assert.equal(cert.subject, 'CN=berth-apiserver');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(cert.checkHost('kubernetes'), 'kubernetes');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkHost('example.com'), undefined);
  assert.ok(cert.verify(caX509.publicKey));
  assert.ok(keyMatches(cert, issued.key));
});

test('a CA key in SEC1 form ("EC PRIVATE KEY") signs too', async () => {
  const sec1 = createPrivateKey(ca.key).export({ type: 'sec1', format: 'pem' }).toString();
  assert.match(sec1, /EC PRIVATE KEY/);
  const issued = await issueClientCert(
    { caCert: ca.cert, caKey: sec1 },
    { commonName: 'bob', organizations: [] },
  );
  assert.ok(new X509Certificate(issued.cert).verify(caX509.publicKey));
});

test('certificates from another CA do not verify against this one', async () => {
  const other = await createCertificateAuthority('other-ca');
  const issued = await issueClientCert(
    { caCert: other.cert, caKey: other.key },
    { commonName: 'eve', organizations: [] },
  );
  const cert = new X509Certificate(issued.cert);
  assert.equal(cert.verify(caX509.publicKey), false);
});
