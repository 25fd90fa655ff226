import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki, pkiFiles } from './cluster-pki.ts';
import type { ClusterPki } from './cluster-pki.ts';
import { createCertificateAuthority, issueServingCert } from './issue.ts';
import { defaultServingNames, subjectAltNames } from './sans.ts';

async function freshDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'berth-pki-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  return join(base, 'pki');
}

function mode(s: { mode: number }): number {
  return s.mode & 0o777;
}

test('first call creates every file with tight modes, and returns what it wrote', async (t) => {
  const dir = await freshDir(t);
  const pki = await ensureClusterPki(dir, { hostnames: ['api.example'], ips: ['192.0.2.7'] });
  assert.equal(pki.dir, dir);
  assert.equal(mode(await stat(dir)), 0o700);
  const fields = Object.keys(pkiFiles) as (keyof typeof pkiFiles)[];
  for (const field of fields) {
    const file = join(dir, pkiFiles[field]);
    assert.equal(await readFile(file, 'utf8'), pki[field], field);
    const isKey =
      field === 'caKey' || field === 'serverKey' || field === 'adminKey' || field === 'saPrivateKey';
    if (isKey) assert.equal(mode(await stat(file)), 0o600, `${field} mode`);
  }

  const ca = new X509Certificate(pki.caCert);
  assert.equal(ca.subject, 'CN=berth-ca');
  const admin = new X509Certificate(pki.adminCert);
  assert.equal(admin.subject, 'CN=admin\nO=system:masters');
  assert.ok(admin.verify(ca.publicKey));

  const sans = subjectAltNames(pki.serverCert);
  for (const n of ['localhost', 'kubernetes.default.svc.cluster.local', 'api.example'])
    assert.ok(sans.dnsNames.includes(n), n);
  for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.0.2.7']) assert.ok(sans.ips.includes(ip), ip);
  assert.ok(new X509Certificate(pki.serverCert).verify(ca.publicKey));

  const derived = createPublicKey(pki.saPrivateKey).export({ type: 'spki', format: 'pem' }).toString();
  assert.equal(pki.saPublicKey, derived);
  assert.equal(createPublicKey(pki.saPublicKey).asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('later calls load the same material without re-issuing', async (t) => {
  const dir = await freshDir(t);
  const first = await ensureClusterPki(dir);
  const second = await ensureClusterPki(dir);
  assert.deepEqual(second, first);
});

interface Case {
  name: string;
  /** Mutates the directory (or picks options) between the two calls. */
  between: (dir: string, first: ClusterPki) => Promise<{ hostnames?: string[] } | void>;
  reissued: (keyof ClusterPki)[];
  check?: (second: ClusterPki) => void;
}

const cases: Case[] = [
  {
    name: 'a newly needed host name re-issues only the serving certificate',
    between: async () => ({ hostnames: ['new.example'] }),
    reissued: ['serverCert', 'serverKey'],
    check: (p) => assert.ok(subjectAltNames(p.serverCert).dnsNames.includes('new.example')),
  },
  {
    name: 'a serving certificate expiring within 30 days is re-issued',
    between: async (dir, first) => {
      const soon = await issueServingCert(
        { caCert: first.caCert, caKey: first.caKey },
        { ...defaultServingNames(), days: 10 },
      );
      await writeFile(join(dir, pkiFiles.serverKey), soon.key);
      await writeFile(join(dir, pkiFiles.serverCert), soon.cert);
    },
    reissued: ['serverCert', 'serverKey'],
    check: (p) => {
      const days = (new Date(new X509Certificate(p.serverCert).validTo).getTime() - Date.now()) / 86_400_000;
      assert.ok(days > 300, `validity ${days} days`);
    },
  },
  {
    name: 'a serving certificate from another CA is re-issued',
    between: async (dir) => {
      const other = await createCertificateAuthority('other');
      const foreign = await issueServingCert({ caCert: other.cert, caKey: other.key }, defaultServingNames());
      await writeFile(join(dir, pkiFiles.serverKey), foreign.key);
      await writeFile(join(dir, pkiFiles.serverCert), foreign.cert);
    },
    reissued: ['serverCert', 'serverKey'],
  },
  {
    name: 'a lost admin key re-issues the admin pair',
    between: async (dir) => unlink(join(dir, pkiFiles.adminKey)),
    reissued: ['adminCert', 'adminKey'],
  },
  {
    name: 'a lost sa.pub is rewritten from sa.key',
    between: async (dir) => unlink(join(dir, pkiFiles.saPublicKey)),
    reissued: [],
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const dir = await freshDir(t);
    const first = await ensureClusterPki(dir);
    const opts = (await c.between(dir, first)) ?? {};
    const second = await ensureClusterPki(dir, opts);
    for (const field of Object.keys(pkiFiles) as (keyof typeof pkiFiles)[]) {
      if (c.reissued.includes(field)) assert.notEqual(second[field], first[field], `${field} should change`);
      else assert.equal(second[field], first[field], `${field} should stay`);
      assert.equal(await readFile(join(dir, pkiFiles[field]), 'utf8'), second[field], `${field} on disk`);
    }
    c.check?.(second);
  });
}

test('a half-present CA is an error, never silently replaced', async (t) => {
  const dir = await freshDir(t);
  await ensureClusterPki(dir);
  await unlink(join(dir, pkiFiles.caKey));
  await assert.rejects(ensureClusterPki(dir), /ca\.crt and ca\.key must both exist/);
});

test('a CA key that does not match the CA certificate is an error', async (t) => {
  const dir = await freshDir(t);
  await ensureClusterPki(dir);
  const other = await createCertificateAuthority('other');
  await writeFile(join(dir, pkiFiles.caKey), other.key);
  await assert.rejects(ensureClusterPki(dir), /does not belong/);
});

test('concurrent first calls share one run', async (t) => {
  const dir = await freshDir(t);
  const [a, b] = await Promise.all([ensureClusterPki(dir), ensureClusterPki(dir)]);
  assert.equal(a.caCert, b.caCert);
  assert.equal(await readFile(join(dir, pkiFiles.caCert), 'utf8'), a.caCert);
});
