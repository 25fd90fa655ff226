import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from '../../apiserver/pki/issue.ts';
import { createCertificateRequest, type CsrSubject } from '../../apiserver/pki/csr.ts';
import { Client } from '../../client/client.ts';
import { FakeClock } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { informerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { ControllerContext } from '../types.ts';
import { autoApproval, csrApprovingController } from './approver.ts';
import { apiserverClientSigner, kubeletClientSigner, kubeletServingSigner, type Csr } from './csr.ts';
import { csrSigningController } from './signer.ts';

const G = 'certificates.k8s.io';
const R = 'certificatesigningrequests';

function rig() {
  const api = new FakeApi([
    ...defaultFakeResources,
    { group: G, version: 'v1', resource: R, kind: 'CertificateSigningRequest', namespaced: false },
  ]);
  const client = new Client(api);
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const informers = informerFactory(client, { clock, logger: silentLogger });
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => new EventRecorder({ client, component, clock, logger: silentLogger }),
    log: silentLogger,
    clock,
    signal: new AbortController().signal,
  };
  const seed = async (csr: Csr): Promise<Csr> => {
    const created = await client.resource<Csr>(G, 'v1', R).create(undefined, csr);
    api.actions.length = 0;
    informers.forResource<Csr>(G, 'v1', R).store.upsert(created);
    return created;
  };
  const stored = async (name: string) => client.resource<Csr>(G, 'v1', R).get(undefined, name);
  return { api, ctx, seed, stored, informers };
}

const nodeSubject: CsrSubject = { commonName: 'system:node:n1', organizations: ['system:nodes'] };

async function csr(
  name: string,
  o: {
    subject?: CsrSubject;
    signer?: string;
    usages?: string[];
    user?: string;
    groups?: string[];
    approved?: boolean;
    seconds?: number;
  } = {},
): Promise<Csr> {
  const { csr: pem } = await createCertificateRequest(o.subject ?? nodeSubject);
  return {
    apiVersion: `${G}/v1`,
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: {
      request: Buffer.from(pem).toString('base64'),
      signerName: o.signer ?? kubeletClientSigner,
      usages: o.usages ?? ['digital signature', 'client auth'],
      username: o.user ?? 'system:bootstrap:abcdef',
      groups: o.groups ?? ['system:bootstrappers', 'system:authenticated'],
      ...(o.seconds ? { expirationSeconds: o.seconds } : {}),
    },
    ...(o.approved ? { status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test' }] } } : {}),
  };
}

test('approver: which requests are auto-approved', async () => {
  const cases: [string, Csr, boolean][] = [
    ['bootstrap token, node subject', await csr('a'), true],
    ['renewal by the same node', await csr('b', { user: 'system:node:n1', groups: ['system:nodes'] }), true],
    [
      'another node asking for n1',
      await csr('c', { user: 'system:node:n2', groups: ['system:nodes'] }),
      false,
    ],
    ['ordinary user', await csr('d', { user: 'alice', groups: ['system:authenticated'] }), false],
    [
      'wrong organization',
      await csr('e', { subject: { commonName: 'system:node:n1', organizations: ['system:masters'] } }),
      false,
    ],
    [
      'not a node name',
      await csr('f', { subject: { commonName: 'admin', organizations: ['system:nodes'] } }),
      false,
    ],
    ['server usage', await csr('g', { usages: ['digital signature', 'server auth'] }), false],
    ['another signer', await csr('h', { signer: apiserverClientSigner }), false],
    ['already approved', await csr('i', { approved: true }), false],
  ];
  for (const [name, c, want] of cases) assert.equal(!!(await autoApproval(c)), want, name);
});

test('approver: reconcile approves through the approval subresource', async () => {
  const r = rig();
  const c = csrApprovingController();
  c.init(r.ctx);
  await r.seed(await csr('node-csr-1'));
  await c.reconcile('node-csr-1');
  assert.deepEqual(
    r.api.actions.map((a) => [a.verb, a.name, a.subresource]),
    [['patch', 'node-csr-1', 'approval']],
  );
  const got = await r.stored('node-csr-1');
  assert.equal(got.status?.conditions?.[0]?.type, 'Approved');
  assert.equal(got.status?.conditions?.[0]?.reason, 'AutoApproved');
});

test('approver: a request from a plain user stays pending (no writes)', async () => {
  const r = rig();
  const c = csrApprovingController();
  c.init(r.ctx);
  await r.seed(await csr('user-csr', { user: 'alice', groups: ['system:authenticated'] }));
  await c.reconcile('user-csr');
  assert.deepEqual(r.api.actions, []);
});

test('signer: issues a certificate from the CA for an approved node request', async () => {
  const ca = await createCertificateAuthority();
  const r = rig();
  const s = csrSigningController({ ca: { caCert: ca.cert, caKey: ca.key }, signingDurationSeconds: 7200 });
  s.init(r.ctx);
  await r.seed(await csr('node-csr-1', { approved: true, seconds: 86400 }));
  await s.reconcile('node-csr-1');
  assert.deepEqual(
    r.api.actions.map((a) => [a.verb, a.subresource]),
    [['update', 'status']],
  );
  const got = await r.stored('node-csr-1');
  const cert = new X509Certificate(Buffer.from(got.status!.certificate!, 'base64'));
  assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey));
  assert.match(cert.subject, /CN=system:node:n1/);
  const life = Date.parse(cert.validTo) - Date.now();
  assert.ok(life <= 7200_000 && life > 7000_000, 'capped by the signing duration');
});

test('signer: leaves pending and denied requests alone; marks invalid ones Failed', async () => {
  const ca = await createCertificateAuthority();
  const r = rig();
  const s = csrSigningController({ ca: { caCert: ca.cert, caKey: ca.key } });
  s.init(r.ctx);
  await r.seed(await csr('pending'));
  await s.reconcile('pending');
  assert.deepEqual(r.api.actions, []);
  await r.seed(
    await csr('bad', {
      approved: true,
      subject: { commonName: 'system:node:n1', organizations: ['system:masters'] },
    }),
  );
  await s.reconcile('bad');
  const got = await r.stored('bad');
  assert.equal(got.status?.certificate, undefined);
  const failed = got.status?.conditions?.find((c) => c.type === 'Failed');
  assert.equal(failed?.reason, 'SignerValidationFailure');
  assert.match(failed?.message ?? '', /organization/);
});

test('signer: kube-apiserver-client requests get a user certificate', async () => {
  const ca = await createCertificateAuthority();
  const r = rig();
  const s = csrSigningController({ ca: { caCert: ca.cert, caKey: ca.key } });
  s.init(r.ctx);
  await r.seed(
    await csr('alice', {
      approved: true,
      signer: apiserverClientSigner,
      subject: { commonName: 'alice', organizations: ['dev'] },
    }),
  );
  await s.reconcile('alice');
  const got = await r.stored('alice');
  assert.match(new X509Certificate(Buffer.from(got.status!.certificate!, 'base64')).subject, /CN=alice/);
});

const servingSubject = (o: { dns?: string[]; ips?: string[] } = {}): CsrSubject => ({
  ...nodeSubject,
  dnsNames: o.dns ?? ['n1'],
  ips: o.ips ?? ['10.0.0.5'],
});
const nodeN1 = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  status: {
    addresses: [
      { type: 'InternalIP', address: '10.0.0.5' },
      { type: 'Hostname', address: 'n1' },
    ],
  },
};

test('approver: kubelet-serving requests are approved only for the node itself and its own addresses', async () => {
  const self = { signer: kubeletServingSigner, user: 'system:node:n1', groups: ['system:nodes'] };
  const usages = ['digital signature', 'server auth'];
  const cases: [string, Csr, boolean][] = [
    ['own names', await csr('a', { ...self, usages, subject: servingSubject() }), true],
    ['IP only', await csr('b', { ...self, usages, subject: servingSubject({ dns: [] }) }), true],
    [
      'an IP the node does not have',
      await csr('c', { ...self, usages, subject: servingSubject({ ips: ['10.0.0.5', '10.0.0.6'] }) }),
      false,
    ],
    [
      'a DNS name the node does not have',
      await csr('d', { ...self, usages, subject: servingSubject({ dns: ['api.example.com'] }) }),
      false,
    ],
    [
      'another node asking',
      await csr('e', { ...self, user: 'system:node:n2', usages, subject: servingSubject() }),
      false,
    ],
    [
      'a bootstrap token asking',
      await csr('f', { signer: kubeletServingSigner, usages, subject: servingSubject() }),
      false,
    ],
    [
      'client usage',
      await csr('g', { ...self, usages: ['digital signature', 'client auth'], subject: servingSubject() }),
      false,
    ],
    ['no names at all', await csr('h', { ...self, usages, subject: nodeSubject }), false],
  ];
  const lookup = (name: string) => (name === 'n1' ? nodeN1 : undefined);
  for (const [name, c, want] of cases) assert.equal(!!(await autoApproval(c, lookup)), want, name);
  // Without the Node (not registered yet) nothing is approved.
  assert.equal(await autoApproval(cases[0][1]), undefined);
});

test('signer: kubelet-serving certificates carry the requested names and server auth', async () => {
  const ca = await createCertificateAuthority();
  const r = rig();
  const s = csrSigningController({ ca: { caCert: ca.cert, caKey: ca.key } });
  s.init(r.ctx);
  await r.seed(
    await csr('serving', {
      approved: true,
      signer: kubeletServingSigner,
      usages: ['digital signature', 'server auth'],
      subject: servingSubject(),
    }),
  );
  await s.reconcile('serving');
  const got = await r.stored('serving');
  const cert = new X509Certificate(Buffer.from(got.status!.certificate!, 'base64'));
  assert.equal(cert.subjectAltName, 'DNS:n1, IP Address:10.0.0.5');
  assert.equal(cert.checkIP('10.0.0.5'), '10.0.0.5');
  assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey));
  // A client request never gets names copied in.
  await r.seed(await csr('client', { approved: true }));
  await s.reconcile('client');
  const client = await r.stored('client');
  assert.equal(
    new X509Certificate(Buffer.from(client.status!.certificate!, 'base64')).subjectAltName,
    undefined,
  );
});

test('signer: the API server kubelet-client name is never issued through a CSR', async () => {
  const ca = await createCertificateAuthority();
  const r = rig();
  const s = csrSigningController({ ca: { caCert: ca.cert, caKey: ca.key } });
  s.init(r.ctx);
  await r.seed(
    await csr('impostor', {
      approved: true,
      signer: apiserverClientSigner,
      subject: { commonName: 'kube-apiserver-kubelet-client', organizations: [] },
    }),
  );
  await s.reconcile('impostor');
  const got = await r.stored('impostor');
  assert.equal(got.status?.certificate, undefined);
  assert.match(got.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? '', /reserved/);
});
