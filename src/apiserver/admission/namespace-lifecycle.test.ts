import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMap, ctx, namespace, newApi, rejectsStatus } from '../test-fixtures.ts';
import { deleteObject } from '../registry/delete.ts';
import { immortalNamespaces, namespaceLifecycle } from './namespace-lifecycle.ts';

async function setup() {
  const t = newApi();
  t.api.admission.push(namespaceLifecycle(t.api));
  const nss = t.api.resource('', 'namespaces');
  for (const n of ['default', 'kube-system', 'live', 'term']) await nss.create('', namespace(n), ctx());
  return { ...t, nss, cms: t.api.resource('', 'configmaps') };
}

const inNs = (name: string, ns: string) => {
  const c = configMap(name);
  c.metadata.namespace = ns;
  return c;
};

test('creating in a missing namespace is 404 NotFound', async () => {
  const { cms, done } = await setup();
  const err = await rejectsStatus(cms.create('nowhere', inNs('c', 'nowhere'), ctx()), 404, 'NotFound');
  assert.equal(err.status.details?.kind, 'namespaces');
  assert.equal(err.status.details?.name, 'nowhere');
  await cms.create('live', inNs('c', 'live'), ctx());
  await done();
});

test('creating in a terminating namespace is 403, except events; updates still work', async () => {
  const { api, nss, cms, done } = await setup();
  await cms.create('term', inNs('before', 'term'), ctx());
  const r = await deleteObject(nss, '', 'term', {}, ctx());
  assert.equal(r.deleted, false, 'the kubernetes finalizer keeps the namespace');
  assert.ok(r.obj.metadata.deletionTimestamp);
  assert.equal((r.obj.status as { phase?: string }).phase, 'Terminating');
  const err = await rejectsStatus(cms.create('term', inNs('after', 'term'), ctx()), 403, 'Forbidden');
  assert.match(err.message, /because it is being terminated/);
  await cms.update('term', 'before', inNs('before', 'term'), ctx());
  const events = api.resource('', 'events');
  await events.create(
    'term',
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'term' },
      involvedObject: { kind: 'ConfigMap', name: 'before', namespace: 'term' },
      reason: 'Test',
      message: 'draining',
      type: 'Normal',
    },
    ctx(),
  );
  await done();
});

test('default, kube-system and kube-public cannot be deleted (403); others can', async () => {
  const { nss, done } = await setup();
  assert.deepEqual([...immortalNamespaces].sort(), ['default', 'kube-public', 'kube-system']);
  await rejectsStatus(deleteObject(nss, '', 'default', {}, ctx()), 403, 'Forbidden');
  await rejectsStatus(deleteObject(nss, '', 'kube-system', {}, ctx()), 403, 'Forbidden');
  assert.equal((await nss.get('', 'default')).metadata.deletionTimestamp, undefined);
  await deleteObject(nss, '', 'live', {}, ctx());
  await done();
});

test('cluster-scoped kinds are not checked', async () => {
  const { api, done } = await setup();
  await api
    .resource('', 'nodes')
    .create('', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, ctx());
  await done();
});
