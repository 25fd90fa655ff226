import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeApi, type FakeAction } from '../../client/fake-api.ts';
import { silentLogger } from '../../client/logger.ts';
import { Collector } from './collector.ts';
import { OwnerGraph, type ResourceCoordinates } from './graph.ts';

const configmaps: ResourceCoordinates = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
const deployments: ResourceCoordinates = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};
const nodes: ResourceCoordinates = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  namespaced: false,
};

function setup() {
  const api = new FakeApi();
  const client = new Client(api);
  const graph = new OwnerGraph();
  const queued: string[] = [];
  const collector = new Collector({ client, graph, log: silentLogger, enqueue: (uid) => queued.push(uid) });
  /** Creates an object on the fake API and, when `cached`, puts it in the graph as the monitors would. */
  const make = async (
    res: ResourceCoordinates,
    name: string,
    meta: Partial<KubeObject['metadata']> = {},
    cached = true,
  ): Promise<KubeObject> => {
    const ns = res.namespaced ? 'ns1' : undefined;
    const obj = await client
      .resource(res.group, res.version, res.resource)
      .create(ns, { metadata: { name, ...meta } });
    if (cached) graph.upsert(res, obj);
    return obj;
  };
  const ref = (o: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
    apiVersion: o.apiVersion ?? '',
    kind: o.kind ?? '',
    name: o.metadata.name ?? '',
    uid: o.metadata.uid ?? '',
    ...extra,
  });
  const run = async (uid: string): Promise<FakeAction[]> => {
    api.actions.length = 0;
    await collector.reconcile(uid);
    return api.actions;
  };
  return { api, client, graph, queued, collector, make, ref, run };
}

const brief = (a: FakeAction): string => `${a.verb} ${a.resource} ${a.namespace}/${a.name ?? ''}`;

describe('garbage collector reconcile', () => {
  test('a dependent whose owner is gone (checked live) is deleted in the background with a uid precondition', async () => {
    const s = setup();
    const dep = await s.make(configmaps, 'child', {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', uid: 'uid-gone' }],
    });
    const actions = await s.run(dep.metadata.uid!);
    assert.deepEqual(actions.map(brief), ['get deployments ns1/gone', 'delete configmaps ns1/child']);
    const body = actions[1].body as { propagationPolicy: string; preconditions: { uid: string } };
    assert.equal(body.propagationPolicy, 'Background');
    assert.deepEqual(body.preconditions, { uid: dep.metadata.uid });
    assert.equal(s.api.list('configmaps', 'ns1').length, 0);
  });

  test('an owner the graph has not seen yet but the API has (informer lag) keeps its dependent', async () => {
    const s = setup();
    const owner = await s.make(deployments, 'late', {}, false);
    const dep = await s.make(configmaps, 'child', { ownerReferences: [s.ref(owner)] });
    const actions = await s.run(dep.metadata.uid!);
    assert.deepEqual(actions.map(brief), ['get deployments ns1/late']);
  });

  test('an owner in the graph is trusted without a request', async () => {
    const s = setup();
    const owner = await s.make(deployments, 'here');
    const dep = await s.make(configmaps, 'child', { ownerReferences: [s.ref(owner)] });
    assert.deepEqual(await s.run(dep.metadata.uid!), []);
  });

  test('an owner replaced by a namesake (other uid) counts as gone', async () => {
    const s = setup();
    await s.make(deployments, 'reborn', {}, false);
    const dep = await s.make(configmaps, 'child', {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reborn', uid: 'uid-old' }],
    });
    const actions = await s.run(dep.metadata.uid!);
    assert.deepEqual(actions.map(brief), ['get deployments ns1/reborn', 'delete configmaps ns1/child']);
  });

  test('confirmed absences are remembered: the second dependent of a missing owner needs no lookup', async () => {
    const s = setup();
    const refs = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', uid: 'uid-gone' }];
    const a = await s.make(configmaps, 'a', { ownerReferences: refs });
    const b = await s.make(configmaps, 'b', { ownerReferences: refs });
    await s.run(a.metadata.uid!);
    assert.deepEqual((await s.run(b.metadata.uid!)).map(brief), ['delete configmaps ns1/b']);
  });

  test('with one solid owner left, references to missing owners are removed instead of deleting', async () => {
    const s = setup();
    const owner = await s.make(deployments, 'alive');
    const dep = await s.make(configmaps, 'child', {
      ownerReferences: [
        s.ref(owner),
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', uid: 'uid-gone' },
      ],
    });
    const actions = await s.run(dep.metadata.uid!);
    assert.deepEqual(actions.map(brief), [
      'get deployments ns1/gone',
      'get configmaps ns1/child',
      'patch configmaps ns1/child',
    ]);
    const [stored] = s.api.list('configmaps', 'ns1');
    assert.deepEqual(stored.metadata.ownerReferences, [s.ref(owner)]);
  });

  test('a namespaced dependent of a cluster-scoped owner looks the owner up without a namespace', async () => {
    const s = setup();
    const node = await s.make(nodes, 'n1', {}, false);
    const dep = await s.make(configmaps, 'child', { ownerReferences: [s.ref(node)] });
    const actions = await s.run(dep.metadata.uid!);
    assert.deepEqual(actions.map(brief), ['get nodes /n1']);
    await s.client.resource('', 'v1', 'nodes').delete(undefined, 'n1');
    s.collector.classifier.absent.add('never', 'ns1'); // unrelated entries do not matter
    assert.deepEqual((await s.run(dep.metadata.uid!)).map(brief), [
      'get nodes /n1',
      'delete configmaps ns1/child',
    ]);
  });

  test('an owner of an unknown kind is an error (retried later), never a deletion', async () => {
    const s = setup();
    const dep = await s.make(configmaps, 'child', {
      ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'uid-w' }],
    });
    s.api.actions.length = 0;
    await assert.rejects(s.collector.reconcile(dep.metadata.uid!), /no matches for kind "Widget"/);
    assert.deepEqual(s.api.writes(), []);
  });

  test('orphan: every dependent loses its reference to the owner, then the orphan finalizer goes', async () => {
    const s = setup();
    const other = await s.make(deployments, 'other');
    const owner = await s.make(deployments, 'owner', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['orphan', 'example.com/keep'],
    });
    await s.make(configmaps, 'only', { ownerReferences: [s.ref(owner)] });
    await s.make(configmaps, 'shared', { ownerReferences: [s.ref(owner), s.ref(other)] });
    const actions = await s.run(owner.metadata.uid!);
    assert.deepEqual(actions.filter((a) => a.verb === 'patch').map(brief), [
      'patch configmaps ns1/only',
      'patch configmaps ns1/shared',
      'patch deployments ns1/owner',
    ]);
    const cms = Object.fromEntries(
      s.api.list('configmaps', 'ns1').map((o) => [o.metadata.name, o.metadata.ownerReferences]),
    );
    assert.deepEqual(cms, { only: undefined, shared: [s.ref(other)] });
    const [stored] = s.api.list('deployments', 'ns1').filter((o) => o.metadata.name === 'owner');
    assert.deepEqual(stored.metadata.finalizers, ['example.com/keep']);
    assert.equal(s.api.list('configmaps', 'ns1').length, 2, 'orphaning deletes nothing');
  });

  test('foreground: dependents are handed to the collector; the owner waits for blocking ones only', async () => {
    const s = setup();
    const owner = await s.make(deployments, 'owner', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['foregroundDeletion'],
    });
    const blocking = await s.make(configmaps, 'blocking', {
      ownerReferences: [s.ref(owner, { blockOwnerDeletion: true })],
    });
    const loose = await s.make(configmaps, 'loose', { ownerReferences: [s.ref(owner)] });

    assert.deepEqual(
      await s.run(owner.metadata.uid!),
      [],
      'a blocking dependent remains: nothing to write yet',
    );
    assert.deepEqual(s.queued.sort(), [blocking.metadata.uid, loose.metadata.uid].sort());

    // The dependent sees its only owner waiting for it and is deleted in the foreground.
    const actions = await s.run(blocking.metadata.uid!);
    assert.deepEqual(actions.map(brief), ['delete configmaps ns1/blocking']);
    assert.equal((actions[0].body as { propagationPolicy: string }).propagationPolicy, 'Foreground');

    // Once the blocking dependent has left the graph, the finalizer is removed (the loose one does not block).
    s.graph.remove(blocking);
    const done = await s.run(owner.metadata.uid!);
    assert.deepEqual(done.filter((a) => a.verb !== 'get').map(brief), ['patch deployments ns1/owner']);
    const [stored] = s.api.list('deployments', 'ns1');
    assert.equal(stored.metadata.finalizers, undefined);
  });

  test('a dependent with another solid owner drops its reference to a foreground owner instead of being deleted', async () => {
    const s = setup();
    const keeper = await s.make(deployments, 'keeper');
    const owner = await s.make(deployments, 'owner', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['foregroundDeletion'],
    });
    const dep = await s.make(configmaps, 'child', {
      ownerReferences: [s.ref(owner, { blockOwnerDeletion: true }), s.ref(keeper)],
    });
    const actions = await s.run(dep.metadata.uid!);
    assert.deepEqual(actions.filter((a) => a.verb !== 'get').map(brief), ['patch configmaps ns1/child']);
    assert.deepEqual(s.api.list('configmaps', 'ns1')[0].metadata.ownerReferences, [s.ref(keeper)]);
  });

  test('objects already being deleted, without owners, or gone are left alone', async () => {
    const s = setup();
    const deleting = await s.make(configmaps, 'deleting', {
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['example.com/x'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', uid: 'uid-gone' }],
    });
    const plain = await s.make(configmaps, 'plain');
    for (const uid of [deleting.metadata.uid!, plain.metadata.uid!, 'uid-unknown'])
      assert.deepEqual(await s.run(uid), []);
  });

  test('a dependent deleted meanwhile (404 on delete) is not an error', async () => {
    const s = setup();
    const dep = await s.make(configmaps, 'child', {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone', uid: 'uid-gone' }],
    });
    await s.client.resource('', 'v1', 'configmaps').delete('ns1', 'child');
    await s.collector.reconcile(dep.metadata.uid!);
  });
});
