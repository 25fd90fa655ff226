import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCertificateAuthority } from '../apiserver/pki/issue.ts';
import { htpasswd, tlsPem } from './secrets.ts';
import { secret } from './testing.ts';

test('TLS secrets: certificate must parse and match its key', async () => {
  const one = await createCertificateAuthority('one');
  const two = await createCertificateAuthority('two');
  const ok = tlsPem(secret('s', 'kubernetes.io/tls', { 'tls.crt': one.cert, 'tls.key': one.key }), 'd/s');
  assert.ok(ok.ok && ok.content.includes('BEGIN CERTIFICATE') && ok.content.includes('PRIVATE KEY'));
  const cases: [Parameters<typeof tlsPem>[0], RegExp][] = [
    [undefined, /not found/],
    [secret('s', 'Opaque', { 'tls.crt': one.cert, 'tls.key': one.key }), /want kubernetes.io\/tls/],
    [secret('s', 'kubernetes.io/tls', { 'tls.crt': one.cert }), /lacks/],
    [secret('s', 'kubernetes.io/tls', { 'tls.crt': one.cert, 'tls.key': two.key }), /does not match/],
    [secret('s', 'kubernetes.io/tls', { 'tls.crt': 'garbage', 'tls.key': one.key }), /d\/s/],
  ];
  for (const [s, want] of cases) {
    const r = tlsPem(s, 'd/s');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, want);
  }
});

test('htpasswd: auth-file and auth-map, every line user:hash', () => {
  const file = { secretNamespace: 'd', secretName: 'u', secretType: 'auth-file' as const, realm: 'r' };
  const map = { ...file, secretType: 'auth-map' as const };
  assert.deepEqual(htpasswd(secret('u', 'Opaque', { auth: 'a:{SHA}x\r\nb:$apr1$y$z\n' }), file), {
    ok: true,
    content: 'a:{SHA}x\nb:$apr1$y$z\n',
  });
  assert.deepEqual(htpasswd(secret('u', 'Opaque', { c: 'hash' }), map), { ok: true, content: 'c:hash\n' });
  for (const [s, want] of [
    [secret('u', 'Opaque', { auth: 'no-colon' }), /not user:hash/],
    [secret('u', 'Opaque', { auth: 'a: b' }), /not user:hash/],
    [secret('u', 'Opaque', { other: 'x' }), /no "auth" key/],
    [secret('u', 'Opaque', { auth: '\n' }), /no users/],
    [undefined, /not found/],
  ] as const) {
    const r = htpasswd(s, file);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, want);
  }
});
