import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '../client/client.ts';
import { httpTransport, type HttpTransport } from '../client/http.ts';
import { startControlPlane, type ControlPlane } from '../apiserver/start.ts';
import type { Logger } from '../apiserver/server.ts';
import type { KubeObject } from '../api/object.ts';
import { startManagerThread, type ManagerThreadRole } from './manager-thread.ts';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir = '';
let cp: ControlPlane;
let transport: HttpTransport;
let admin: Client;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-manager-thread-'));
  cp = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, log });
  transport = httpTransport(
    { context: 'admin', server: 'http://in-process', insecureSkipTlsVerify: false, namespace: 'default' },
    {
      agent: cp.server.inProcess.agent({ name: 'admin', groups: ['system:masters', 'system:authenticated'] }),
    },
  );
  admin = new Client(transport);
});
after(async () => {
  transport.close();
  await cp.close();
  await rm(dir, { recursive: true, force: true });
});

const start = (role: ManagerThreadRole) =>
  startManagerThread(
    {
      role,
      url: cp.localUrl,
      caCert: cp.pki.caCert,
      caKey: cp.pki.caKey,
      pkiDir: cp.pki.dir,
      serviceAccountSigningKey: cp.pki.saPrivateKey,
      controllers: {},
      logLevel: 'warn',
    },
    { log },
  );

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const holder = async (lease: string): Promise<string> => {
  const l = await admin.resource('coordination.k8s.io', 'v1', 'leases').get('kube-system', lease);
  return ((l.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '') as string;
};

test('the scheduler thread binds a pod over HTTPS as system:kube-scheduler and releases its Lease on stop', async () => {
  const scheduler = await start('scheduler');
  try {
    await admin.resource('', 'v1', 'nodes').create(undefined, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      status: {
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    } as KubeObject);
    await admin.resource('', 'v1', 'pods').create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    } as KubeObject);
    const node = await until('the pod to be bound', async () => {
      const p = await admin.resource('', 'v1', 'pods').get('default', 'p1');
      return (p.spec as { nodeName?: string }).nodeName;
    });
    assert.equal(node, 'n1');
    // Its own client certificate, issued once into the PKI directory.
    assert.ok((await readdir(cp.pki.dir)).includes('kube-scheduler-client.crt'));
    assert.notEqual(await holder('kube-scheduler'), '');
  } finally {
    await scheduler.stop();
  }
  assert.equal(await holder('kube-scheduler'), '', 'the Lease is released on stop');
});

test('the controller-manager thread runs the controllers with their own service-account certificates', async () => {
  const cm = await start('controller-manager');
  try {
    // The service-account controller creates `default` in a new namespace.
    await admin.resource('', 'v1', 'namespaces').create(undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'thread-test' },
    });
    await until('the default ServiceAccount', async () => {
      try {
        return await admin.resource('', 'v1', 'serviceaccounts').get('thread-test', 'default');
      } catch {
        return undefined;
      }
    });
    const files = await readdir(cp.pki.dir);
    assert.ok(files.includes('sa-service-account-controller-client.crt'), files.join(', '));
  } finally {
    await cm.stop();
  }
  assert.equal(await holder('kube-controller-manager'), '');
});
