import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { workerContext } from '../agent/testing.ts';
import { NetworkPolicyWorker } from '../netpol/worker.ts';
import type { NftRunner } from './nft-runner.ts';
import { ServiceProxyWorker } from './worker.ts';

/** An agent context over a fake API, with a Node whose changes the test drives. */
function rig() {
  const client = new Client(
    new FakeApi([
      ...defaultFakeResources,
      {
        group: 'networking.k8s.io',
        version: 'v1',
        resource: 'networkpolicies',
        kind: 'NetworkPolicy',
        namespaced: true,
      },
    ]),
  );
  const { ctx, abort, setNode } = workerContext(client, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
  });
  const applied: string[] = [];
  const runner: NftRunner = {
    apply: async (t) => void applied.push(t),
    run: async () => '',
  };
  return { client, ctx, abort, applied, runner, setNode };
}

async function until(what: string, ok: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function proxyRun(keepRules: boolean | undefined): Promise<{ applied: string[]; before: number }> {
  const { client, ctx, abort, applied, runner } = rig();
  await client.resource<KubeObject>('', 'v1', 'services').create('default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.3.4', ports: [{ port: 80, protocol: 'TCP' }] },
  });
  const w = new ServiceProxyWorker({ table: 'berth-t', runner, minSyncIntervalMs: 0, keepRules });
  await w.start(ctx);
  await w.started();
  await until('first sync', () => applied.some((t) => t.includes('10.96.3.4')));
  assert.match(applied[0]!, /table ip berth-t/);
  const before = applied.length;
  abort.abort();
  await w.stop();
  return { applied, before };
}

test('the proxy worker programs its table from the agent client and removes it on stop', async () => {
  const { applied, before } = await proxyRun(undefined);
  assert.deepEqual(applied.slice(before), ['add table ip berth-t\ndelete table ip berth-t\n']);
});

test('with keepRules the proxy worker leaves its table in place on stop', async () => {
  const { applied, before } = await proxyRun(true);
  assert.equal(applied.length, before, 'stopping writes nothing: the rules stay');
});

test('the NetworkPolicy worker starts again with the pod CIDR node IPAM assigns', async () => {
  const { ctx, abort, applied, runner, setNode } = rig();
  const w = new NetworkPolicyWorker({ table: 'np-t', runner, minSyncIntervalMs: 0 });
  await w.start(ctx);
  await w.started();
  const first = w.controller;
  await until('first sync', () => applied.length > 0);
  setNode({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.7.0/24' } });
  await until('a new controller', () => w.controller !== first);
  await w.started();
  assert.notEqual(w.controller, first);
  abort.abort();
  await w.stop();
});
