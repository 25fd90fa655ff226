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

test('in-process requests carry the bound identity through authorization and admission', async () => {
  const admin = clientAs('system:kube-controller-manager', ['system:masters']);
  const review = await admin.call<{ status: { userInfo: { username: string; groups: string[] } } }>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  assert.equal(review.status.userInfo.username, 'system:kube-controller-manager');
  const cms = admin.resource('', 'v1', 'configmaps');
  const created = await cms.create('default', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'inproc' },
    data: { a: '1' },
  } as KubeObject);
  assert.ok(created.metadata.uid);
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
