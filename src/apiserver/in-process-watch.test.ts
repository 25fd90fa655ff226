import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../api/object.ts';
import { Client } from '../client/client.ts';
import { httpTransport, type HttpTransport } from '../client/http.ts';
import { eventSinkHeader, withObjectWatches } from '../client/object-watch.ts';
import type { TransportEvent } from '../client/transport.ts';
import type { WatchEvent, WatchStream } from '../client/watch.ts';
import type { Logger } from './server.ts';
import { startControlPlane, type ControlPlane } from './start.ts';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir = '';
let cp: ControlPlane;
const transports: HttpTransport[] = [];
const admin = { name: 'test-admin', groups: ['system:masters', 'system:authenticated'] };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-inprocess-watch-'));
  cp = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, log });
});
after(async () => {
  for (const t of transports) t.close();
  await cp.close();
  await rm(dir, { recursive: true, force: true });
});

function transport(): HttpTransport {
  const t = httpTransport(
    {
      context: 'in-process',
      server: 'http://in-process',
      insecureSkipTlsVerify: false,
      namespace: 'default',
    },
    { agent: cp.server.inProcess.agent(admin) },
  );
  transports.push(t);
  return withObjectWatches(t, cp.server.inProcess);
}

/** The next `n` events of `w` (fails after 10 s). */
async function take<T extends KubeObject>(w: WatchStream<T>, n: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  const timer = setTimeout(() => w.close(), 10_000);
  for await (const ev of w) {
    out.push(ev);
    if (out.length === n) break;
  }
  clearTimeout(timer);
  assert.equal(out.length, n, `only ${out.length} of ${n} events before the watch ended`);
  return out;
}

const configMap = (name: string, data: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }) as KubeObject;

test('in-process watchers get the watch cache object itself: frozen, shared by every watcher, current', async () => {
  const a = new Client(transport()).resource<KubeObject>('', 'v1', 'configmaps');
  const b = new Client(transport()).resource<KubeObject>('', 'v1', 'configmaps');
  const created = await a.create('default', configMap('shared', { v: '1' }));
  const rv = created.metadata.resourceVersion;
  const [wa, wb] = [
    await a.watch('default', { resourceVersion: rv }),
    await b.watch('default', { resourceVersion: rv }),
  ];
  const updated = await a.update('default', { ...created, data: { v: '2' } } as KubeObject);
  const [[ea], [eb]] = await Promise.all([take(wa, 1), take(wb, 1)]);
  wa.close();
  wb.close();
  assert.equal(ea.type, 'MODIFIED');
  assert.equal(ea.object.metadata.resourceVersion, updated.metadata.resourceVersion);
  assert.deepEqual((ea.object as unknown as { data: unknown }).data, { v: '2' });
  assert.equal(ea.object, eb.object, 'both watchers hold one object');
  assert.ok(Object.isFrozen(ea.object) && Object.isFrozen(ea.object.metadata));
  assert.throws(() => {
    (ea.object.metadata as { name?: string }).name = 'changed';
  }, TypeError);
});

test('initial events and a watch error arrive through the receiver as they would as lines', async () => {
  const c = new Client(transport()).resource<KubeObject>('', 'v1', 'configmaps');
  await c.create('default', configMap('initial', { v: '1' }));
  const w = await c.watch('default', { resourceVersion: '0' });
  const names = new Set<string>();
  for await (const ev of w) {
    assert.equal(ev.type, 'ADDED');
    names.add(ev.object.metadata.name ?? '');
    if (names.has('initial')) break;
  }
  w.close();
  // A resourceVersion from the future is answered with 200 and an ERROR event (Status 504 "Too large").
  const future = await c.watch('default', { resourceVersion: '999999999' });
  await assert.rejects(
    (async () => {
      for await (const ev of future) assert.fail(`unexpected ${ev.type}`);
    })(),
    (err: Error & { code?: number }) => /Too large resource version/i.test(err.message),
  );
});

test('table watches come as lines; metadata watches hand over frozen PartialObjectMetadata', async () => {
  const t = transport();
  const query = new URLSearchParams({ watch: 'true', resourceVersion: '0' });
  const first = async (accept: string): Promise<TransportEvent> => {
    const s = await t.watchObjects!({
      method: 'GET',
      path: '/api/v1/namespaces/default/configmaps',
      query,
      accept,
    });
    assert.equal(s.status, 200);
    for await (const ev of s) {
      s.close();
      return ev;
    }
    assert.fail('no event');
  };
  const table = await first('application/json;as=Table;v=v1;g=meta.k8s.io');
  assert.equal((table.object as { kind: string }).kind, 'Table');
  assert.ok(!Object.isFrozen(table.object), 'a table line is parsed here, not handed over');
  const meta = await first('application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io');
  const m = meta.object as { kind: string; metadata: { name: string } };
  assert.equal(m.kind, 'PartialObjectMetadata');
  assert.ok(m.metadata.name);
  assert.ok(Object.isFrozen(m) && Object.isFrozen(m.metadata));
});

test('only requests on in-process connections can take a receiver', () => {
  const token = cp.server.inProcess.open(() => assert.fail('must not be called'));
  const req = (socket: unknown) =>
    ({ socket, headers: { [eventSinkHeader]: token } }) as unknown as IncomingMessage;
  assert.equal(cp.server.inProcess.takeSink(req(new Socket())), undefined);
  const inProcessSocket = cp.server.inProcess.connect(admin);
  // The server end of the pair is what a request arrives on; the client end is not in-process-authenticated.
  assert.equal(cp.server.inProcess.takeSink(req(inProcessSocket)), undefined);
  inProcessSocket.destroy();
  cp.server.inProcess.release(token);
});
