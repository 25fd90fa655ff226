/**
 * The client against a real `berth server`: HTTPS with the kubeconfig it wrote, CRUD on
 * ConfigMaps, an informer following changes, leader election on a real Lease, and event
 * aggregation. (The 410 relist path is covered with the fake in informer.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { berthAvailable, startServer, type TestServer } from '../../test/helpers/server.ts';
import type { DeepReadonly, KubeObject } from '../api/object.ts';
import { StatusError } from '../api/errors.ts';
import { Client } from './client.ts';
import { EventRecorder } from './events.ts';
import { httpTransport, type HttpTransport } from './http.ts';
import { deletedObject, SharedInformer } from './informer.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { LeaderElector } from './leader-election.ts';
import { silentLogger } from './logger.ts';

const skip = berthAvailable() ? false : 'berth CLI not built yet';
let server: TestServer;
let transport: HttpTransport;
let client: Client;

before(async () => {
  if (skip) return;
  server = await startServer();
  transport = httpTransport(await loadKubeconfig(server.kubeconfig));
  client = new Client(transport);
});

after(async () => {
  transport?.close();
  await server?.stop();
});

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cm = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { suite: 'client' } },
  data,
});

test('ConfigMap create, get, list, patch, update conflict, delete', { skip }, async () => {
  const cms = client.resource('', 'v1', 'configmaps');
  const created = await cms.create('default', cm('crud', { a: '1' }));
  assert.equal(created.metadata.namespace, 'default');
  assert.deepEqual((await cms.get('default', 'crud')).data, { a: '1' });
  const list = await cms.list('default', { labelSelector: 'suite=client' });
  assert.deepEqual(
    list.items.map((i) => i.metadata.name),
    ['crud'],
  );
  assert.ok(list.metadata.resourceVersion);
  const patched = await cms.patch('default', 'crud', 'merge', { data: { b: '2' } });
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  await assert.rejects(
    cms.update('default', { ...created, data: { stale: 'yes' } }),
    (err: unknown) => err instanceof StatusError && err.code === 409,
  );
  await assert.rejects(
    cms.create('default', cm('crud', {})),
    (err: unknown) => err instanceof StatusError && err.reason === 'AlreadyExists',
  );
  await cms.delete('default', 'crud');
  await assert.rejects(
    cms.get('default', 'crud'),
    (err: unknown) => err instanceof StatusError && err.code === 404 && /not found/.test(err.message),
  );
  const found = await client.resourceFor('coordination.k8s.io/v1', 'Lease');
  assert.equal(found.resource, 'leases');
});

test('an informer sees add, update and delete', { skip }, async () => {
  const cms = client.resource('', 'v1', 'configmaps');
  // Only this test's objects: every namespace also gets the kube-root-ca.crt ConfigMap.
  const inf = new SharedInformer(cms, {
    namespace: 'informer-ns',
    fieldSelector: 'metadata.name!=kube-root-ca.crt',
    logger: silentLogger,
  });
  const log: string[] = [];
  const name = (o: DeepReadonly<KubeObject>): string => o.metadata.name ?? '';
  inf.addEventHandler({
    onAdd: (o) => log.push(`add ${name(o)}`),
    onUpdate: (a, b) => log.push(`update ${name(b)} ${JSON.stringify(a.data)}->${JSON.stringify(b.data)}`),
    onDelete: (o) => log.push(`delete ${name(deletedObject(o))}`),
  });
  await client
    .resource('', 'v1', 'namespaces')
    .create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'informer-ns' } });
  await cms.create('informer-ns', cm('before', { v: '0' }));
  inf.run();
  assert.equal(await inf.waitForSync(), true);
  await cms.create('informer-ns', cm('x', { v: '1' }));
  await cms.patch('informer-ns', 'x', 'merge', { data: { v: '2' } });
  await cms.delete('informer-ns', 'x');
  await until(() => log.length >= 4, 'four notifications');
  assert.deepEqual(log, ['add before', 'add x', 'update x {"v":"1"}->{"v":"2"}', 'delete x']);
  assert.deepEqual(inf.store.listKeys(), ['informer-ns/before']);
  await inf.stop();
});

test(
  'two leader electors on one Lease: one leads, the other takes over after release',
  { skip },
  async () => {
    const log: string[] = [];
    const elector = (id: string): LeaderElector =>
      new LeaderElector({
        client,
        namespace: 'default',
        name: 'client-it',
        identity: id,
        leaseDurationMs: 2000,
        renewDeadlineMs: 1000,
        retryPeriodMs: 100,
        logger: silentLogger,
        callbacks: {
          onStartedLeading: () => log.push(`${id} started`),
          onStoppedLeading: () => log.push(`${id} stopped`),
        },
      });
    const a = elector('a');
    const b = elector('b');
    const runA = a.run();
    await until(() => a.isLeader(), 'a leads');
    const runB = b.run();
    await new Promise((r) => setTimeout(r, 500)); // b tries several times meanwhile
    assert.equal(b.isLeader(), false);
    assert.deepEqual(log, ['a started']);
    const leases = client.resource('coordination.k8s.io', 'v1', 'leases');
    const held = (await leases.get('default', 'client-it')).spec as { holderIdentity?: string };
    assert.equal(held.holderIdentity, 'a');
    await a.stop();
    await runA;
    await until(() => b.isLeader(), 'b takes over', 3000);
    assert.deepEqual(log, ['a started', 'a stopped', 'b started']);
    const spec = (await leases.get('default', 'client-it')).spec as {
      holderIdentity?: string;
      leaseTransitions?: number;
    };
    assert.equal(spec.holderIdentity, 'b');
    assert.equal(spec.leaseTransitions, 1);
    await b.stop();
    await runB;
  },
);

test('the event recorder aggregates two identical events into one with count 2', { skip }, async () => {
  const cms = client.resource('', 'v1', 'configmaps');
  const target = await cms.create('default', cm('evented', {}));
  const rec = new EventRecorder({ client, component: 'client-it', logger: silentLogger });
  rec.event(target, 'Normal', 'Tested', 'the same thing happened');
  rec.event(target, 'Normal', 'Tested', 'the same thing happened');
  await rec.flush();
  const events = await client
    .resource('', 'v1', 'events')
    .list('default', { fieldSelector: 'involvedObject.name=evented' });
  const mine = events.items.filter((e) => (e.involvedObject as { name?: string }).name === 'evented');
  assert.equal(mine.length, 1, JSON.stringify(events.items));
  assert.equal(mine[0].count, 2);
  assert.equal(mine[0].reason, 'Tested');
  assert.deepEqual(mine[0].source, { component: 'client-it' });
});
