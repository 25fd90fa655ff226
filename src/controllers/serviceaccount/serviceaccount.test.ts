import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwt } from 'jose';
import type { KubeObject } from '../../api/object.ts';
import { generateKeyPair, privateKeyToPem } from '../../apiserver/pki/keys.ts';
import { Rig } from '../endpointslice/testing.ts';
import { rootCaPublisher } from './root-ca.ts';
import { serviceAccountsController } from './serviceaccounts.ts';
import { tokensController } from './tokens.ts';

const signingKey = await privateKeyToPem((await generateKeyPair()).privateKey);
const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const nsObj = (name: string, terminating = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
  status: { phase: terminating ? 'Terminating' : 'Active' },
});

const decode = (v: string | undefined): string => Buffer.from(v ?? '', 'base64').toString('utf8');

test('every active namespace gets a default ServiceAccount, again after it is deleted; terminating ones do not', async () => {
  const rig = new Rig();
  const c = serviceAccountsController();
  c.init(rig.ctx);
  await rig.seed('namespaces', nsObj('team-a'));
  await rig.seed('namespaces', nsObj('leaving', true));
  rig.reset();
  await c.reconcile('team-a');
  await c.reconcile('leaving');
  await c.reconcile('missing');
  assert.deepEqual(rig.writes(), ['create serviceaccounts']);
  const [sa] = rig.stored('serviceaccounts', 'team-a');
  assert.equal(sa!.metadata.name, 'default');

  rig.syncCache('serviceaccounts');
  rig.reset();
  await c.reconcile('team-a');
  assert.deepEqual(rig.writes(), []);
  await rig.client.resource('', 'v1', 'serviceaccounts').delete('team-a', 'default');
  rig.syncCache('serviceaccounts'); // the DELETED event enqueues the namespace
  assert.equal(c.queued(), 1);
  rig.reset();
  await c.reconcile('team-a');
  assert.deepEqual(rig.writes(), ['create serviceaccounts']);
});

test('the root CA ConfigMap is created in active namespaces and edits to it are put back', async () => {
  const rig = new Rig();
  const c = rootCaPublisher(caPem);
  c.init(rig.ctx);
  await rig.seed('namespaces', nsObj('team-a'));
  await rig.seed('namespaces', nsObj('leaving', true));
  await c.reconcile('team-a');
  await c.reconcile('leaving');
  const cms = rig.stored<KubeObject & { data?: Record<string, string> }>('configmaps');
  assert.deepEqual(
    cms.map((cm) => `${cm.metadata.namespace}/${cm.metadata.name}`),
    ['team-a/kube-root-ca.crt'],
  );
  assert.deepEqual(cms[0]!.data, { 'ca.crt': caPem });

  rig.syncCache('configmaps');
  rig.reset();
  await c.reconcile('team-a');
  assert.deepEqual(rig.writes(), []);
  await rig.client
    .resource('', 'v1', 'configmaps')
    .patch('team-a', 'kube-root-ca.crt', 'merge', { data: { 'ca.crt': 'tampered', extra: 'x' } });
  rig.syncCache('configmaps');
  assert.equal(c.queued(), 1);
  rig.reset();
  await c.reconcile('team-a');
  assert.deepEqual(rig.writes(), ['update configmaps/kube-root-ca.crt']);
  assert.deepEqual(rig.stored<KubeObject & { data?: unknown }>('configmaps')[0]!.data, { 'ca.crt': caPem });
});

async function tokenSetup() {
  const rig = new Rig();
  const c = tokensController({ signingKey, caPem });
  c.init(rig.ctx);
  const sa = await rig.seed<KubeObject>('serviceaccounts', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'bot', namespace: 'ns1' },
  });
  const secret = await rig.seed<KubeObject>('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'bot-token',
      namespace: 'ns1',
      annotations: { 'kubernetes.io/service-account.name': 'bot' },
    },
    type: 'kubernetes.io/service-account-token',
  });
  return { rig, c, sa, secret };
}

type SecretObj = KubeObject & { data?: Record<string, string> };

test('a token Secret gets a legacy token, ca.crt, namespace and the account uid; a second pass writes nothing', async () => {
  const { rig, c, sa } = await tokenSetup();
  rig.reset();
  await c.reconcile('ns1/bot-token');
  assert.deepEqual(rig.writes(), ['update secrets/bot-token']);
  const [s] = rig.stored<SecretObj>('secrets', 'ns1');
  assert.equal(decode(s!.data?.['ca.crt']), caPem);
  assert.equal(decode(s!.data?.namespace), 'ns1');
  assert.equal(s!.metadata.annotations?.['kubernetes.io/service-account.uid'], sa.metadata.uid);
  const claims = decodeJwt(decode(s!.data?.token));
  assert.equal(claims.iss, 'kubernetes/serviceaccount');
  assert.equal(claims.sub, 'system:serviceaccount:ns1:bot');
  assert.equal(claims['kubernetes.io/serviceaccount/secret.name'], 'bot-token');
  assert.equal(claims.exp, undefined);

  rig.syncCache('secrets');
  rig.reset();
  await c.reconcile('ns1/bot-token');
  assert.deepEqual(rig.writes(), []);
});

test('token Secrets go with their ServiceAccount, and when it is replaced under the same name', async () => {
  for (const how of ['deleted', 'replaced'] as const) {
    const { rig, c, sa } = await tokenSetup();
    await c.reconcile('ns1/bot-token');
    rig.syncCache('secrets');
    await rig.client.resource('', 'v1', 'serviceaccounts').delete('ns1', 'bot');
    if (how === 'replaced')
      await rig.client.resource('', 'v1', 'serviceaccounts').create('ns1', { metadata: { name: 'bot' } });
    rig.event('serviceaccounts', 'DELETED', sa);
    assert.equal(c.queued(), 1, how);
    rig.reset();
    await c.reconcile('ns1/bot-token');
    assert.deepEqual(
      rig.writes().filter((w) => w.startsWith('delete')),
      ['delete secrets/bot-token'],
      how,
    );
  }
});

test('a cache that has not seen the ServiceAccount yet does not get its Secret deleted', async () => {
  const rig = new Rig();
  const c = tokensController({ signingKey, caPem });
  c.init(rig.ctx);
  await rig.client.resource('', 'v1', 'serviceaccounts').create('ns1', { metadata: { name: 'bot' } });
  await rig.seed('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 't', namespace: 'ns1', annotations: { 'kubernetes.io/service-account.name': 'bot' } },
    type: 'kubernetes.io/service-account-token',
  });
  await rig.seed('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'plain', namespace: 'ns1' },
    type: 'Opaque',
  });
  rig.reset();
  await c.reconcile('ns1/t');
  await c.reconcile('ns1/plain');
  assert.deepEqual(rig.writes(), ['update secrets/t']);
});
