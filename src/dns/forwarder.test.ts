import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Forwarder, UpstreamError } from './forwarder.ts';
import { CLASS_IN, Rcode, RRType, type ResourceRecord } from './message.ts';
import { show, startFakeUpstream, type FakeUpstream, type UpstreamBehaviour } from './testing.ts';

const a = (address: string, ttl = 60): ResourceRecord => ({
  name: '',
  type: RRType.A,
  class: CLASS_IN,
  ttl,
  address,
});
const q = (name: string, type: number = RRType.A) => ({ name, type, class: CLASS_IN });

const upstreams: FakeUpstream[] = [];
async function upstream(behave: (name: string, type: number) => UpstreamBehaviour): Promise<FakeUpstream> {
  const u = await startFakeUpstream(behave);
  upstreams.push(u);
  return u;
}
after(async () => {
  await Promise.all(upstreams.map((u) => u.close()));
});

test('forwards, caches for the smallest TTL, and ages TTLs on hits', async () => {
  let now = 1_000_000;
  const up = await upstream(() => ({ kind: 'answer', records: [a('1.2.3.4', 60), a('1.2.3.5', 30)] }));
  const f = new Forwarder({ upstreams: [up.endpoint], cache: { now: () => now } });
  try {
    const first = await f.resolve(q('example.com'));
    assert.deepEqual(first.answers.map(show), ['A 1.2.3.4', 'A 1.2.3.5']);
    now += 10_500;
    const again = await f.resolve(q('EXAMPLE.com'));
    assert.deepEqual(
      again.answers.map((r) => r.ttl),
      [50, 20],
    );
    assert.equal(up.seen.length, 1, 'second question served from the cache');
    now += 20_000;
    await f.resolve(q('example.com'));
    assert.equal(up.seen.length, 2, 'expired after the smallest TTL (30 s)');
    assert.deepEqual(f.stats, { queries: 3, cacheHits: 1, upstreamQueries: 2, failures: 0 });
  } finally {
    f.close();
  }
});

test('negative answers are cached for the SOA minimum; without an SOA not at all', async () => {
  let now = 0;
  const up = await upstream((name) =>
    name === 'gone.example'
      ? { kind: 'answer', rcode: Rcode.NXDOMAIN, soa: { ttl: 600, minimum: 10 } }
      : { kind: 'answer', rcode: Rcode.NXDOMAIN },
  );
  const f = new Forwarder({ upstreams: [up.endpoint], cache: { now: () => now } });
  try {
    assert.equal((await f.resolve(q('gone.example'))).rcode, Rcode.NXDOMAIN);
    now += 9_000;
    await f.resolve(q('gone.example'));
    assert.equal(up.seen.length, 1);
    now += 2_000;
    await f.resolve(q('gone.example'));
    assert.equal(up.seen.length, 2, 'asked again after the SOA minimum (10 s)');
    await f.resolve(q('nosoa.example'));
    await f.resolve(q('nosoa.example'));
    assert.equal(up.seen.length, 4, 'no SOA: not cached');
  } finally {
    f.close();
  }
});

test('a silent upstream times out and the next one answers; SERVFAIL moves on too', async () => {
  const silent = await upstream(() => ({ kind: 'silent' }));
  const failing = await upstream(() => ({ kind: 'answer', rcode: Rcode.SERVFAIL }));
  const good = await upstream(() => ({ kind: 'answer', records: [a('9.9.9.9')] }));
  const f = new Forwarder({ upstreams: [silent.endpoint, failing.endpoint, good.endpoint], timeoutMs: 150 });
  try {
    const t0 = performance.now();
    const res = await f.resolve(q('x.example'));
    assert.deepEqual(res.answers.map(show), ['A 9.9.9.9']);
    assert.ok(performance.now() - t0 >= 140, 'waited for the silent upstream first');
    assert.equal(silent.seen.length + failing.seen.length, 2);
  } finally {
    f.close();
  }
});

test('every upstream failing rejects with UpstreamError after the configured rounds', async () => {
  const silent = await upstream(() => ({ kind: 'silent' }));
  // A port nothing listens on: the send succeeds, no answer comes (or ICMP refuses it).
  const dead = createSocket('udp4');
  await new Promise<void>((r) => dead.bind(0, '127.0.0.1', r));
  const deadPort = dead.address().port;
  dead.close();
  const f = new Forwarder({
    upstreams: [silent.endpoint, { host: '127.0.0.1', port: deadPort }],
    timeoutMs: 50,
    rounds: 2,
  });
  try {
    await assert.rejects(f.resolve(q('y.example')), UpstreamError);
    assert.equal(silent.seen.length, 2, 'two rounds');
    assert.equal(f.stats.failures, 1);
  } finally {
    f.close();
  }
});

test('a truncated UDP reply is asked again over TCP', async () => {
  const records = Array.from({ length: 80 }, (_, i) => ({ ...a(`10.1.0.${i}`), name: 'big.example' }));
  const up = await upstream(() => ({ kind: 'truncate', records }));
  const f = new Forwarder({ upstreams: [up.endpoint] });
  try {
    const res = await f.resolve(q('big.example'));
    assert.equal(res.answers.length, 80);
    assert.equal(res.flags.tc, false);
    assert.deepEqual(up.seen, ['udp big.example A', 'tcp big.example A']);
  } finally {
    f.close();
  }
});

test('identical questions in flight share one upstream query', async () => {
  const up = await upstream(() => ({ kind: 'answer', records: [a('5.5.5.5')] }));
  const f = new Forwarder({ upstreams: [up.endpoint] });
  try {
    const all = await Promise.all(Array.from({ length: 20 }, () => f.resolve(q('same.example'))));
    assert.equal(all.length, 20);
    assert.equal(up.seen.length, 1);
  } finally {
    f.close();
  }
});
