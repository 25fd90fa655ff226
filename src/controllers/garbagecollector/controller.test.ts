import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock, settle } from '../../client/clock.ts';
import { EventRecorder } from '../../client/events.ts';
import { FakeApi, defaultFakeResources, type FakeResource } from '../../client/fake-api.ts';
import { informerFactory } from '../../client/informer.ts';
import { silentLogger } from '../../client/logger.ts';
import type { Transport } from '../../client/transport.ts';
import type { ControllerContext } from '../types.ts';
import { GarbageCollector } from './controller.ts';
import { metadataAccept } from './monitors.ts';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await settle(2);
  assert.ok(cond(), `timed out waiting for: ${what}`);
}

function harness() {
  const resources: FakeResource[] = [...defaultFakeResources];
  const api = new FakeApi(resources);
  const accepts = new Map<string, string | undefined>();
  // Records the Accept header of every read, to check the monitors ask for metadata only.
  const recording: Transport = {
    request: (r) => {
      if (r.method === 'GET') accepts.set(r.path, r.accept);
      return api.request(r);
    },
    stream: (r) => {
      accepts.set(`watch ${r.path}`, r.accept);
      return api.stream(r);
    },
  };
  const client = new Client(recording);
  const clock = new FakeClock();
  const abort = new AbortController();
  const ctx: ControllerContext = {
    client,
    informers: informerFactory(client, { clock, logger: silentLogger }),
    recorder: (component) => new EventRecorder({ client, component, clock, logger: silentLogger }),
    log: silentLogger,
    clock,
    signal: abort.signal,
  };
  const cms = client.resource('', 'v1', 'configmaps');
  const names = (): string[] => api.list('configmaps', 'ns1').map((o) => o.metadata.name ?? '');
  const owned = (
    name: string,
    owner: KubeObject | { apiVersion: string; kind: string; metadata: { name: string; uid: string } },
  ): KubeObject => ({
    metadata: {
      name,
      ownerReferences: [
        {
          apiVersion: owner.apiVersion ?? '',
          kind: owner.kind ?? '',
          name: owner.metadata.name ?? '',
          uid: owner.metadata.uid ?? '',
        },
      ],
    },
  });
  return { api, resources, accepts, client, clock, abort, ctx, cms, names, owned };
}

test('garbage collector: builds the graph from every resource and collects dependents whose owners go', async () => {
  const h = harness();
  const owner = await h.client
    .resource('apps', 'v1', 'deployments')
    .create('ns1', { metadata: { name: 'owner' } });
  await h.cms.create('ns1', h.owned('kept', owner));
  await h.cms.create(
    'ns1',
    h.owned('stray', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'never', uid: 'uid-never' },
    }),
  );
  const gc = new GarbageCollector({ workers: 2 });
  await gc.start(h.ctx);
  await until(() => !h.names().includes('stray'), 'the dependent of a missing owner is deleted');
  assert.deepEqual(h.names(), ['kept']);
  assert.equal(h.accepts.get('watch /api/v1/configmaps'), metadataAccept, 'monitors watch metadata only');
  assert.equal(h.accepts.get('/api/v1/configmaps'), metadataAccept, 'monitors list metadata only');
  assert.equal(h.accepts.has('watch /api/v1/events'), false, 'events are not monitored');

  // Background deletion of the owner: the dependent follows.
  await h.client.resource('apps', 'v1', 'deployments').delete('ns1', 'owner');
  await until(() => h.names().length === 0, 'the dependent of a deleted owner is deleted');
  await gc.stop();
  assert.equal(h.api.openWatches, 0);
});

test('garbage collector: resources that appear later (CRDs) are monitored after rediscovery', async () => {
  const h = harness();
  const gc = new GarbageCollector({ rediscoveryPeriodMs: 30_000 });
  await gc.start(h.ctx);
  await until(() => (gc.graph?.size ?? -1) === 0 && h.api.openWatches > 0, 'monitors running');
  h.resources.push({
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    kind: 'Widget',
    namespaced: true,
  });
  const widget = await h.client
    .resource('example.com', 'v1', 'widgets')
    .create('ns1', { metadata: { name: 'w' } });
  await h.cms.create('ns1', h.owned('part', widget));
  await settle();
  assert.equal(gc.graph?.node(widget.metadata.uid ?? ''), undefined, 'not monitored before rediscovery');
  h.clock.advance(30_000);
  await until(() => gc.graph?.node(widget.metadata.uid ?? '') !== undefined, 'the widget enters the graph');
  await h.client.resource('example.com', 'v1', 'widgets').delete('ns1', 'w');
  await until(() => h.names().length === 0, 'the widget’s dependent is collected');
  h.abort.abort();
  await gc.stop();
  assert.equal(h.api.openWatches, 0);
});
