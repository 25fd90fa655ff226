import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock, settle } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi, defaultFakeResources, type FakeResource } from '../../client/fake-api.ts';
import { informerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { Transport, TransportRequest, TransportResponse } from '../../client/transport.ts';
import type { ControllerContext } from '../types.ts';
import { NamespaceController, NamespaceDeleter } from './controller.ts';

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

const ok = (body: unknown): TransportResponse => ({
  status: 200,
  headers: {},
  body: Buffer.from(JSON.stringify(body)),
});

/**
 * FakeApi plus the two namespace subresources it does not serve: status (merge-patched into the
 * stored namespace) and finalize (which, like the API server, deletes a terminating namespace
 * whose finalizers are all gone). Every call is recorded in order.
 */
function harness(resources: FakeResource[] = defaultFakeResources) {
  const api = new FakeApi(resources);
  const calls: Call[] = [];
  const namespaces = new Client(api).resource('', 'v1', 'namespaces');
  const transport: Transport = {
    async request(r: TransportRequest) {
      calls.push({ method: r.method, path: r.path, body: r.body });
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/(status|finalize)$/.exec(r.path);
      if (!m) return api.request(r);
      const body = (Buffer.isBuffer(r.body) ? JSON.parse(r.body.toString('utf8')) : r.body) as KubeObject;
      if (m[2] === 'status') return ok(await namespaces.patch(undefined, m[1], 'merge', body));
      const spec = body.spec as { finalizers?: string[] };
      if ((spec.finalizers ?? []).length === 0) return ok(await namespaces.delete(undefined, m[1]));
      return ok(await namespaces.patch(undefined, m[1], 'merge', { spec }));
    },
    stream: (r) => api.stream(r),
  };
  const client = new Client(transport);
  const brief = (): string[] => calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
  return { api, calls, client, brief };
}

const terminating = (name: string): KubeObject => ({
  metadata: { name, deletionTimestamp: '2025-01-01T00:00:00Z' },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Terminating' },
});

describe('namespace deleter', () => {
  test('deletes every namespaced object, then finalizes; other namespaces are untouched', async () => {
    const h = harness();
    const ns = await h.client.resource('', 'v1', 'namespaces').create(undefined, terminating('doomed'));
    await h.client.resource('', 'v1', 'configmaps').create('doomed', { metadata: { name: 'c1' } });
    await h.client.resource('apps', 'v1', 'deployments').create('doomed', { metadata: { name: 'd1' } });
    await h.client.resource('', 'v1', 'configmaps').create('other', { metadata: { name: 'c2' } });
    h.calls.length = 0;
    const d = new NamespaceDeleter({ client: h.client, log: silentLogger, now: () => 0 });
    assert.equal(await d.reconcile(ns), undefined);
    assert.deepEqual(h.brief(), [
      'DELETE /api/v1/namespaces/doomed/configmaps/c1',
      'DELETE /apis/apps/v1/namespaces/doomed/deployments/d1',
      'PATCH /api/v1/namespaces/doomed/status',
      'PUT /api/v1/namespaces/doomed/finalize',
    ]);
    const fin = h.calls.find((c) => c.path.endsWith('/finalize'))?.body as KubeObject;
    assert.deepEqual(fin.spec, { finalizers: [] });
    assert.deepEqual(
      h.api.list('namespaces').map((n) => n.metadata.name),
      [],
    );
    assert.deepEqual(
      h.api.list('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
      ['other/c2'],
    );
    const status = h.calls.find((c) => c.path.endsWith('/status'))?.body as {
      status: { conditions: { type: string; status: string }[] };
    };
    assert.deepEqual(
      status.status.conditions.map((c) => `${c.type}=${c.status}`),
      [
        'NamespaceDeletionDiscoveryFailure=False',
        'NamespaceDeletionGroupVersionParsingFailure=False',
        'NamespaceDeletionContentFailure=False',
        'NamespaceContentRemaining=False',
        'NamespaceFinalizersRemaining=False',
      ],
    );
  });

  test('uses deletecollection where discovery offers it', async () => {
    const h = harness();
    // The fake serves no deletecollection: answer it here, the way the API server would.
    const seen: string[] = [];
    h.api.reactors.push((req, action) => {
      if (req.method !== 'DELETE' || action.name !== undefined) return undefined;
      seen.push(req.path);
      for (const o of h.api.list(action.resource, action.namespace))
        void h.client.resource('', 'v1', action.resource).delete(action.namespace, o.metadata.name ?? '');
      return ok({ kind: 'ConfigMapList', items: [] });
    });
    const real = h.client.getJson.bind(h.client);
    h.client.getJson = async <R>(path: string): Promise<R> => {
      const doc = (await real(path)) as { resources?: { name: string; verbs: string[] }[] };
      for (const r of doc.resources ?? []) if (r.name === 'configmaps') r.verbs.push('deletecollection');
      return doc as R;
    };
    const ns = await h.client.resource('', 'v1', 'namespaces').create(undefined, terminating('bulk'));
    await h.client.resource('', 'v1', 'configmaps').create('bulk', { metadata: { name: 'c1' } });
    await new NamespaceDeleter({ client: h.client, log: silentLogger, now: () => 0 }).reconcile(ns);
    assert.deepEqual(seen, ['/api/v1/namespaces/bulk/configmaps']);
    assert.deepEqual(h.api.list('namespaces'), []);
  });

  test('content that stays (finalizers) is reported in conditions and looked at again; no finalize yet', async () => {
    const h = harness();
    h.api.reactors.push((req, action) =>
      req.method === 'DELETE' && action.resource === 'configmaps'
        ? ok({ kind: 'Status', status: 'Success' })
        : undefined,
    );
    const ns = await h.client.resource('', 'v1', 'namespaces').create(undefined, terminating('slow'));
    await h.client
      .resource('', 'v1', 'configmaps')
      .create('slow', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const r = await new NamespaceDeleter({
      client: h.client,
      log: silentLogger,
      now: () => 0,
      recheckMs: 250,
    }).reconcile(ns);
    assert.deepEqual(r, { requeueAfterMs: 250 });
    assert.equal(
      h.brief().some((c) => c.endsWith('/finalize')),
      false,
    );
    const [stored] = h.api.list('namespaces');
    const conds = (stored.status as { conditions: { type: string; status: string; message: string }[] })
      .conditions;
    const byType = Object.fromEntries(conds.map((c) => [c.type, c]));
    assert.equal(byType.NamespaceContentRemaining.status, 'True');
    assert.match(byType.NamespaceContentRemaining.message, /configmaps has 1 objects/);
    assert.match(byType.NamespaceFinalizersRemaining.message, /example\.com\/hold on 1 objects/);
  });

  test('a failing resource fails the pass (retried with backoff) and blocks finalize', async () => {
    const h = harness();
    h.api.reactors.push((req, action) =>
      action.resource === 'secrets' && action.verb === 'list'
        ? {
            status: 500,
            headers: {},
            body: Buffer.from(
              JSON.stringify({ kind: 'Status', code: 500, reason: 'InternalError', message: 'boom' }),
            ),
          }
        : undefined,
    );
    const ns = await h.client.resource('', 'v1', 'namespaces').create(undefined, terminating('broken'));
    await assert.rejects(
      new NamespaceDeleter({ client: h.client, log: silentLogger, now: () => 0 }).reconcile(ns),
      /secrets: boom/,
    );
    assert.equal(
      h.brief().some((c) => c.endsWith('/finalize')),
      false,
    );
    const conds = (h.api.list('namespaces')[0].status as { conditions: { type: string; status: string }[] })
      .conditions;
    assert.equal(conds.find((c) => c.type === 'NamespaceDeletionContentFailure')?.status, 'True');
  });

  test('namespaces that are not terminating, already finalized, or gone are left alone', async () => {
    const h = harness();
    const d = new NamespaceDeleter({ client: h.client, log: silentLogger, now: () => 0 });
    const finalized = { ...terminating('done'), spec: { finalizers: [] } };
    for (const ns of [
      { metadata: { name: 'live' }, spec: { finalizers: ['kubernetes'] } },
      finalized,
      undefined,
    ])
      await d.reconcile(ns);
    assert.deepEqual(h.calls, []);
  });
});

test('namespace controller: a namespace marked for deletion is emptied and removed', async () => {
  const h = harness();
  const clock = new FakeClock();
  const abort = new AbortController();
  const ctx: ControllerContext = {
    client: h.client,
    informers: informerFactory(h.client, { clock, logger: silentLogger }),
    recorder: (component) => new EventRecorder({ client: h.client, component, clock, logger: silentLogger }),
    log: silentLogger,
    clock,
    signal: abort.signal,
  };
  await h.client
    .resource('', 'v1', 'namespaces')
    .create(undefined, { metadata: { name: 'live' }, spec: { finalizers: ['kubernetes'] } });
  await h.client.resource('', 'v1', 'configmaps').create('live', { metadata: { name: 'c' } });
  const c = new NamespaceController();
  await c.start(ctx);
  ctx.informers.start();
  await h.client
    .resource('', 'v1', 'namespaces')
    .patch(undefined, 'live', 'merge', { metadata: { deletionTimestamp: '2025-01-01T00:00:00Z' } });
  for (let i = 0; i < 100 && h.api.list('namespaces').length; i++) await settle(2);
  assert.deepEqual(h.api.list('namespaces'), []);
  assert.deepEqual(h.api.list('configmaps'), []);
  abort.abort();
  await c.stop();
  await ctx.informers.shutdown();
});
