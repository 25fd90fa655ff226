import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import { Client } from './client.ts';
import { FakeClock } from './clock.ts';
import { EventRecorder } from './events.ts';
import { FakeApi } from './fake-api.ts';
import { silentLogger } from './logger.ts';

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
