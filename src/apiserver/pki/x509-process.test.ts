import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { createCertificateAuthority, issueClientCert } from './issue.ts';
import { inX509Process, x509ProcessPid } from './x509-process.ts';

const loadedHere = (): string[] =>
  Object.keys(createRequire(import.meta.url).cache).filter((p) => p.includes('@peculiar'));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

test('certificates are issued in a child process: @peculiar/x509 never loads in this one', async () => {
  assert.equal(inX509Process, false);
  const ca = await createCertificateAuthority('test-ca', 30);
  const pid = x509ProcessPid();
  assert.ok(pid && pid !== process.pid, `child pid ${pid}`);
  const leaf = await issueClientCert(
    { caCert: ca.cert, caKey: ca.key },
    { commonName: 'u', organizations: ['g'] },
  );
  assert.ok(new X509Certificate(leaf.cert).checkIssued(new X509Certificate(ca.cert)));
  assert.deepEqual(loadedHere(), []);
});

test('the child exits once idle, and the next call starts a new one', async () => {
  await createCertificateAuthority('first', 1);
  const first = x509ProcessPid();
  assert.ok(first);
  assert.ok(await waitFor(() => x509ProcessPid() === undefined, 10_000), 'the idle child did not go away');
  const ca = await createCertificateAuthority('second', 1);
  assert.match(new X509Certificate(ca.cert).subject, /CN=second/);
  assert.notEqual(x509ProcessPid(), first);
});

test('a command that issues a certificate exits on its own (the child does not keep it up)', () => {
  const issue = new URL('./issue.ts', import.meta.url).href;
  const out = execFileSync(
    process.execPath,
    [
      '--no-warnings',
      '--input-type=module',
      '-e',
      `const { createCertificateAuthority } = await import(${JSON.stringify(issue)});
       const ca = await createCertificateAuthority('cli', 1);
       process.stdout.write(ca.cert.split('\\n')[0]);`,
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(out, '-----BEGIN CERTIFICATE-----');
});

test('a first start warms the child up; a data dir with its certificates starts none', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { ensureClusterPki, warmIssuingIfFirstStart } = await import('./cluster-pki.ts');
  const dir = mkdtempSync(join(tmpdir(), 'pki-warm-'));
  try {
    assert.ok(await waitFor(() => x509ProcessPid() === undefined, 10_000), 'an earlier child is still up');
    warmIssuingIfFirstStart(dir);
    const warmed = x509ProcessPid();
    assert.ok(warmed, 'no child started for an empty data dir');
    // The calls of the first start go to the warm child.
    await ensureClusterPki(dir);
    assert.equal(x509ProcessPid(), warmed);
    assert.ok(await waitFor(() => x509ProcessPid() === undefined, 10_000), 'the idle child did not go away');
    warmIssuingIfFirstStart(dir);
    assert.equal(x509ProcessPid(), undefined, 'a restart with its certificates must not start the child');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
