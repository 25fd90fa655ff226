import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { realClock } from '../../client/clock.ts';
import { FakeApi } from '../../client/fake-api.ts';
import { silentLogger } from '../../client/logger.ts';
import type { AgentContext } from '../agent/agent.ts';
import { noRuntime } from '../agent/runtime.ts';
import { PodNetworkWorker } from './pod-network.ts';
import type { Runner } from './routes.ts';

const nodeObj = (name: string, podCIDR: string | undefined, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: podCIDR ? { podCIDR } : {},
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});

/** A fake `ip`/`nft`: keeps proto-250 routes in a map and records nft scripts. */
function fakeHost() {
  const routes = new Map<string, string>([['10.244.9.0/24', '172.30.0.9']]); // left by an earlier run
  const nft: string[] = [];
  let failNext = 0;
  const runner: Runner = async (argv, o) => {
    const a = argv.join(' ');
    if (failNext > 0) {
      failNext--;
      return { code: 2, stdout: '', stderr: 'RTNETLINK answers: Network is unreachable' };
    }
    if (a.startsWith('ip -j -4 route show proto 250'))
      return {
        code: 0,
        stdout: JSON.stringify([...routes].map(([dst, gateway]) => ({ dst, gateway }))),
        stderr: '',
      };
    let m = /^ip route replace (\S+) via (\S+) proto 250$/.exec(a);
    if (m) routes.set(m[1]!, m[2]!);
    m = /^ip route del (\S+) via (\S+) proto 250$/.exec(a);
    if (m) routes.delete(m[1]!);
    if (argv[0] === 'nft') nft.push(o?.input ?? '');
    return { code: 0, stdout: '', stderr: '' };
  };
  return { routes, nft, runner, failOnce: (n = 1) => (failNext = n) };
}

async function until(what: string, ok: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function rig() {
  const api = new FakeApi();
  const client = new Client(api);
  const host = fakeHost();
  const abort = new AbortController();
  const ctx: AgentContext = {
    client,
    nodeName: 'a',
    dataDir: '/nonexistent',
    runtime: noRuntime,
    clock: realClock,
    log: silentLogger,
    signal: abort.signal,
    node: () => undefined,
    onNodeChange: () => () => {},
  };
  const nodes = client.resource('', 'v1', 'nodes');
  return { api, nodes, host, ctx, abort };
}

test('routes follow the Nodes: join, address change, leave; stale own routes pruned; masquerade once', async () => {
  const { nodes, host, ctx, abort } = rig();
  await nodes.create(undefined, nodeObj('a', '10.244.0.0/24', '172.30.0.2'));
  await nodes.create(undefined, nodeObj('b', '10.244.1.0/24', '172.30.0.3'));
  const w = new PodNetworkWorker({ clusterCidr: '10.244.0.0/16', runner: host.runner });
  await w.start(ctx);
  try {
    assert.deepEqual([...host.routes], [['10.244.1.0/24', '172.30.0.3']], 'stale route pruned, b routed');
    assert.equal(host.nft.length, 1);
    assert.match(host.nft[0]!, /ip saddr 10\.244\.0\.0\/24 ip daddr != 10\.244\.0\.0\/16 .* masquerade/);

    // A node joins without a CIDR, then gets one.
    await nodes.create(undefined, nodeObj('c', undefined, '172.30.0.4'));
    const c = await nodes.get(undefined, 'c');
    await nodes.update(undefined, { ...c, spec: { podCIDR: '10.244.2.0/24' } });
    await until('route to c', () => host.routes.get('10.244.2.0/24') === '172.30.0.4');

    // b changes address.
    const b = await nodes.get(undefined, 'b');
    await nodes.update(undefined, {
      ...b,
      status: { addresses: [{ type: 'InternalIP', address: '172.30.0.13' }] },
    });
    await until('route to b moves', () => host.routes.get('10.244.1.0/24') === '172.30.0.13');

    // c leaves.
    await nodes.delete(undefined, 'c');
    await until('route to c removed', () => !host.routes.has('10.244.2.0/24'));
    assert.deepEqual([...host.routes], [['10.244.1.0/24', '172.30.0.13']]);
    assert.equal(host.nft.length, 1, 'masquerade rule not re-applied when nothing about it changed');
  } finally {
    abort.abort();
    await w.stop();
  }
});

test('a failed sync is retried', async () => {
  const { nodes, host, ctx, abort } = rig();
  await nodes.create(undefined, nodeObj('a', '10.244.0.0/24', '172.30.0.2'));
  await nodes.create(undefined, nodeObj('b', '10.244.1.0/24', '172.30.0.3'));
  host.failOnce(1);
  const w = new PodNetworkWorker({ runner: host.runner, maxRetryMs: 50 });
  await w.start(ctx);
  try {
    await until('route after retry', () => host.routes.get('10.244.1.0/24') === '172.30.0.3');
  } finally {
    abort.abort();
    await w.stop();
  }
});

test('masquerade: false programs routes only', async () => {
  const { nodes, host, ctx, abort } = rig();
  await nodes.create(undefined, nodeObj('a', '10.244.0.0/24', '172.30.0.2'));
  const w = new PodNetworkWorker({ runner: host.runner, masquerade: false });
  await w.start(ctx);
  abort.abort();
  await w.stop();
  assert.equal(host.nft.length, 0);
  assert.deepEqual(w.lastSync?.routes, []);
});
