import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../api/errors.ts';
import type { KubeObject } from '../api/object.ts';
import { Client } from './client.ts';
import { FakeApi } from './fake-api.ts';
import type { Transport, TransportRequest } from './transport.ts';

/** Wraps a transport and records every request's method, path and query. */
function recording(inner: Transport): { transport: Transport; seen: string[]; reqs: TransportRequest[] } {
  const seen: string[] = [];
  const reqs: TransportRequest[] = [];
  const note = (r: TransportRequest): void => {
    reqs.push(r);
    const q = r.query?.toString();
    seen.push(`${r.method} ${r.path}${q ? '?' + q : ''}`);
  };
  return {
    seen,
    reqs,
    transport: {
      request: (r) => (note(r), inner.request(r)),
      stream: (r) => (note(r), inner.stream(r)),
    },
  };
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

test('verbs map to the Kubernetes paths, query parameters and content types', async () => {
  const rec = recording(new FakeApi());
  const c = new Client(rec.transport);
  const cms = c.resource('', 'v1', 'configmaps');
  const leases = c.resource('coordination.k8s.io', 'v1', 'leases');
  await cms.create('ns1', cm('a'), { dryRun: true, fieldManager: 'me' });
  await cms.create('ns1', cm('a'));
  await cms.get('ns1', 'a');
  await cms.list('ns1', { labelSelector: 'x=y', limit: 5 });
  await cms.list(undefined);
  await cms.patch('ns1', 'a', 'merge', { data: { k: 'v' } });
  await leases.list('');
  await cms.delete('ns1', 'a', { propagationPolicy: 'Background' });
  assert.deepEqual(rec.seen, [
    'POST /api/v1/namespaces/ns1/configmaps?dryRun=All&fieldManager=me',
    'POST /api/v1/namespaces/ns1/configmaps',
    'GET /api/v1/namespaces/ns1/configmaps/a',
    'GET /api/v1/namespaces/ns1/configmaps?labelSelector=x%3Dy&limit=5',
    'GET /api/v1/configmaps',
    'PATCH /api/v1/namespaces/ns1/configmaps/a',
    'GET /apis/coordination.k8s.io/v1/leases',
    'DELETE /api/v1/namespaces/ns1/configmaps/a',
  ]);
  assert.equal(rec.reqs[5].contentType, 'application/merge-patch+json');
  assert.deepEqual(rec.reqs[7].body, {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    propagationPolicy: 'Background',
  });
});

test('create, update with compare-and-swap, updateStatus, patch and delete round-trip', async () => {
  const c = new Client(new FakeApi());
  const cms = c.resource('', 'v1', 'configmaps');
  const created = await cms.create('default', cm('a', { x: '1' }));
  assert.equal(created.metadata.namespace, 'default');
  assert.ok(created.metadata.resourceVersion);
  const updated = await cms.update('default', { ...created, data: { x: '2' } });
  assert.deepEqual(updated.data, { x: '2' });
  // A stale resourceVersion is a 409 Conflict with the server's Status.
  await assert.rejects(
    cms.update('default', { ...created, data: { x: '3' } }),
    (err: unknown) => err instanceof StatusError && err.code === 409 && err.reason === 'Conflict',
  );
  const st = await cms.updateStatus('default', { ...updated, status: { ok: true } });
  assert.deepEqual(st.status, { ok: true });
  const patched = await cms.patch('default', 'a', 'json', [{ op: 'add', path: '/data/y', value: '9' }]);
  assert.deepEqual(patched.data, { x: '2', y: '9' });
  const list = await cms.list('default');
  assert.deepEqual(
    list.items.map((i) => i.metadata.name),
    ['a'],
  );
  await cms.delete('default', 'a');
  await assert.rejects(
    cms.get('default', 'a'),
    (err: unknown) => err instanceof StatusError && err.code === 404 && err.status.reason === 'NotFound',
  );
});

test('errors carry the Status the server sent, or one made up from the HTTP code', async () => {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'nope',
    reason: 'Forbidden',
    code: 403,
    details: { name: 'a' },
  };
  const bodies: [number, string, number, string][] = [
    [403, JSON.stringify(status), 403, 'Forbidden'],
    [503, 'upstream down', 503, 'ServiceUnavailable'],
    [418, '', 418, 'BadRequest'],
  ];
  for (const [code, body, wantCode, wantReason] of bodies) {
    const c = new Client({
      request: async () => ({ status: code, headers: {}, body: Buffer.from(body) }),
      stream: () => Promise.reject(new Error('unused')),
    });
    await assert.rejects(c.resource('', 'v1', 'pods').get('d', 'a'), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, wantCode);
      assert.equal(err.reason, wantReason);
      if (code === 403) assert.deepEqual(err.status, status);
      return true;
    });
  }
});

test('watch streams events and an HTTP 410 rejects with Expired', async () => {
  const api = new FakeApi();
  const c = new Client(api);
  const cms = c.resource('', 'v1', 'configmaps');
  const a = await cms.create('default', cm('a'));
  const w = await cms.watch('default', {
    resourceVersion: a.metadata.resourceVersion,
    allowWatchBookmarks: true,
  });
  await cms.create('default', cm('b'));
  await cms.create('other', cm('c'));
  api.bookmark();
  await cms.delete('default', 'a');
  const got: string[] = [];
  for await (const ev of w) {
    got.push(`${ev.type} ${ev.object.metadata.name ?? ev.object.metadata.resourceVersion}`);
    if (ev.type === 'DELETED') w.close();
  }
  assert.deepEqual(got, ['ADDED b', `BOOKMARK ${Number(a.metadata.resourceVersion) + 2}`, 'DELETED a']);
  assert.equal(api.openWatches, 0);

  api.compact();
  api.expireOverHttp = true;
  await assert.rejects(
    cms.watch('default', { resourceVersion: a.metadata.resourceVersion }),
    (err: unknown) => err instanceof StatusError && err.code === 410,
  );
});

test('resourceFor finds resources by kind through discovery and caches the answers', async () => {
  const rec = recording(new FakeApi());
  const c = new Client(rec.transport);
  const leases = await c.resourceFor('coordination.k8s.io/v1', 'Lease');
  assert.equal(leases.resource, 'leases');
  assert.equal(leases.info.namespaced, true);
  const ns = await c.resourceFor('v1', 'Namespace');
  assert.equal(ns.info.namespaced, false);
  await c.resourceFor('coordination.k8s.io/v1', 'Lease');
  assert.equal(
    rec.seen.filter((s) => s === 'GET /apis/coordination.k8s.io/v1').length,
    1,
    rec.seen.join('\n'),
  );
  await assert.rejects(
    c.resourceFor('v1', 'Gizmo'),
    (err: unknown) => err instanceof StatusError && err.code === 404,
  );
  await assert.rejects(
    c.resourceFor('nope.example.com/v1', 'Gizmo'),
    (err: unknown) => err instanceof StatusError && err.code === 404,
  );
  const gvs = await c.discovery.groupVersions();
  assert.ok(gvs.includes('v1') && gvs.includes('apps/v1'));
});
