import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import { Client } from './client.ts';
import { FakeClock } from './clock.ts';
import { EventRecorder } from './events.ts';
import { FakeApi } from './fake-api.ts';
import { silentLogger } from './logger.ts';
import type { TransportRequest, TransportResponse, TransportStream } from './transport.ts';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', resourceVersion: '7' },
};

function setup() {
  const api = new FakeApi();
  const clock = new FakeClock(Date.UTC(2025, 5, 1, 12, 0, 0));
  const rec = new EventRecorder({
    client: new Client(api),
    component: 'test-controller',
    host: 'node1',
    clock,
    logger: silentLogger,
  });
  return { api, clock, rec };
}

test('the first event creates a core/v1 Event with the source and the involved object', async () => {
  const { api, rec } = setup();
  rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  await rec.flush();
  const [ev] = api.list('events', 'shop');
  assert.match(ev.metadata.name ?? '', /^web-1\.[0-9a-f]+$/);
  assert.deepEqual(ev.involvedObject, {
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'shop',
    name: 'web-1',
    uid: 'u1',
    resourceVersion: '7',
  });
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.reason, 'BackOff');
  assert.equal(ev.count, 1);
  assert.deepEqual(ev.source, { component: 'test-controller', host: 'node1' });
  assert.equal(ev.firstTimestamp, '2025-06-01T12:00:00Z');
  assert.equal(ev.reportingComponent, 'test-controller');
});

test('repeats are aggregated: PATCH count and lastTimestamp; any difference makes a new Event', async () => {
  const { api, clock, rec } = setup();
  rec.event(pod, 'Warning', 'BackOff', 'again');
  clock.advance(30_000);
  rec.event({ ...pod, metadata: { ...pod.metadata, resourceVersion: '8' } }, 'Warning', 'BackOff', 'again');
  rec.event(pod, 'Warning', 'BackOff', 'again');
  await rec.flush();
  let events = api.list('events', 'shop');
  assert.equal(events.length, 1);
  assert.equal(events[0].count, 3);
  assert.equal(events[0].firstTimestamp, '2025-06-01T12:00:00Z');
  assert.equal(events[0].lastTimestamp, '2025-06-01T12:00:30Z');
  assert.deepEqual(
    api.writes().map((w) => w.verb),
    ['create', 'patch', 'patch'],
  );

  const variants: [string, string, string][] = [
    ['Normal', 'BackOff', 'again'],
    ['Warning', 'Other', 'again'],
    ['Warning', 'BackOff', 'different'],
  ];
  for (const [type, reason, message] of variants)
    rec.event(pod, type as 'Normal' | 'Warning', reason, message);
  await rec.flush();
  events = api.list('events', 'shop');
  assert.equal(events.length, 4);
});

test('an aggregated Event that was deleted is created afresh; cluster-scoped objects get events in default', async () => {
  const { api, rec } = setup();
  rec.event(pod, 'Normal', 'Pulled', 'ok');
  await rec.flush();
  const [first] = api.list('events', 'shop');
  await new Client(api).resource('', 'v1', 'events').delete('shop', first.metadata.name ?? '');
  rec.event(pod, 'Normal', 'Pulled', 'ok');
  await rec.flush();
  const now = api.list('events', 'shop');
  assert.equal(now.length, 1);
  assert.equal(now[0].count, 1);
  rec.event(
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } },
    'Normal',
    'Ready',
    'node is ready',
  );
  await rec.flush();
  assert.equal(api.list('events', 'default').length, 1);
});

test('a failed write is logged, not thrown, and later events still go out', async () => {
  const { api, rec } = setup();
  let fail = true;
  api.reactors.push((_r, a) =>
    fail && a.verb === 'create' ? { status: 500, headers: {}, body: Buffer.from('') } : undefined,
  );
  rec.event(pod, 'Normal', 'A', 'a');
  await rec.flush();
  fail = false;
  rec.event(pod, 'Normal', 'B', 'b');
  await rec.flush();
  assert.deepEqual(
    api.list('events', 'shop').map((e) => e.reason),
    ['B'],
  );
});

/** A transport that answers every write 201 with its body, after `gate` opens; counts writes in flight. */
function gatedApi() {
  const t = {
    active: 0,
    maxActive: 0,
    written: [] as string[],
    opened: [] as (() => void)[],
    async request(req: TransportRequest): Promise<TransportResponse> {
      t.active++;
      t.maxActive = Math.max(t.maxActive, t.active);
      await new Promise<void>((resolve) => t.opened.push(resolve));
      t.active--;
      t.written.push((req.body as { reason: string }).reason);
      return { status: 201, headers: {}, body: Buffer.from(JSON.stringify(req.body)) };
    },
    stream(): Promise<TransportStream> {
      throw new Error('not used');
    },
    /** Lets every write waiting now finish; resolves once their answers are processed. */
    async release(): Promise<void> {
      for (const open of t.opened.splice(0)) open();
      await new Promise((r) => setImmediate(r));
    },
  };
  return t;
}

test('at most maxInflight writes are on the wire; the rest wait their turn in order and all go out', async () => {
  const api = gatedApi();
  const rec = new EventRecorder({
    client: new Client(api),
    component: 'c',
    logger: silentLogger,
    maxInflight: 3,
  });
  for (let i = 0; i < 10; i++)
    rec.event({ ...pod, metadata: { ...pod.metadata, name: `p${i}` } }, 'Normal', `R${i}`, 'm');
  const done = rec.flush();
  await new Promise((r) => setImmediate(r));
  assert.equal(api.active, 3, 'three writes went out at once');
  while (api.written.length < 10) await api.release();
  await done;
  assert.equal(api.maxActive, 3);
  assert.deepEqual(api.written, ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9']);
});

test('past maxQueued waiting writes, new events are dropped and the drop is logged', async () => {
  const api = gatedApi();
  const logged: string[] = [];
  const logger = { ...silentLogger, error: (_o: object, msg: string) => void logged.push(msg) };
  const rec = new EventRecorder({
    client: new Client(api),
    component: 'c',
    logger,
    maxInflight: 1,
    maxQueued: 2,
  });
  const at = (i: number) => ({ ...pod, metadata: { ...pod.metadata, name: `p${i}` } });
  for (let i = 0; i < 6; i++) {
    rec.event(at(i), 'Normal', `R${i}`, 'm');
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(logged, ['event queue full: events dropped']);
  while (api.opened.length > 0 || api.active > 0) await api.release();
  await rec.flush();
  assert.deepEqual(api.written, ['R0', 'R1', 'R2'], 'one on the wire and two waiting were kept');
});
