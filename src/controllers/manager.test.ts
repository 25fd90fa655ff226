import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../client/client.ts';
import { FakeClock, settle } from '../client/clock.ts';
import { FakeApi } from '../client/fake-api.ts';
import type { Lease } from '../client/leader-election.ts';
import { silentLogger } from '../client/logger.ts';
import { ControllerManager } from './manager.ts';
import type { Controller, ControllerContext } from './types.ts';

/** A controller that records how it is driven and watches configmaps through the shared factory. */
class Probe implements Controller {
  readonly name = 'probe';
  readonly contexts: ControllerContext[] = [];
  syncedAtStart: boolean[] = [];
  stops = 0;
  async start(ctx: ControllerContext): Promise<void> {
    this.contexts.push(ctx);
    const inf = ctx.informers.forResource('', 'v1', 'configmaps');
    this.syncedAtStart.push(inf.hasSynced());
  }
  async stop(): Promise<void> {
    this.stops++;
  }
}

class Broken implements Controller {
  readonly name = 'broken';
  async start(): Promise<void> {
    throw new Error('cannot start');
  }
  async stop(): Promise<void> {}
}

function setup(identity = 'me') {
  const api = new FakeApi();
  const clock = new FakeClock();
  const probe = new Probe();
  const m = new ControllerManager({
    client: new Client(api),
    controllers: [new Broken(), probe],
    clock,
    identity,
    log: silentLogger,
  });
  const lease = (): Lease | undefined =>
    api.list('leases', 'kube-system').find((l) => l.metadata.name === 'kube-controller-manager') as
      Lease | undefined;
  return { api, clock, probe, m, lease };
}

test('controller manager: takes the lease, starts controllers, then informers; stop tears down and releases', async () => {
  const s = setup();
  s.m.start();
  await s.m.whenRunning();
  assert.equal(s.lease()?.spec?.holderIdentity, 'me');
  assert.equal(s.probe.contexts.length, 1);
  assert.deepEqual(s.probe.syncedAtStart, [false], 'informers start only after every controller registered');
  const ctx = s.probe.contexts[0];
  assert.equal(ctx.informers.forResource('', 'v1', 'configmaps').hasSynced(), true);
  assert.equal(ctx.recorder('a'), ctx.recorder('a'), 'one recorder per component');
  assert.notEqual(ctx.recorder('a'), ctx.recorder('b'));
  assert.equal(s.m.isRunning(), true);

  await s.m.stop();
  assert.equal(ctx.signal.aborted, true);
  assert.equal(s.probe.stops, 1);
  assert.equal(s.m.isRunning(), false);
  assert.equal(s.api.openWatches, 0, 'informers shut down');
  assert.equal(s.lease()?.spec?.holderIdentity, undefined, 'lease released');
});

test('controller manager: losing the lease stops controllers; leading again starts them with a fresh context', async () => {
  const s = setup();
  s.m.start();
  await s.m.whenRunning();
  let failing = true;
  s.api.reactors.push((req, a) =>
    failing && a.resource === 'leases' && a.verb === 'update'
      ? {
          status: 500,
          headers: {},
          body: Buffer.from(
            JSON.stringify({ kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd down' }),
          ),
        }
      : undefined,
  );
  await s.clock.advanceAsync(14_000, 500);
  assert.equal(s.probe.stops, 1, 'stopped after the renew deadline passed');
  assert.equal(s.probe.contexts[0].signal.aborted, true);
  assert.equal(s.m.isRunning(), false);

  failing = false;
  const again = s.m.whenRunning();
  await s.clock.advanceAsync(4_000, 500);
  await again;
  assert.equal(s.probe.contexts.length, 2);
  assert.notEqual(s.probe.contexts[1].informers, s.probe.contexts[0].informers);
  assert.equal(s.probe.contexts[1].signal.aborted, false);
  await s.m.stop();
});

test('controller manager: a second candidate runs nothing while the first holds the lease', async () => {
  const a = setup('first');
  a.m.start();
  await a.m.whenRunning();
  const probe = new Probe();
  const b = new ControllerManager({
    client: new Client(a.api),
    controllers: [probe],
    clock: a.clock,
    identity: 'second',
    log: silentLogger,
  });
  b.start();
  await a.clock.advanceAsync(6_000, 500);
  assert.equal(probe.contexts.length, 0);
  // The first stops and releases the lease: the second takes over on its next try.
  await a.m.stop();
  await a.clock.advanceAsync(4_000, 500);
  await settle();
  assert.equal(probe.contexts.length, 1);
  assert.equal(a.lease()?.spec?.holderIdentity, 'second');
  await b.stop();
});

test('controller manager: each controller writes through its own client; informers and the lease use the manager’s', async () => {
  const api = new FakeApi();
  const managerClient = new Client(api);
  const own = new Map<string, Client>();
  const asked: string[] = [];
  const first = new Probe();
  const second = Object.assign(new Probe(), { name: 'second' });
  const m = new ControllerManager({
    client: managerClient,
    clientFor: (name) => {
      asked.push(name);
      const c = new Client(api);
      own.set(name, c);
      return c;
    },
    controllers: [first, second],
    clock: new FakeClock(),
    identity: 'me',
    log: silentLogger,
  });
  m.start();
  await m.whenRunning();
  assert.deepEqual(asked, ['probe', 'second']);
  assert.equal(first.contexts[0].client, own.get('probe'));
  assert.equal(second.contexts[0].client, own.get('second'));
  assert.notEqual(first.contexts[0].client, managerClient);
  assert.equal(first.contexts[0].informers, second.contexts[0].informers, 'informers stay shared');
  assert.notEqual(
    first.contexts[0].recorder('x'),
    second.contexts[0].recorder('x'),
    'recorders per controller',
  );
  await m.stop();
});
