/**
 * Service ClusterIP / NodePort allocation across API servers: two `berth server` processes on one
 * etcd create NodePort Services concurrently (half through each) and never hand out the same address
 * or port; a server started after a restart allocates around everything already taken.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { etcdBinary, startEtcd } from '../helpers/etcd.ts';
import { e2eSkip } from '../helpers/e2e.ts';
import { httpsClient, type HttpsClient } from '../helpers/https.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

interface Svc {
  metadata: { name: string };
  spec: { clusterIP: string; ports: { nodePort: number }[] };
}

function nodePortService(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ name: 'http', port: 80 }] },
  });
}

async function create(client: HttpsClient, name: string): Promise<Svc> {
  const res = await client.request('POST', '/api/v1/namespaces/default/services', {
    body: nodePortService(name),
    headers: { 'content-type': 'application/json' },
    timeoutMs: 30_000,
  });
  assert.equal(res.status, 201, `create ${name}: ${res.body}`);
  return JSON.parse(res.body) as Svc;
}

async function listAll(client: HttpsClient): Promise<Svc[]> {
  const res = await client.request('GET', '/api/v1/services');
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { items: Svc[] }).items;
}

function assertDistinct(services: Svc[]): void {
  const ips = services.map((s) => s.spec.clusterIP);
  const ports = services.flatMap((s) => s.spec.ports.map((p) => p.nodePort).filter((p) => p));
  const dup = (xs: (string | number)[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
  assert.deepEqual(dup(ips), [], 'duplicate cluster IPs');
  assert.deepEqual(dup(ports), [], 'duplicate node ports');
}

describe(
  'service allocation with two API servers on one etcd',
  {
    skip:
      e2eSkip({ kubectl: false }) ||
      (etcdBinary() ? false : 'etcd is not installed (apt-get install etcd-server)'),
  },
  () => {
    test(
      'concurrent NodePort Services through both servers get distinct ClusterIPs and NodePorts, also after a restart',
      { timeout: 120_000 },
      async () => {
        const etcd = await startEtcd();
        const datastore = 'etcd://' + etcd.endpoints.map((u) => u.replace(/^http:\/\//, '')).join(',');
        const servers: TestServer[] = [];
        const clients: HttpsClient[] = [];
        const start = async () => {
          const s = await startServer({ args: ['--datastore', datastore], readyTimeoutMs: 60_000 });
          servers.push(s);
          const c = httpsClient(s.connection, 8);
          clients.push(c);
          return { s, c };
        };
        try {
          // One after the other: both create the cluster's bootstrap objects if missing.
          const a = await start();
          const b = await start();
          const made = await Promise.all(
            Array.from({ length: 50 }, (_, i) => create(i % 2 ? b.c : a.c, `np-${i}`)),
          );
          assertDistinct(made);
          for (const s of made)
            assert.ok(s.spec.ports[0].nodePort >= 30000 && s.spec.ports[0].nodePort <= 32767);
          const listed = await listAll(b.c);
          assert.equal(listed.filter((s) => s.metadata.name.startsWith('np-')).length, 50);
          assertDistinct(listed);

          // Restart: server A goes away, C comes up on the same etcd; allocations made before survive.
          await a.s.stop();
          const c = await start();
          const more = await Promise.all(
            Array.from({ length: 20 }, (_, i) => create(i % 2 ? b.c : c.c, `after-${i}`)),
          );
          const taken = new Set(made.map((s) => s.spec.clusterIP));
          const takenPorts = new Set(made.map((s) => s.spec.ports[0].nodePort));
          for (const s of more) {
            assert.ok(!taken.has(s.spec.clusterIP), `${s.metadata.name} reused ${s.spec.clusterIP}`);
            assert.ok(
              !takenPorts.has(s.spec.ports[0].nodePort),
              `${s.metadata.name} reused ${s.spec.ports[0].nodePort}`,
            );
          }
          assertDistinct(await listAll(c.c));
        } catch (err) {
          for (const s of servers) console.log(`--- ${s.url}\n${s.logs().slice(-4000)}`);
          throw err;
        } finally {
          for (const c of clients) c.close();
          for (const s of servers) await s.stop();
          await etcd.stop();
        }
      },
    );
  },
);
