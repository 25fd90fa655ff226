import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../../client/client.ts';
import { FakeClock, settle } from '../../client/clock.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { silentLogger } from '../../client/logger.ts';
import { makePod } from '../../scheduler/fixtures.ts';
import type { Node, Pod } from '../../scheduler/types.ts';
import { SimNodes } from './sim.ts';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function rig(nodes = 3) {
  const fake = new FakeApi();
  const client = new Client(fake);
  const clock = new FakeClock();
  const sim = new SimNodes({
    client,
    nodes,
    clock,
    logger: silentLogger,
    random: () => 0,
    readyDelayMs: 1000,
    jobDurationMs: 2000,
    labels: { pool: 'sim' },
    customize: (s) =>
      s.index === 2 ? { ...s, taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } : s,
  });
  await sim.start();
  const pods = client.resource<Pod>('', 'v1', 'pods');
  const pod = (name: string) =>
    fake.list('pods', 'default').find((p) => p.metadata.name === name) as Pod | undefined;
  /** Steps the fake clock, letting the writes and watch events of each step land. */
  const step = async (ms: number) => {
    await settle();
    clock.advance(ms);
    await sim.engine.idle();
    await settle();
  };
  return { fake, client, clock, sim, pods, pod, step };
}

test('registers nodes with capacity, labels, taints, Ready condition, addresses and leases', async () => {
  const { fake, sim, clock, step } = await rig();
  const nodes = fake.list('nodes') as Node[];
  assert.deepEqual(
    nodes.map((n) => n.metadata.name),
    ['sim-0', 'sim-1', 'sim-2'],
  );
  const n0 = nodes[0]!;
  assert.deepEqual(n0.status?.allocatable, {
    cpu: '8',
    memory: '32Gi',
    pods: '110',
    'ephemeral-storage': '100Gi',
  });
  assert.equal(n0.metadata.labels?.['kubernetes.io/hostname'], 'sim-0');
  assert.equal(n0.metadata.labels?.pool, 'sim');
  assert.equal(n0.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.deepEqual(
    n0.status?.addresses?.map((a) => a.type),
    ['InternalIP', 'Hostname'],
  );
  assert.equal(n0.status?.nodeInfo?.kubeletVersion, 'v1.32.0-berth-sim');
  assert.deepEqual(nodes[2]!.spec?.taints, [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]);
  assert.equal(new Set(nodes.map((n) => n.status?.addresses?.[0]?.address)).size, 3);
  const leases = fake.list('leases', 'kube-node-lease');
  assert.deepEqual(
    leases.map((l) => (l.spec as { holderIdentity: string }).holderIdentity),
    ['sim-0', 'sim-1', 'sim-2'],
  );

  const renewals = () => fake.actions.filter((a) => a.resource === 'leases' && a.verb === 'update').length;
  const before = renewals();
  await step(10_000);
  await until(() => renewals() === before + 3, 'lease renewals');
  await sim.stop();
  const after = renewals();
  clock.advance(60_000);
  await settle();
  assert.equal(renewals(), after, 'no heartbeats after stop');
  assert.equal(fake.list('nodes').length, 3, 'nodes stay after stop');
});

test('plays pod lifecycles: Running/Ready after the ready delay, Succeeded for job pods, delete when deleting', async () => {
  const { fake, sim, pods, pod, step } = await rig();
  const on = (p: Pod, node: string): Pod => ({ ...p, spec: { ...p.spec, nodeName: node } });
  await pods.create('default', on(makePod('web'), 'sim-0'));
  await pods.create('default', on(makePod('job', {}, { restartPolicy: 'Never' }), 'sim-1'));
  await pods.create('default', on(makePod('elsewhere'), 'real-node'));
  await pods.create('default', makePod('pending'));
  await step(999);
  assert.equal(pod('web')?.status?.phase, 'Pending');
  await step(1);
  await until(() => pod('web')?.status?.phase === 'Running', 'web running');
  const web = pod('web')!;
  const st = web.status as Record<string, unknown> & Pod['status'];
  assert.deepEqual(
    st?.conditions?.map((c) => `${c.type}=${c.status}`),
    [
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ],
  );
  assert.match(st?.podIP ?? '', /^10\.64\.0\.\d+$/);
  assert.equal(st?.hostIP, '10.200.0.1');
  assert.ok(st?.startTime);
  assert.deepEqual(
    (st?.containerStatuses as { ready: boolean; state: object }[]).map((c) => [
      c.ready,
      Object.keys(c.state),
    ]),
    [[true, ['running']]],
  );
  await until(() => pod('job')?.status?.phase === 'Running', 'job running');
  assert.equal(pod('elsewhere')?.status?.phase, 'Pending', 'pods on other nodes are not ours');
  assert.equal(pod('pending')?.status?.phase, 'Pending', 'unbound pods are not ours');

  await step(2000);
  await until(() => pod('job')?.status?.phase === 'Succeeded', 'job succeeded');
  const term = (
    pod('job')!.status!.containerStatuses as { state: { terminated: { exitCode: number; reason: string } } }[]
  )[0]!.state.terminated;
  assert.deepEqual([term.exitCode, term.reason], [0, 'Completed']);
  await step(10_000);
  assert.equal(pod('web')?.status?.phase, 'Running', 'a service pod keeps running');

  await pods.patch('default', 'web', 'merge', { metadata: { deletionTimestamp: '2025-01-01T00:00:30Z' } });
  await step(0);
  await until(() => !pod('web'), 'web deleted');
  const del = fake.actions.find((a) => a.verb === 'delete' && a.name === 'web');
  assert.equal((del?.body as { gracePeriodSeconds?: number }).gracePeriodSeconds, 0);
  await sim.stop();
});

test('a running pod marked not Ready is Ready again once its node is Ready, not before', async () => {
  const { client, sim, pods, pod, step } = await rig();
  const on = (p: Pod, node: string): Pod => ({ ...p, spec: { ...p.spec, nodeName: node } });
  await pods.create('default', on(makePod('web'), 'sim-0'));
  await step(1000);
  await until(() => pod('web')?.status?.phase === 'Running', 'web running');
  const readyOf = () => pod('web')?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  assert.equal(readyOf(), 'True');

  // What the node lifecycle controller does to a node whose heartbeats stopped, then to its pods.
  const nodes = client.resource<Node>('', 'v1', 'nodes');
  const setNodeReady = async (status: string) => {
    const n = await nodes.get(undefined, 'sim-0');
    const conditions = (n.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status } : c));
    await nodes.patch(undefined, 'sim-0', 'merge', { status: { conditions } }, { subresource: 'status' });
  };
  await setNodeReady('Unknown');
  const conditions = pod('web')!.status!.conditions!.map((c) =>
    c.type === 'Ready' ? { ...c, status: 'False' } : c,
  );
  await pods.patch('default', 'web', 'merge', { status: { conditions } }, { subresource: 'status' });
  await step(5000);
  assert.equal(readyOf(), 'False', 'left alone while its node is not Ready');

  await setNodeReady('True');
  await step(0);
  await until(() => readyOf() === 'True', 'web Ready again');
  assert.equal(pod('web')?.status?.phase, 'Running');
  await sim.stop();
});

test('a node marked Unknown while the sim still beats posts Ready again at the next heartbeat', async () => {
  const { client, sim, step } = await rig(1);
  const nodes = client.resource<Node>('', 'v1', 'nodes');
  const readyOf = async () =>
    (await nodes.get(undefined, 'sim-0')).status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const n = await nodes.get(undefined, 'sim-0');
  const conditions = (n.status?.conditions ?? []).map((c) =>
    c.type === 'Ready' ? { ...c, status: 'Unknown' } : c,
  );
  await nodes.patch(undefined, 'sim-0', 'merge', { status: { conditions } }, { subresource: 'status' });
  await step(5000);
  assert.equal(await readyOf(), 'Unknown', 'not before the next heartbeat');
  await step(5000);
  for (let i = 0; i < 100 && (await readyOf()) !== 'True'; i++) await step(0);
  assert.equal(await readyOf(), 'True');
  await sim.stop();
});
