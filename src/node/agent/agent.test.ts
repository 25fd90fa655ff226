import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { FakeClock, settle } from '../../client/clock.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { Agent, type AgentContext, type PodWorker } from './agent.ts';
import type { HostInfo } from './host-info.ts';
import type { RuntimeInfo } from './runtime.ts';

const GiB = 1024 ** 3;

function rig(hostOver: Partial<HostInfo> = {}) {
  const api = new FakeApi();
  const client = new Client(api);
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const host: HostInfo = {
    hostname: 'box',
    cpus: 2,
    memTotalBytes: 8 * GiB,
    memAvailableBytes: 4 * GiB,
    storageTotalBytes: 50 * GiB,
    storageAvailableBytes: 40 * GiB,
    pids: 100,
    pidMax: 32768,
    osImage: 'Test OS',
    kernelVersion: '6.1.0',
    operatingSystem: 'linux',
    architecture: 'amd64',
    internalIP: '10.1.2.3',
    machineID: 'm',
    bootID: 'b',
    systemUUID: 'u',
    ...hostOver,
  };
  const runtime: RuntimeInfo = {
    version: async () => 'containerd://1.6.20',
    status: async () => ({ ready: true }),
  };
  const agent = new Agent({
    client,
    nodeName: 'n1',
    dataDir: '/tmp',
    clock,
    runtime,
    readHost: async () => host,
  });
  const node = () => client.resource('', 'v1', 'nodes').get(undefined, 'n1');
  const lease = () => client.resource('coordination.k8s.io', 'v1', 'leases').get('kube-node-lease', 'n1');
  const writes = () => api.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch');
  return { api, client, clock, host, agent, node, lease, writes };
}

/** Lets the agent's loops run after the clock moved. */
async function tick(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle(30);
}

test('start registers the Node with status and takes the Lease, owned by the Node', async () => {
  const r = rig();
  await r.agent.start();
  const node = await r.node();
  assert.equal((node.metadata.labels as Record<string, string>)['kubernetes.io/hostname'], 'n1');
  const st = node.status as {
    capacity: Record<string, string>;
    nodeInfo: Record<string, string>;
    conditions: { type: string; status: string }[];
  };
  assert.equal(st.capacity.cpu, '2');
  assert.equal(st.nodeInfo.containerRuntimeVersion, 'containerd://1.6.20');
  assert.equal(st.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  const lease = await r.lease();
  assert.deepEqual(
    [lease.spec, lease.metadata.ownerReferences?.[0]?.name],
    [{ holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' }, 'n1'],
  );
  await r.agent.stop();
});

test('the Lease is renewed every 10 s; status is posted only on change or every 5 min', async () => {
  const r = rig();
  await r.agent.start();
  r.api.actions.length = 0;
  await tick(r.clock, 10_000);
  assert.equal(((await r.lease()).spec as { renewTime?: string }).renewTime, '2026-01-01T00:00:10.000000Z');
  const statusPosts = () =>
    r.writes().filter((a) => a.resource === 'nodes' && a.subresource === 'status').length;
  assert.equal(statusPosts(), 0, 'nothing changed: no status post');
  r.host.memAvailableBytes = 10 * 1024 * 1024; // memory pressure
  await tick(r.clock, 10_000);
  assert.equal(statusPosts(), 1);
  const conds = (
    (await r.node()).status as { conditions: { type: string; status: string; lastHeartbeatTime: string }[] }
  ).conditions;
  assert.equal(conds.find((c) => c.type === 'MemoryPressure')?.status, 'True');
  assert.equal(conds.find((c) => c.type === 'Ready')?.lastHeartbeatTime, '2026-01-01T00:00:20Z');
  for (let i = 0; i < 30; i++) await tick(r.clock, 10_000);
  assert.equal(statusPosts(), 2, 'a report after 5 min without change');
  await r.agent.stop();
});

test('a restarted agent adopts its existing Node', async () => {
  const r = rig();
  await r.client.resource('', 'v1', 'nodes').create(undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', labels: { team: 'a' } },
    spec: { podCIDR: '10.244.1.0/24' },
  } as KubeObject);
  await r.agent.start();
  const node = await r.node();
  assert.equal((node.metadata.labels as Record<string, string>).team, 'a');
  assert.equal((node.metadata.labels as Record<string, string>)['kubernetes.io/os'], 'linux');
  assert.ok((node.status as { nodeInfo?: unknown }).nodeInfo);
  assert.equal(r.agent.podCIDR(), '10.244.1.0/24');
  await r.agent.stop();
});

test('pod workers start after registration, see podCIDR changes, and stop in reverse order', async () => {
  const r = rig();
  const events: string[] = [];
  let ctx: AgentContext | undefined;
  const worker = (name: string): PodWorker => ({
    name,
    async start(c) {
      events.push(`start ${name} registered=${!!c.node()}`);
      ctx = c;
      c.onNodeChange((n) => events.push(`${name} sees ${(n.spec as { podCIDR?: string }).podCIDR}`));
    },
    async stop() {
      events.push(`stop ${name} aborted=${ctx?.signal.aborted}`);
    },
  });
  r.agent.addWorker(worker('pods'));
  r.agent.addWorker(worker('proxy'));
  await r.agent.start();
  assert.throws(() => r.agent.addWorker(worker('late')), /already started/);
  await r.client
    .resource('', 'v1', 'nodes')
    .patch(undefined, 'n1', 'merge', { spec: { podCIDR: '10.244.7.0/24' } });
  await tick(r.clock, 10_000);
  await r.agent.stop();
  assert.deepEqual(events, [
    'start pods registered=true',
    'start proxy registered=true',
    'pods sees 10.244.7.0/24',
    'proxy sees 10.244.7.0/24',
    'stop proxy aborted=true',
    'stop pods aborted=true',
  ]);
});

test('registration errors are thrown (a 403 will not fix itself)', async () => {
  const r = rig();
  r.api.reactors.push((_req, a) =>
    a.resource === 'nodes' && a.verb === 'create'
      ? {
          status: 403,
          headers: {},
          body: Buffer.from(
            JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'Forbidden',
              code: 403,
              message: 'nope',
            }),
          ),
        }
      : undefined,
  );
  await assert.rejects(r.agent.start(), /nope/);
});
