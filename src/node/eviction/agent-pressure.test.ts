/** The agent posts the eviction manager's pressure verdict at once, replacing the host check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../client/client.ts';
import { FakeClock, settle } from '../../client/clock.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { Agent, type AgentContext } from '../agent/agent.ts';
import type { HostInfo } from '../agent/host-info.ts';

const GiB = 1024 ** 3;

test('setPressure posts MemoryPressure/DiskPressure at once and overrides the host thresholds', async () => {
  const client = new Client(new FakeApi());
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
  };
  let ctx: AgentContext | undefined;
  const agent = new Agent({
    client,
    nodeName: 'n1',
    dataDir: '/tmp',
    clock: new FakeClock(Date.UTC(2026, 0, 1)),
    readHost: async () => host,
    workers: [{ name: 'capture', start: async (c) => void (ctx = c), stop: async () => {} }],
  });
  await agent.start();
  const conditions = async () => {
    const n = await client.resource('', 'v1', 'nodes').get(undefined, 'n1');
    const list = (n.status as { conditions: { type: string; status: string; reason: string }[] }).conditions;
    return Object.fromEntries(list.map((c) => [c.type, `${c.status} ${c.reason}`]));
  };
  assert.equal((await conditions()).MemoryPressure, 'False KubeletHasSufficientMemory');

  ctx!.setPressure!({ MemoryPressure: true, DiskPressure: false });
  await settle(30);
  let c = await conditions();
  assert.equal(
    c.MemoryPressure,
    'True KubeletHasInsufficientMemory',
    'posted without waiting for a heartbeat',
  );
  assert.equal(c.DiskPressure, 'False KubeletHasNoDiskPressure');

  ctx!.setPressure!({ MemoryPressure: false, DiskPressure: false });
  await settle(30);
  c = await conditions();
  assert.equal(c.MemoryPressure, 'False KubeletHasSufficientMemory');
  await agent.stop();
});
