import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.ts';
import { Client } from '../client/client.ts';
import { FakeApi } from '../client/fake-api.ts';
import type { Node } from '../node/agent/agent.ts';
import { workerContext } from '../node/agent/testing.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import { UdpExchange } from './exchange.ts';
import { query } from './message.ts';
import { show } from './testing.ts';
import { ClusterDnsWorker } from './worker.ts';

const A = 1;

test('the DNS worker serves on the node address once it has one, publishes its slice, removes it on stop', async () => {
  const client = new Client(new FakeApi());
  const services = client.resource<KubeObject>('', 'v1', 'services');
  await services.create('default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.3.4', ports: [{ port: 80 }] },
  });
  const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u1' } };
  const { ctx, abort, setNode } = workerContext(client, node);
  const w = new ClusterDnsWorker({ port: 0, upstreams: [] });
  await w.start(ctx);
  const slices = client.resource<KubeObject & { endpoints?: unknown[]; ports?: { port?: number }[] }>(
    'discovery.k8s.io',
    'v1',
    'endpointslices',
  );
  const exchange = new UdpExchange();
  try {
    // No InternalIP yet: nothing published. The address arrives with a Node change.
    await assert.rejects(slices.get('kube-system', 'kube-dns-n1'), /not found/);
    setNode({ ...node, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
    const at = await w.serving();
    assert.equal(at.host, '127.0.0.1');
    const s = await slices.get('kube-system', 'kube-dns-n1');
    assert.deepEqual(s.endpoints, [
      {
        addresses: ['127.0.0.1'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'n1',
      },
    ]);
    assert.deepEqual(
      s.ports?.map((p) => p.port),
      [at.port, at.port],
    );
    const reply = decodeMessage(
      await exchange.exchange(encodeMessage(query(1, 'web.default.svc.cluster.local', A)), at, 2_000),
    );
    assert.deepEqual(reply.answers.map(show), ['A 10.96.3.4']);
  } finally {
    exchange.close();
    abort.abort();
    await w.stop();
  }
  await assert.rejects(slices.get('kube-system', 'kube-dns-n1'), /not found/);
});
