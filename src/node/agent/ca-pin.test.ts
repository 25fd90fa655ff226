import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { certFingerprintSha256 } from '../../apiserver/pki/fingerprint.ts';
import { createCertificateAuthority, issueServingCert, type IssuedCert } from '../../apiserver/pki/issue.ts';
import { caFromChain, parsePin, pinnedCa, PinError, spkiPin } from './ca-pin.ts';

let ca: IssuedCert;
let other: IssuedCert;
let leaf: IssuedCert;
let server: tls.Server;
let url = '';

before(async () => {
  ca = await createCertificateAuthority();
  other = await createCertificateAuthority('other-ca');
  leaf = await issueServingCert(
    { caCert: ca.cert, caKey: ca.key },
    { dnsNames: ['localhost'], ips: ['127.0.0.1'] },
  );
  server = tls.createServer({ cert: `${leaf.cert.trimEnd()}\n${ca.cert}`, key: leaf.key }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('spkiPin equals the pin berth token create prints', () => {
  assert.equal(spkiPin(new X509Certificate(ca.cert)), certFingerprintSha256(ca.cert));
});

test('parsePin accepts sha256:<64 hex> (any case) only', () => {
  const hex = 'A'.repeat(64);
  assert.equal(parsePin(`sha256:${hex}`), `sha256:${hex.toLowerCase()}`);
  for (const bad of ['sha1:abcd', `sha256:${'a'.repeat(63)}`, 'a'.repeat(64)])
    assert.throws(() => parsePin(bad), /--ca-cert-hash/);
});

test('caFromChain: finds the pinned CA and checks it issued the leaf', () => {
  const chain = [new X509Certificate(leaf.cert), new X509Certificate(ca.cert)];
  assert.equal(caFromChain(chain, certFingerprintSha256(ca.cert)).fingerprint256, chain[1]!.fingerprint256);
  assert.throws(
    () => caFromChain(chain, certFingerprintSha256(other.cert)),
    (e: unknown) => e instanceof PinError && /does not match/.test(e.message),
  );
  // A chain that presents the pinned CA next to a leaf it did not issue (a man in the middle).
  const forged = [new X509Certificate(leaf.cert), new X509Certificate(other.cert)];
  assert.throws(() => caFromChain(forged, certFingerprintSha256(other.cert)), /not issued by/);
  assert.throws(() => caFromChain(chain, certFingerprintSha256(leaf.cert)), /not a CA/);
  assert.throws(() => caFromChain([], certFingerprintSha256(ca.cert)), /no certificate/);
});

test('pinnedCa over a real TLS connection returns the CA PEM', async () => {
  const pem = await pinnedCa(url, certFingerprintSha256(ca.cert));
  assert.equal(new X509Certificate(pem).fingerprint256, new X509Certificate(ca.cert).fingerprint256);
  await assert.rejects(pinnedCa(url, certFingerprintSha256(other.cert)), PinError);
  await assert.rejects(pinnedCa(url.replace('https', 'http'), certFingerprintSha256(ca.cert)), /https/);
});
