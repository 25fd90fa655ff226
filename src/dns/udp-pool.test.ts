import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { KubeObject } from '../api/object.ts';
import { Client } from '../client/client.ts';
import { FakeApi } from '../client/fake-api.ts';
import { silentLogger } from '../client/logger.ts';
import { startClusterDns } from './cluster-dns.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import { UdpExchange } from './exchange.ts';
import { query, Rcode, type Message } from './message.ts';
import { show } from './testing.ts';

const A = 1;
const NAME = 'web.default.svc.cluster.local';

/** Polls `check` until it passes (generous: the machine may be loaded). */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await check();
    } catch (err) {
      if (i >= 200) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

test('UDP threads share the port, answer from replicas that follow every change, and stop with the server', async () => {
  const client = new Client(new FakeApi());
  const services = client.resource<
    KubeObject & { spec?: { clusterIP?: string; ports?: { port: number }[] } }
  >('', 'v1', 'services');
  await services.create('default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.3.4', ports: [{ port: 80 }] },
  });
  const dns = await startClusterDns({
    client,
    listen: { host: '127.0.0.1', port: 0 },
    upstreams: [],
    udpThreads: 2,
    logger: silentLogger,
  });
  assert.equal(dns.udpThreads, 2);
  const at = { host: '127.0.0.1', port: dns.port };
  // Many client sockets (source ports), so the kernel spreads them over the three sockets.
  const clients = Array.from({ length: 24 }, () => new UdpExchange());
  const askAll = async (): Promise<Message[]> =>
    Promise.all(
      clients.map(async (c, i) =>
        decodeMessage(await c.exchange(encodeMessage(query(i, NAME, A)), at, 2_000)),
      ),
    );
  try {
    const first = await askAll();
    for (const m of first) assert.deepEqual(m.answers.map(show), ['A 10.96.3.4']);
    assert.ok(
      dns.server.stats.queries < clients.length,
      `threads answered some queries (main thread saw ${dns.server.stats.queries} of ${clients.length})`,
    );

    // A change reaches every replica (and drops every answer cache).
    const cur = await services.get('default', 'web');
    await services.update('default', { ...cur, spec: { ...cur.spec, clusterIP: '10.96.3.5' } });
    await eventually(async () => {
      for (const m of await askAll()) assert.deepEqual(m.answers.map(show), ['A 10.96.3.5']);
    });
    await services.delete('default', 'web');
    await eventually(async () => {
      for (const m of await askAll()) assert.equal(m.rcode, Rcode.NXDOMAIN);
    });
  } finally {
    for (const c of clients) c.close();
    await dns.close();
  }
  // Every socket is closed: a plain (non-reuseport) bind of the same port succeeds.
  const probe = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.bind(dns.port, '127.0.0.1', () => resolve());
  });
  probe.close();
});
