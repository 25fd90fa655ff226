/**
 * The etcd store against a real etcd: the Store conformance suite on one member (each opened store
 * gets its own key prefix, so one etcd serves the whole file), progress notices, and a three-member
 * cluster losing the member the store talks to while a watch is open. Skipped only when the etcd
 * binary is missing (.ci/run installs it).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runStoreConformance } from './conformance.ts';
import { collect, rejectsWith } from './conformance-helpers.ts';
import { openEtcdStore } from './etcd.ts';
import type { EtcdStore } from './etcd.ts';
import { prefixEnd } from './etcd-keys.ts';
import { EtcdClient, progressNoticesOrdered } from './etcd-client.ts';
import type { WatchEvent } from './types.ts';
import { etcdBinary, startEtcd } from '../../test/helpers/etcd.ts';
import type { EtcdCluster } from '../../test/helpers/etcd.ts';

describe('etcd prefixEnd', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['bumps the last byte', [0x2f, 0x61, 0x2f], [0x2f, 0x61, 0x30]],
    ['drops trailing 0xff bytes', [0x61, 0xff, 0xff], [0x62]],
    ['multi-byte UTF-8 (é = c3 a9)', [0x2f, 0xc3, 0xa9], [0x2f, 0xc3, 0xaa]],
    ['all 0xff: open-ended', [0xff], [0]],
    ['empty: open-ended', [], [0]],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => assert.deepEqual([...prefixEnd(Buffer.from(input))], want));
  }
});

const missing = etcdBinary() === undefined;
if (missing) {
  test('etcd store', { skip: 'etcd binary not found on PATH (apt-get install etcd-server)' }, () => {});
} else {
  defineEtcdTests();
}

function defineEtcdTests(): void {
  let single: EtcdCluster;
  let stores = 0;
  before(async () => {
    single = await startEtcd();
  });
  after(() => single?.stop());
  const open = (): Promise<EtcdStore> =>
    openEtcdStore({ endpoints: single.endpoints, prefix: `/berth-test/${process.pid}/${++stores}` });

  runStoreConformance('etcd', open);

  describe('etcd store', () => {
    test('keys are stored under the prefix and come back without it', async () => {
      const s = await open();
      const raw = await openEtcdStore({ endpoints: single.endpoints });
      try {
        const kv = await s.create('/ns/é', 'v');
        assert.equal((await s.list('/ns/')).kvs[0].key, '/ns/é');
        assert.equal((await raw.get(`${s.prefix}/ns/é`))?.modRevision, kv.modRevision);
      } finally {
        await s.close();
        await raw.close();
      }
    });

    test('a quiet watch learns its progress on request', async () => {
      const s = await open();
      try {
        const progress: number[] = [];
        let wake: () => void = () => {};
        const w = s.watch('/quiet/', await s.currentRevision(), {
          onEvents: () => assert.fail('no events expected'),
          onError: (err) => assert.fail(err),
          onProgress: (rev: number) => {
            progress.push(rev);
            wake();
          },
        });
        const other = await s.create('/busy/x', '1');
        // etcd answers only once the new watcher is in sync; ask until it does.
        for (let i = 0; i < 50 && !progress.some((r) => r >= other.modRevision); i++) {
          await new Promise<void>((r) => {
            wake = r;
            w.requestProgress();
            setTimeout(r, 100);
          });
        }
        w.close();
        assert.ok(
          progress.some((r) => r >= other.modRevision),
          `progress ${progress} reached ${other.modRevision}`,
        );
      } finally {
        await s.close();
      }
    });

    test('no endpoint answering is Unavailable', async () => {
      const err = await rejectsWith(
        openEtcdStore({ endpoints: ['http://127.0.0.1:1', '127.0.0.1:2'], requestTimeoutMs: 1000 }),
        'Unavailable',
      );
      assert.match(err.message, /127\.0\.0\.1:1.*127\.0\.0\.1:2/);
    });
  });

  describe('etcd cluster failover', () => {
    let cluster: EtcdCluster;
    before(async () => {
      cluster = await startEtcd({ members: 3 });
    });
    after(() => cluster?.stop());

    test('losing the member in use: reads, writes and an open watch carry on', async () => {
      // The hardest case: the member in use is the raft leader, so writes also wait out an election.
      const leader = await leaderEndpoint(cluster.endpoints);
      const endpoints = [leader, ...cluster.endpoints.filter((e) => e !== leader)];
      const victim = cluster.members.find((m) => m.clientUrl === leader)!;
      const logged: string[] = [];
      const s = await openEtcdStore({
        endpoints,
        prefix: '/failover',
        requestTimeoutMs: 1500,
        log: (msg) => logged.push(msg),
      });
      try {
        assert.equal(s.endpoint, leader);
        const seen: WatchEvent[] = [];
        const errors: string[] = [];
        const start = await s.currentRevision();
        const w = s.watch('/k/', start, {
          onEvents: (ev) => seen.push(...ev),
          onError: (e) => errors.push(e.code),
        });
        const written: number[] = [];
        let kv = await s.create('/k/a', '0');
        written.push(kv.modRevision);
        for (let i = 1; i <= 5; i++) {
          kv = await s.update('/k/a', String(i), kv.modRevision);
          written.push(kv.modRevision);
        }
        await victim.kill();
        // The next calls fail over to another member; the cluster keeps quorum (2 of 3).
        for (let i = 6; i <= 10; i++) {
          kv = await s.update('/k/a', String(i), kv.modRevision);
          written.push(kv.modRevision);
        }
        written.push((await s.create('/k/b', 'b')).modRevision);
        assert.notEqual(s.endpoint, leader);
        assert.ok(logged.includes('etcd endpoint failed; failing over'), logged.join('\n'));
        assert.equal((await s.get('/k/a'))?.value, '10');
        assert.equal(await s.count('/k/'), 2);
        // The watch moved too: every write exactly once, in order.
        const got = await collect(s, '/k/', start, (ev) => ev.length >= written.length);
        assert.deepEqual(
          got.events.map((e) => e.revision),
          written,
        );
        const deadline = Date.now() + 5000;
        while (seen.length < written.length && errors.length === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        w.close();
        assert.deepEqual(errors, []);
        assert.deepEqual(
          seen.map((e) => e.revision),
          written,
          'the watch opened before the failure saw every write once',
        );
        assert.deepEqual(
          seen.map((e) => e.value),
          ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'b'],
        );
      } finally {
        await s.close();
      }
    });

    test('without quorum, calls fail with Unavailable instead of hanging', async () => {
      const s = await openEtcdStore({
        endpoints: cluster.endpoints,
        prefix: '/noquorum',
        requestTimeoutMs: 1500,
      });
      try {
        const x = await s.create('/x', '1');
        const watchEnded = collect(s, '/', x.modRevision, () => false, 15_000);
        await cluster.members.find((m) => m.running)!.kill();
        const err = await rejectsWith(s.create('/y', '2'), 'Unavailable');
        assert.match(err.message, /etcd/);
        // The last member loses its leader and ends the watch; with nowhere to go it reports Unavailable.
        const { events, error } = await watchEnded;
        assert.deepEqual(events, []);
        assert.equal(error?.code, 'Unavailable');
      } finally {
        await s.close();
      }
    });
  });
}

/** The client URL of the member that currently leads the cluster (asked of each member in turn). */
async function leaderEndpoint(endpoints: string[]): Promise<string> {
  for (const e of endpoints) {
    const c = new EtcdClient({ endpoints: [e] });
    try {
      const st = await c.call('Status', {}, 'read');
      if (st.leader !== 0 && st.leader === st.header.member_id) return e;
    } finally {
      c.close();
    }
  }
  throw new Error('no member reports itself as leader');
}

test('progress notices are trusted only from etcd versions that send them in order with events', () => {
  assert.equal(progressNoticesOrdered('3.4.23'), false, "Debian 12's etcd");
  assert.equal(progressNoticesOrdered('3.4.24'), true);
  assert.equal(progressNoticesOrdered('3.5.7'), false);
  assert.equal(progressNoticesOrdered('3.5.8'), true);
  assert.equal(progressNoticesOrdered('3.6.0'), true);
  assert.equal(progressNoticesOrdered('3.3.27'), false);
  assert.equal(progressNoticesOrdered(''), false, 'an unknown version is not trusted');
});
