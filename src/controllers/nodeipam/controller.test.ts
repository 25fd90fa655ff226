import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { NodeRig, readyNode } from '../nodelifecycle/testing.ts';
import type { Node } from '../nodelifecycle/types.ts';
import { nodeIpamController, type NodeIpamOptions } from './controller.ts';

function setup(opts: NodeIpamOptions = {}, rig = new NodeRig()) {
  const c = nodeIpamController(opts);
  c.init(rig.ctx);
  return { rig, c };
}

const podCIDRs = (rig: NodeRig): Record<string, string | undefined> =>
  Object.fromEntries((rig.api.list('nodes') as Node[]).map((n) => [n.metadata.name, n.spec?.podCIDR]));

test('each node without a podCIDR gets the next /24 of 10.244.0.0/16, as podCIDR and podCIDRs', async () => {
  const { rig, c } = setup();
  for (const n of ['a', 'b', 'c']) await rig.add('nodes', readyNode(n, rig.clock.now()));
  rig.reset();
  for (const n of ['a', 'b', 'c']) await c.reconcile(n);
  assert.deepEqual(rig.writes(), ['update nodes/a', 'update nodes/b', 'update nodes/c']);
  assert.deepEqual(podCIDRs(rig), { a: '10.244.0.0/24', b: '10.244.1.0/24', c: '10.244.2.0/24' });
  assert.deepEqual(rig.get<Node>('nodes', '', 'b')?.spec?.podCIDRs, ['10.244.1.0/24']);
  // Once the informer sees the podCIDR, reconcile writes nothing.
  for (const n of ['a', 'b', 'c']) rig.sync('nodes', '', n);
  rig.reset();
  for (const n of ['a', 'b', 'c']) await c.reconcile(n);
  assert.deepEqual(rig.writes(), []);
});

test('cluster CIDR and mask size options', async () => {
  const { rig, c } = setup({ clusterCidr: '172.16.0.0/20', nodeCidrMaskSize: 26 });
  await rig.add('nodes', readyNode('a', 0));
  await rig.add('nodes', readyNode('b', 0));
  await c.reconcile('a');
  await c.reconcile('b');
  assert.deepEqual(podCIDRs(rig), { a: '172.16.0.0/26', b: '172.16.0.64/26' });
  assert.throws(() => nodeIpamController({ clusterCidr: 'nonsense' }), /invalid CIDR "nonsense"/);
});

test('after a restart allocations are rebuilt from the nodes: no subnet is handed out twice', async () => {
  const first = setup();
  for (const n of ['a', 'b']) await first.rig.add('nodes', readyNode(n, 0));
  await first.c.reconcile('a');
  await first.c.reconcile('b');
  // A new controller (a restarted controller manager) over the same API; the informer's first list
  // holds the nodes with their podCIDRs, plus a new node without one.
  const rig = first.rig;
  const restarted = new NodeRig();
  for (const o of rig.api.list('nodes')) await restarted.add('nodes', o as KubeObject);
  await restarted.add('nodes', readyNode('c', 0));
  const { c } = setup({}, restarted);
  await c.reconcile('c');
  assert.equal(restarted.get<Node>('nodes', '', 'c')?.spec?.podCIDR, '10.244.2.0/24');
  assert.equal(c.cidrs.allocated, 3);
});

test('a deleted node gives its subnet back; a node waiting on a full range then gets it', async () => {
  const { rig, c } = setup({ clusterCidr: '10.244.0.0/23', nodeCidrMaskSize: 24 });
  for (const n of ['a', 'b', 'c']) await rig.add('nodes', readyNode(n, 0));
  for (const n of ['a', 'b', 'c']) await c.reconcile(n);
  assert.deepEqual(podCIDRs(rig), { a: '10.244.0.0/24', b: '10.244.1.0/24', c: undefined });
  assert.deepEqual(await rig.events(), [
    'CIDRNotAvailable: Node c status is now: CIDRNotAvailable (no free /24 left in the cluster CIDR 10.244.0.0/23)',
  ]);
  for (const n of ['a', 'b']) rig.sync('nodes', '', n);
  await rig.remove('nodes', '', 'a');
  await c.reconcile('a');
  assert.equal(c.cidrs.allocated, 1);
  // The release re-queued the waiting node; reconciling it now succeeds.
  await c.reconcile('c');
  assert.equal(rig.get<Node>('nodes', '', 'c')?.spec?.podCIDR, '10.244.0.0/24');
});

test('a failed write keeps the subnet reserved for the node, so the retry does not leak one', async () => {
  const { rig, c } = setup();
  await rig.add('nodes', readyNode('a', 0));
  let fail = true;
  rig.api.reactors.push((_req, a) => {
    if (a.verb !== 'update' || a.resource !== 'nodes' || !fail) return undefined;
    fail = false;
    return { status: 500, headers: {}, body: Buffer.from('{"kind":"Status","code":500,"message":"boom"}') };
  });
  await assert.rejects(c.reconcile('a'));
  await c.reconcile('a');
  assert.equal(rig.get<Node>('nodes', '', 'a')?.spec?.podCIDR, '10.244.0.0/24');
  assert.equal(c.cidrs.allocated, 1);
});

test('podCIDRs outside the cluster CIDR are left alone and not counted', async () => {
  const { rig, c } = setup();
  await rig.add('nodes', readyNode('own', 0, { podCIDR: '10.64.0.0/24', podCIDRs: ['10.64.0.0/24'] }));
  await rig.add('nodes', readyNode('inside', 0, { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] }));
  await rig.add('nodes', readyNode('new', 0));
  rig.reset();
  for (const n of ['own', 'inside', 'new']) await c.reconcile(n);
  assert.deepEqual(rig.writes(), ['update nodes/new']);
  assert.equal(rig.get<Node>('nodes', '', 'new')?.spec?.podCIDR, '10.244.1.0/24');
});
