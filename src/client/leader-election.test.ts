import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from './client.ts';
import { FakeClock, settle } from './clock.ts';
import { FakeApi } from './fake-api.ts';
import { LeaderElector, microTime, type Lease } from './leader-election.ts';
import { silentLogger } from './logger.ts';

function candidate(
  api: FakeApi,
  clock: FakeClock,
  identity: string,
  log: string[],
  extra: { releaseOnCancel?: boolean } = {},
) {
  return new LeaderElector({
    client: new Client(api),
    namespace: 'kube-system',
    name: 'berth-controller-manager',
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    logger: silentLogger,
    callbacks: {
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: () => log.push(`${identity} stopped`),
    },
    ...extra,
  });
}

const lease = (api: FakeApi): Lease => api.list('leases', 'kube-system')[0] as Lease;

test('microTime has six fractional digits', () => {
  assert.equal(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05.678000Z');
});

test('exactly one of two candidates leads; the other takes over at once after a release', async () => {
  const api = new FakeApi();
  const clock = new FakeClock();
  const log: string[] = [];
  const a = candidate(api, clock, 'a', log);
  const b = candidate(api, clock, 'b', log);
  const runA = a.run();
  await settle();
  const runB = b.run();
  await settle();
  assert.deepEqual(log, ['a started']);
  assert.equal(a.isLeader(), true);
  assert.equal(b.isLeader(), false);
  assert.equal(lease(api).spec?.holderIdentity, 'a');
  assert.equal(lease(api).spec?.leaseDurationSeconds, 15);

  // Renewals keep the lease; b keeps seeing it change and never expires it.
  for (let i = 0; i < 10; i++) await clock.advanceAsync(2_000);
  assert.deepEqual(log, ['a started']);
  assert.equal(lease(api).spec?.renewTime, microTime(clock.now()));

  await a.stop();
  await runA;
  assert.equal(lease(api).spec?.holderIdentity, undefined, 'released');
  await clock.advanceAsync(2_000);
  assert.deepEqual(log, ['a started', 'a stopped', 'b started']);
  assert.equal(lease(api).spec?.holderIdentity, 'b');
  assert.equal(lease(api).spec?.leaseTransitions, 1);
  await b.stop();
  await runB;
});

test('a lease that is not renewed is taken over only after leaseDuration, judged by the observer', async () => {
  const api = new FakeApi();
  const clock = new FakeClock();
  const log: string[] = [];
  const a = candidate(api, clock, 'a', log, { releaseOnCancel: false });
  const runA = a.run();
  await settle();
  await a.stop(); // a vanishes without releasing
  await runA;
  const b = candidate(api, clock, 'b', log);
  assert.equal(await b.tryAcquireOrRenew(), false, 'first sight: b starts its own expiry timer');
  clock.advance(14_999);
  assert.equal(await b.tryAcquireOrRenew(), false);
  clock.advance(1);
  assert.equal(await b.tryAcquireOrRenew(), true);
  assert.equal(lease(api).spec?.holderIdentity, 'b');
  assert.equal(lease(api).spec?.leaseTransitions, 1);
});

test('compare-and-swap: two candidates racing for a free lease, exactly one wins', async () => {
  const api = new FakeApi();
  const clock = new FakeClock();
  const log: string[] = [];
  const a = candidate(api, clock, 'a', log);
  const b = candidate(api, clock, 'b', log);
  const c = candidate(api, clock, 'c', log);
  // Both creating at once: one create wins, the other gets AlreadyExists.
  const created = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
  assert.equal(created.filter(Boolean).length, 1);
  // Free the lease, then race two updates from the same read: one gets 409 Conflict.
  const cur = lease(api);
  await new Client(api)
    .resource('coordination.k8s.io', 'v1', 'leases')
    .update('kube-system', { ...cur, spec: { leaseTransitions: 1 } });
  const raced = await Promise.all([b.tryAcquireOrRenew(), c.tryAcquireOrRenew()]);
  assert.equal(raced.filter(Boolean).length, 1, JSON.stringify(raced));
  assert.equal(api.writes().filter((w) => w.verb === 'update').length, 3);
});

test('a leader that cannot renew within renewDeadline stops leading', async () => {
  const api = new FakeApi();
  const clock = new FakeClock();
  const log: string[] = [];
  let leadingSignal: AbortSignal | undefined;
  const withSignal = new LeaderElector({
    client: new Client(api),
    namespace: 'kube-system',
    name: 'other',
    identity: 'a',
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    logger: silentLogger,
    callbacks: {
      onStartedLeading: (s) => (leadingSignal = s),
      onStoppedLeading: () => log.push('other stopped'),
    },
  });
  const run = withSignal.run();
  await settle();
  assert.equal(leadingSignal?.aborted, false);
  api.reactors.push((_req, act) =>
    act.resource === 'leases' && act.verb === 'update'
      ? { status: 500, headers: {}, body: Buffer.from('down') }
      : undefined,
  );
  for (let i = 0; i < 8 && withSignal.isLeader(); i++) await clock.advanceAsync(2_000);
  await run;
  assert.equal(withSignal.isLeader(), false);
  assert.equal(leadingSignal?.aborted, true);
  assert.deepEqual(log, ['other stopped']);
});
