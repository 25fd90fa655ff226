import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { frozenCopy } from '../client/store.ts';
import { ClusterIndex } from './cluster-index.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import { frame, FrameReader, tcpExchange, UdpExchange } from './exchange.ts';
import { Forwarder } from './forwarder.ts';
import { CLASS_IN, query, Rcode, RRType, type Edns, type Message } from './message.ts';
import { DnsServer } from './server.ts';
import { service, show, slice, startFakeUpstream, type FakeUpstream } from './testing.ts';
import { ClusterZone } from './zone.ts';

describe('DNS server over UDP and TCP', () => {
  let server: DnsServer;
  let upstream: FakeUpstream;
  let forwarder: Forwarder;
  let port = 0;
  const client = new UdpExchange();
  const index = new ClusterIndex();

  before(async () => {
    upstream = await startFakeUpstream((name) =>
      name === 'broken.example'
        ? { kind: 'answer', rcode: Rcode.SERVFAIL }
        : {
            kind: 'answer',
            records: [{ name: '', type: RRType.A, class: CLASS_IN, ttl: 300, address: '93.184.216.34' }],
          },
    );
    forwarder = new Forwarder({ upstreams: [upstream.endpoint], timeoutMs: 200, rounds: 1 });
    index.upsertService(frozenCopy(service('default', 'web', { clusterIP: '10.96.0.20' })));
    index.upsertService(
      frozenCopy(service('default', 'ext', { type: 'ExternalName', externalName: 'example.org' })),
    );
    index.upsertService(frozenCopy(service('default', 'big', { clusterIP: 'None' })));
    index.upsertSlice(
      frozenCopy(
        slice(
          'default',
          'big',
          'big-1',
          Array.from({ length: 200 }, (_, i) => ({ addresses: [`10.244.${i >> 8}.${i & 255}`] })),
        ),
      ),
    );
    server = new DnsServer({ zone: new ClusterZone(index), forwarder });
    port = await server.listen('127.0.0.1', 0);
  });
  after(async () => {
    client.close();
    await server.close();
    forwarder.close();
    await upstream.close();
  });

  const ask = async (name: string, type: number, edns?: Partial<Edns>): Promise<Message> =>
    decodeMessage(
      await client.exchange(encodeMessage(query(1, name, type, edns)), { host: '127.0.0.1', port }, 2000),
    );

  test('cluster names are answered authoritatively; others forwarded with RA', async () => {
    const web = await ask('web.default.svc.cluster.local', RRType.A);
    assert.equal(web.flags.aa, true);
    assert.equal(web.flags.ra, true);
    assert.deepEqual(web.answers.map(show), ['A 10.96.0.20']);
    const nx = await ask('nope.default.svc.cluster.local', RRType.A);
    assert.equal(nx.rcode, Rcode.NXDOMAIN);
    const out = await ask('example.com', RRType.A);
    assert.equal(out.flags.aa, false);
    assert.deepEqual(out.answers.map(show), ['A 93.184.216.34']);
    const fail = await ask('broken.example', RRType.A);
    assert.equal(fail.rcode, Rcode.SERVFAIL);
    const ext = await ask('ext.default.svc.cluster.local', RRType.A);
    assert.deepEqual(ext.answers.map(show), ['CNAME example.org', 'A 93.184.216.34']);
    assert.ok(upstream.seen.includes('udp example.org A'), 'the CNAME target was followed upstream');
  });

  test('an answer too big for UDP comes truncated; over TCP it comes whole', async () => {
    const plain = await ask('big.default.svc.cluster.local', RRType.A);
    assert.equal(plain.flags.tc, true);
    assert.equal(plain.answers.length, 0);
    // EDNS asks for 4096, the server's own limit (1232) still applies: truncated, OPT present.
    const edns = await ask('big.default.svc.cluster.local', RRType.A, { udpSize: 4096 });
    assert.equal(edns.flags.tc, true);
    assert.equal(edns.edns?.udpSize, 1232);
    // What a stub resolver does next: ask again over TCP.
    const whole = decodeMessage(
      await tcpExchange(
        encodeMessage(query(2, 'big.default.svc.cluster.local', RRType.A)),
        { host: '127.0.0.1', port },
        2000,
      ),
    );
    assert.equal(whole.flags.tc, false);
    assert.equal(whole.answers.length, 200);
    assert.ok(server.stats.truncated >= 2);
  });

  test('one TCP connection carries several queries, sent in one write', async () => {
    const sock = connect({ host: '127.0.0.1', port });
    const frames = new FrameReader();
    const names = ['web.default.svc.cluster.local', 'nope.default.svc.cluster.local', 'example.com'];
    const got: Message[] = [];
    const done = new Promise<void>((resolve, reject) => {
      sock.on('data', (chunk) => {
        for (const m of frames.push(chunk)) got.push(decodeMessage(m));
        if (got.length === names.length) resolve();
      });
      sock.on('error', reject);
    });
    sock.write(Buffer.concat(names.map((n, i) => frame(encodeMessage(query(100 + i, n, RRType.A))))));
    await done;
    sock.destroy();
    const byId = new Map(got.map((m) => [m.id, m]));
    assert.equal(byId.get(100)?.answers.length, 1);
    assert.equal(byId.get(101)?.rcode, Rcode.NXDOMAIN);
    assert.deepEqual(byId.get(102)?.answers.map(show), ['A 93.184.216.34']);
  });

  test('protocol edge cases: FORMERR, NOTIMP, BADVERS, REFUSED class, responses ignored', () => {
    const h = (b: Buffer): Message | undefined => {
      const out = server.handle(b, 'udp');
      assert.ok(!(out instanceof Promise));
      return out && decodeMessage(out);
    };
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0]);
    const fe = h(garbage)!;
    assert.equal(fe.id, 0x1234);
    assert.equal(fe.rcode, Rcode.FORMERR);
    assert.equal(h(Buffer.from([1, 2, 3])), undefined);
    const notify = query(5, 'cluster.local', RRType.SOA);
    notify.opcode = 4;
    assert.equal(h(encodeMessage(notify))!.rcode, Rcode.NOTIMP);
    const v1 = query(6, 'web.default.svc.cluster.local', RRType.A, { version: 1 });
    const bad = h(encodeMessage(v1))!;
    assert.equal(bad.rcode, Rcode.BADVERS);
    const chaos = query(7, 'version.bind', RRType.TXT);
    chaos.questions[0]!.class = 3;
    assert.equal(h(encodeMessage(chaos))!.rcode, Rcode.REFUSED);
    const twoQ = query(8, 'a.cluster.local', RRType.A);
    twoQ.questions.push({ name: 'b.cluster.local', type: RRType.A, class: CLASS_IN });
    assert.equal(h(encodeMessage(twoQ))!.rcode, Rcode.FORMERR);
    const reply = query(9, 'web.default.svc.cluster.local', RRType.A);
    reply.flags.qr = true;
    assert.equal(h(encodeMessage(reply)), undefined, 'never answer a response (no reflection loops)');
  });

  test('fuzz: thousands of broken packets never throw and the server keeps answering', async () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const base = encodeMessage(query(1, 'web.default.svc.cluster.local', RRType.A, { udpSize: 1232 }));
    for (let i = 0; i < 5000; i++) {
      const b = i % 2 ? Buffer.from(base.subarray(0, rand(base.length + 1))) : Buffer.from(base);
      if (i % 2 === 0) for (let k = 0; k < 1 + rand(5); k++) b[rand(b.length)] = rand(256);
      b[2] = b[2]! & 0x7f;
      const out = server.handle(b, i % 3 ? 'udp' : 'tcp');
      if (out instanceof Promise) await out;
    }
    // And over the socket: junk of every length, fired without waiting.
    const sender = createSocket('udp4');
    for (let i = 0; i < 300; i++) {
      const junk = Buffer.from(Array.from({ length: rand(60) }, () => rand(256)));
      await new Promise((r) => sender.send(junk, port, '127.0.0.1', r));
    }
    sender.close();
    assert.deepEqual((await ask('web.default.svc.cluster.local', RRType.A)).answers.map(show), [
      'A 10.96.0.20',
    ]);
  });
});

describe('answer cache', () => {
  test('a repeat is replayed with the asker id, RD bit and spelling; an index change drops it', async () => {
    const index = new ClusterIndex();
    index.upsertService(frozenCopy(service('default', 'web', { clusterIP: '10.96.0.20' })));
    const server = new DnsServer({ zone: new ClusterZone(index) });
    const ask = (id: number, name: string, rd: boolean, edns?: Partial<Edns>): Message => {
      const m = query(id, name, RRType.A, edns);
      m.flags.rd = rd;
      const out = server.handle(encodeMessage(m), 'udp');
      assert.ok(out && !(out instanceof Promise));
      return decodeMessage(out);
    };
    ask(1, 'web.default.svc.cluster.local', true);
    const hit = ask(0x4242, 'WEB.default.SVC.cluster.local', false);
    assert.equal(server.stats.cluster, 2);
    assert.equal(server.stats.cached, 1);
    assert.equal(hit.id, 0x4242);
    assert.equal(hit.flags.rd, false);
    assert.equal(hit.questions[0]!.name, 'WEB.default.SVC.cluster.local');
    assert.equal(hit.answers[0]!.name, 'WEB.default.SVC.cluster.local', 'the owner follows the question');
    assert.deepEqual(hit.answers.map(show), ['A 10.96.0.20']);
    // EDNS and plain queries are kept apart (one has an OPT record, the other must not).
    assert.equal(ask(2, 'web.default.svc.cluster.local', true, { udpSize: 1232 }).edns?.udpSize, 1232);
    assert.equal(ask(3, 'web.default.svc.cluster.local', true).edns, undefined);
    index.upsertService(frozenCopy(service('default', 'web', { clusterIP: '10.96.0.21' })));
    assert.deepEqual(ask(4, 'web.default.svc.cluster.local', true).answers.map(show), ['A 10.96.0.21']);
    await server.close();
  });
});
