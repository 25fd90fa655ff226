import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Client } from '../client/client.ts';
import { FakeClock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { FakeApi, type FakeAction } from '../client/fake-api.ts';
import { informerFactory } from '../client/informer.ts';
import { silentLogger } from '../client/logger.ts';
import type { ControllerContext } from '../controllers/types.ts';
import { makeNode, makePod } from './fixtures.ts';
import { schedulerController } from './scheduler.ts';
import { storageFakeResources } from '../controllers/persistentvolume/testing.ts';
import type { Node, Pod } from './types.ts';

interface Rig {
  fake: FakeApi;
  ctx: ControllerContext;
  stop(): Promise<void>;
  bindings(): string[];
  events(reason: string): string[];
  pod(name: string): Pod;
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/**
 * A scheduler over FakeApi. With `applyBindings` the fake sets spec.nodeName on binding as the real
 * server does; without it bindings are accepted but never show up (the informer lags forever).
 */
async function rig(nodes: Node[], pods: Pod[], applyBindings = true): Promise<Rig> {
  const fake = new FakeApi(storageFakeResources);
  fake.reactors.push((req, a) => {
    if (a.subresource !== 'binding' || a.verb !== 'create') return undefined;
    const node = (a.body as { target: { name: string } }).target.name;
    if (applyBindings) {
      void fake.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/${a.namespace}/pods/${a.name}`,
        body: { spec: { nodeName: node } },
        contentType: 'application/merge-patch+json',
      });
    }
    return { status: 201, headers: {}, body: Buffer.from('{"kind":"Status","status":"Success"}') };
  });
  const client = new Client(fake);
  for (const n of nodes) await client.resource('', 'v1', 'nodes').create(undefined, n);
  for (const p of pods) await client.resource('', 'v1', 'pods').create('default', p);
  const clock = new FakeClock();
  const abort = new AbortController();
  const informers = informerFactory(client, { clock, logger: silentLogger });
  const recorders: EventRecorder[] = [];
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => {
      const r = new EventRecorder({ client, component, clock, logger: silentLogger });
      recorders.push(r);
      return r;
    },
    log: silentLogger,
    clock,
    signal: abort.signal,
  };
  const c = schedulerController();
  await c.start(ctx);
  informers.start();
  await informers.waitForCacheSync();
  const stop = async () => {
    abort.abort();
    await c.stop();
    await informers.shutdown();
  };
  stops.push(stop);
  const writes = (): FakeAction[] => fake.actions;
  return {
    fake,
    ctx,
    stop,
    bindings: () =>
      writes()
        .filter((a) => a.subresource === 'binding')
        .map((a) => `${a.name}->${(a.body as { target: { name: string } }).target.name}`),
    events: (reason) =>
      fake
        .list('events', 'default')
        .filter((e) => e.reason === reason)
        .map((e) => `${(e.involvedObject as { name: string }).name}: ${e.message as string}`),
    pod: (name) => fake.list('pods', 'default').find((p) => p.metadata.name === name) as Pod,
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const taint = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };

test('binds pending pods through pods/binding, avoiding tainted nodes, and ignores other schedulers', async () => {
  const r = await rig(
    [makeNode('n1'), makeNode('n2', { taints: [taint] })],
    [
      makePod('a', { cpu: '1' }),
      makePod('b', { cpu: '1' }),
      makePod('other', {}, { schedulerName: 'my-scheduler' }),
      makePod('bound', {}, { nodeName: 'n2' }),
    ],
  );
  await until(() => r.bindings().length === 2, 'two bindings');
  assert.deepEqual(r.bindings().sort(), ['a->n1', 'b->n1']);
  await until(() => r.events('Scheduled').length === 2, 'Scheduled events');
  assert.ok(r.events('Scheduled').includes('a: Successfully assigned default/a to n1'));
  assert.equal(r.pod('other').spec?.nodeName, undefined);
});

test('assumed pods count until the informer sees the binding; the loser gets FailedScheduling and PodScheduled=False', async () => {
  const r = await rig(
    [makeNode('n1', { cpu: '1' })],
    [makePod('first', { cpu: '1' }), makePod('second', { cpu: '1' })],
    false,
  );
  await until(() => r.events('FailedScheduling').length === 1, 'FailedScheduling');
  assert.equal(r.bindings().length, 1);
  const loser = r.bindings()[0]!.startsWith('first') ? 'second' : 'first';
  const msg =
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
  assert.deepEqual(r.events('FailedScheduling'), [`${loser}: ${msg}`]);
  await until(() => !!r.pod(loser).status?.conditions?.length, 'condition');
  const cond = r.pod(loser).status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.deepEqual(
    { status: cond?.status, reason: cond?.reason, message: cond?.message },
    { status: 'False', reason: 'Unschedulable', message: msg },
  );
});

test('an unschedulable pod is scheduled after a node is added', async () => {
  const r = await rig([makeNode('small', { cpu: '1' })], [makePod('big', { cpu: '2' })]);
  await until(() => r.events('FailedScheduling').length === 1, 'FailedScheduling');
  await r.ctx.client.resource('', 'v1', 'nodes').create(undefined, makeNode('large', { cpu: '8' }));
  // The pod failed moments ago: it goes to backoff (1 s on the fake clock) before its retry.
  await until(() => (r.ctx.clock as FakeClock).waiting > 0, 'backoff timer');
  (r.ctx.clock as FakeClock).advance(1000);
  await until(() => r.bindings().length === 1, 'binding');
  assert.deepEqual(r.bindings(), ['big->large']);
});

test('preemption deletes lower-priority victims and nominates the node', async () => {
  const r = await rig(
    [makeNode('n1', { cpu: '2' })],
    [
      makePod('victim', { cpu: '2' }, { nodeName: 'n1', priority: 1 }),
      makePod('vip', { cpu: '2' }, { priority: 1000 }),
    ],
  );
  await until(
    () => r.fake.writes().some((a) => a.verb === 'delete' && a.name === 'victim'),
    'victim deleted',
  );
  await until(() => r.pod('vip').status?.nominatedNodeName === 'n1', 'nominatedNodeName');
  (r.ctx.clock as FakeClock).advance(1000);
  await until(() => r.bindings().includes('vip->n1'), 'vip bound');
  assert.ok(r.events('Preempted').some((e) => e.startsWith('victim: Preempted by pod')));
});
