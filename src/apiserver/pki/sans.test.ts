import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname, networkInterfaces } from 'node:os';
import { createCertificateAuthority, issueServingCert } from './issue.ts';
import { canonicalIp, defaultServingNames, missingSubjectAltNames, subjectAltNames } from './sans.ts';

test('canonicalIp', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalIp(input), want, input);
});

test('defaultServingNames covers loopback, interfaces, host name, kubernetes service and extras', () => {
  const names = defaultServingNames({ hostnames: ['Api.Example.COM'], ips: ['192.0.2.10'] });
  for (const n of [
    'localhost',
    hostname().toLowerCase(),
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    'api.example.com',
  ]) {
    assert.ok(names.dnsNames.includes(n), n);
  }
  const ifaceIps = Object.values(networkInterfaces()).flatMap((a) =>
    (a ?? []).map((x) => canonicalIp(x.address)),
  );
  for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.0.2.10', ...ifaceIps])
    assert.ok(names.ips.includes(ip), ip);
  assert.equal(new Set(names.ips).size, names.ips.length, 'no duplicates');
});

test('missingSubjectAltNames compares canonically and lists only what is absent', async () => {
  const ca = await createCertificateAuthority();
  const issued = await issueServingCert(
    { caCert: ca.cert, caKey: ca.key },
    { dnsNames: ['localhost', 'a.example'], ips: ['127.0.0.1', '0:0:0:0:0:0:0:1'] },
  );
  assert.deepEqual(subjectAltNames(issued.cert), {
    dnsNames: ['localhost', 'a.example'],
    ips: ['127.0.0.1', '::1'],
  });
  const cases: { wanted: { dnsNames: string[]; ips: string[] }; missing: string[] }[] = [
    { wanted: { dnsNames: ['LOCALHOST'], ips: ['::1'] }, missing: [] },
    { wanted: { dnsNames: ['b.example'], ips: [] }, missing: ['b.example'] },
    { wanted: { dnsNames: [], ips: ['10.0.0.1', '127.0.0.1'] }, missing: ['10.0.0.1'] },
  ];
  for (const c of cases) assert.deepEqual(missingSubjectAltNames(issued.cert, c.wanted), c.missing);
});
