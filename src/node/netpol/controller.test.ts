import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../client/client.ts';
import { defaultFakeResources, FakeApi } from '../../client/fake-api.ts';
import { silentLogger } from '../../client/logger.ts';
import type { NftRunner } from '../proxy/nft-runner.ts';
import { NetworkPolicyController } from './controller.ts';
import type { NetworkPolicy, Pod } from './types.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (ok()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function recorder(failFirst = 0): NftRunner & { applied: string[] } {
  let fails = failFirst;
  const applied: string[] = [];
  return {
    applied,
    apply: async (text) => {
      if (fails-- > 0) throw new Error('nft: boom');
      applied.push(text);
    },
    run: async () => '',
  };
}

const pod = (name: string, ip: string, app: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app } },
  spec: { nodeName: 'n1' },
  status: { podIP: ip },
});

const deny: NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny', namespace: 'default' },
  spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }] }] },
};

function setup(runner: NftRunner): { client: Client; controller: NetworkPolicyController } {
  const api = new FakeApi([
    ...defaultFakeResources,
    {
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'networkpolicies',
      kind: 'NetworkPolicy',
      namespaced: true,
    },
  ]);
  const client = new Client(api);
  const controller = new NetworkPolicyController({
    client,
    nodeName: 'n1',
    runner,
    minSyncIntervalMs: 1,
    logger: silentLogger,
  });
  return { client, controller };
}

test('syncs the table from the caches and follows pods and policies incrementally', async () => {
  const runner = recorder();
  const { client, controller } = setup(runner);
  const pods = client.resource<Pod>('', 'v1', 'pods');
  const policies = client.resource<NetworkPolicy>('networking.k8s.io', 'v1', 'networkpolicies');
  await pods.create('default', pod('db', '10.0.0.1', 'db'));
  await policies.create('default', deny);
  await controller.start();
  try {
    await until(() => runner.applied.length >= 1, 'first sync');
    const first = runner.applied[0]!;
    assert.match(first, /^add table inet berth-netpol\ndelete table inet berth-netpol\n/);
    assert.match(first, /add element inet berth-netpol ingress-pods \{ 10\.0\.0\.1 : jump in-10-0-0-1 \}/);
    assert.equal(controller.lastSync?.isolatedPods, 1);

    await pods.create('default', pod('web', '10.0.0.2', 'web'));
    await until(() => runner.applied.length >= 2, 'peer sync');
    assert.match(runner.applied[1]!, /^add element inet berth-netpol pol-\w+-in0 \{ 10\.0\.0\.2 \}\n$/);

    await policies.delete('default', 'deny');
    await until(() => runner.applied.length >= 3, 'policy removal');
    assert.match(runner.applied[2]!, /delete chain inet berth-netpol in-10-0-0-1/);
    assert.equal(controller.lastSync?.isolatedPods, 0);
  } finally {
    await controller.stop();
  }
});

test('a failed transaction is retried as a whole-table replacement', async () => {
  const runner = recorder(1);
  const { client, controller } = setup(runner);
  await client.resource<Pod>('', 'v1', 'pods').create('default', pod('db', '10.0.0.1', 'db'));
  await client.resource<NetworkPolicy>('networking.k8s.io', 'v1', 'networkpolicies').create('default', deny);
  await controller.start();
  try {
    await until(() => runner.applied.length >= 1, 'retry');
    assert.match(runner.applied[0]!, /^add table inet berth-netpol\ndelete table inet berth-netpol\n/);
  } finally {
    await controller.stop();
  }
});
