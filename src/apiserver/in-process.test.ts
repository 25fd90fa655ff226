import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.ts';
import { Client } from '../client/client.ts';
import { httpTransport, type HttpTransport } from '../client/http.ts';
import { StatusError } from '../api/errors.ts';
import type { Logger } from './server.ts';
import { startControlPlane, type ControlPlane } from './start.ts';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir = '';
let cp: ControlPlane;
const transports: HttpTransport[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-inprocess-'));
  cp = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, log });
});
after(async () => {
  for (const t of transports) t.close();
  await cp.close();
  await rm(dir, { recursive: true, force: true });
});

function clientAs(name: string, groups: string[]): Client {
  const t = httpTransport(
    {
      context: 'in-process',
      server: 'http://in-process',
      insecureSkipTlsVerify: false,
      namespace: 'default',
    },
    { agent: cp.server.inProcess.agent({ name, groups: [...groups, 'system:authenticated'] }) },
  );
  transports.push(t);
  return new Client(t);
}

/**
 * Checks that `client` is served as system:kube-controller-manager (SelfSubjectReview) and creates
 * ConfigMap `name` with data a=1 in default; returns the ConfigMap client and the created object.
 */
async function reviewAndCreate(client: Client, name: string) {
  const review = await client.call<{ status: { userInfo: { username: string } } }>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  assert.equal(review.status.userInfo.username, 'system:kube-controller-manager');
  const cms = client.resource('', 'v1', 'configmaps');
  const created = await cms.create('default', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: { a: '1' },
  } as KubeObject);
  assert.ok(created.metadata.uid);
  return { cms, created };
}

test('in-process requests carry the bound identity through authorization and admission', async () => {
  const admin = clientAs('system:kube-controller-manager', ['system:masters']);
  const { cms } = await reviewAndCreate(admin, 'inproc');
  // Validation is the server's: a bad name is refused with the field at fault.
  await assert.rejects(
    cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'Bad_Name' },
    } as KubeObject),
    /metadata\.name/,
  );
  const nobody = clientAs('nobody', []);
  await assert.rejects(
    nobody.resource('', 'v1', 'configmaps').list('default'),
    (err: unknown) => err instanceof StatusError && err.code === 403,
  );
});

test('watches stream over in-process connections', async () => {
  const admin = clientAs('system:kube-controller-manager', ['system:masters']);
  const cms = admin.resource('', 'v1', 'configmaps');
  const list = await cms.list('default');
  const w = await cms.watch('default', { resourceVersion: list.metadata.resourceVersion });
  await cms.create('default', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'watched' },
  } as KubeObject);
  for await (const ev of w) {
    if (ev.type === 'ADDED' && ev.object.metadata.name === 'watched') break;
  }
  w.close();
});

/** A client whose ordinary requests go through `requester` (no HTTP framing), watches over the agent. */
function directClientAs(name: string, groups: string[], userAgent = 'direct-test/1.0'): Client {
  const user = { name, groups: [...groups, 'system:authenticated'] };
  const t = httpTransport(
    {
      context: 'in-process',
      server: 'http://in-process',
      insecureSkipTlsVerify: false,
      namespace: 'default',
    },
    { agent: cp.server.inProcess.agent(user) },
  );
  transports.push(t);
  const direct = cp.server.inProcess.requester(user);
  return new Client({ ...t, request: (req) => direct(req, userAgent) });
}

test('direct in-process requests: same identity, authorization, admission and answers as over a connection', async () => {
  const admin = directClientAs('system:kube-controller-manager', ['system:masters']);
  const { cms, created } = await reviewAndCreate(admin, 'direct');
  assert.equal(
    (created.metadata.managedFields as { manager: string }[] | undefined)?.[0]?.manager,
    'direct-test',
    'the user agent names the field manager',
  );
  const patched = await cms.patch('default', 'direct', 'merge', { data: { b: '2' } });
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  // The answer is the server's own: a network client reads the same object.
  const viaAgent = await clientAs('system:kube-controller-manager', ['system:masters'])
    .resource('', 'v1', 'configmaps')
    .get('default', 'direct');
  assert.equal(viaAgent.metadata.resourceVersion, patched.metadata.resourceVersion);
  // Validation errors, conflicts and missing objects come back as Status errors.
  await assert.rejects(
    cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'Bad_Name' },
    } as KubeObject),
    (err: unknown) => err instanceof StatusError && err.code === 422 && /metadata\.name/.test(err.message),
  );
  await assert.rejects(
    cms.create('default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'direct' },
    } as KubeObject),
    (err: unknown) => err instanceof StatusError && err.code === 409,
  );
  await assert.rejects(
    cms.get('default', 'missing'),
    (err: unknown) => err instanceof StatusError && err.code === 404,
  );
  const malformed = await admin.transport.request({
    method: 'POST',
    path: '/api/v1/namespaces/default/configmaps',
    body: Buffer.from('{"metadata":'),
  });
  assert.equal(malformed.status, 400);
  assert.equal((JSON.parse(malformed.body.toString()) as { kind: string }).kind, 'Status');
  // Authorization is the bound user's.
  const nobody = directClientAs('nobody', []);
  await assert.rejects(
    nobody.resource('', 'v1', 'configmaps').list('default'),
    (err: unknown) =>
      err instanceof StatusError && err.code === 403 && /User "nobody" cannot list/.test(err.message),
  );
  // Discovery and other non-resource paths answer too.
  const discovery = await admin.call<{ kind: string }>({ method: 'GET', path: '/api' });
  assert.equal(discovery.kind, 'APIVersions');
});

test('a direct request after the server closed its in-process side is refused', async () => {
  const dir2 = await mkdtemp(join(tmpdir(), 'berth-inprocess-'));
  const cp2 = await startControlPlane({ dataDir: dir2, host: '127.0.0.1', port: 0, log });
  const direct = cp2.server.inProcess.requester({ name: 'x', groups: ['system:masters'] });
  await cp2.close();
  await assert.rejects(direct({ method: 'GET', path: '/api' }, 'test'), /shutting down/);
  await rm(dir2, { recursive: true, force: true });
});
