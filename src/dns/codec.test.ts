import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from './codec.ts';
import { CLASS_IN, noFlags, query, RRType, type Message, type ResourceRecord } from './message.ts';
import { DnsEncodeError, DnsFormatError, nameLabels, readName } from './wire.ts';
import { addressOfReverseName, canonicalIP, reverseName } from './address.ts';

const rr = (r: Partial<ResourceRecord> & Pick<ResourceRecord, 'type'>): ResourceRecord =>
  ({ name: 'x.example.com', class: CLASS_IN, ttl: 30, ...r }) as ResourceRecord;

function response(records: ResourceRecord[]): Message {
  return {
    id: 0xbeef,
    opcode: 0,
    rcode: 3,
    flags: { ...noFlags(), qr: true, aa: true, rd: true, ra: true, cd: true },
    questions: [{ name: 'Web.Default.svc.cluster.local', type: RRType.A, class: CLASS_IN }],
    answers: records,
    authorities: [
      rr({
        type: RRType.SOA,
        name: 'cluster.local',
        mname: 'ns.dns.cluster.local',
        rname: 'hostmaster.cluster.local',
        serial: 4_000_000_000,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: 5,
      }),
    ],
    additionals: [rr({ type: 99, name: 'odd.example', raw: Buffer.from([1, 2, 3]) })],
    edns: {
      udpSize: 4096,
      extendedRcode: 0,
      version: 0,
      do: true,
      options: [{ code: 10, data: Buffer.from('cookie!!') }],
    },
  };
}

test('every record type survives encode then decode', () => {
  const records: ResourceRecord[] = [
    rr({ type: RRType.A, address: '10.96.0.1' }),
    rr({ type: RRType.AAAA, address: 'fd00::a:1' }),
    rr({ type: RRType.AAAA, address: '2001:db8::ffff:0:1' }),
    rr({ type: RRType.NS, target: 'ns.example.com' }),
    rr({ type: RRType.CNAME, target: 'y.example.com' }),
    rr({ type: RRType.PTR, target: 'web.default.svc.cluster.local' }),
    rr({ type: RRType.MX, preference: 10, exchange: 'mail.example.com' }),
    rr({ type: RRType.TXT, texts: [Buffer.from('v=spf1 -all'), Buffer.alloc(0), Buffer.from([0, 255])] }),
    rr({
      type: RRType.SRV,
      priority: 0,
      weight: 100,
      port: 6379,
      target: 'redis-0.redis.default.svc.cluster.local',
    }),
    rr({ type: RRType.A, name: 'esc\\.aped\\032label.example', address: '1.2.3.4' }),
  ];
  const m = response(records);
  const back = decodeMessage(encodeMessage(m));
  assert.deepEqual(back, { ...m, rcode: 3 });
});

test('names are compressed: repeated suffixes become pointers', () => {
  const names = Array.from({ length: 20 }, (_, i) => `web-${i}.nginx.default.svc.cluster.local`);
  const m: Message = {
    ...response(names.map((name, i) => rr({ type: RRType.A, name, address: `10.244.0.${i}` }))),
    authorities: [],
    additionals: [],
  };
  delete m.edns;
  const wire = encodeMessage(m);
  // Uncompressed, the answers alone would take 20 × (40 + 14) octets; with pointers to
  // "nginx.default.svc.cluster.local" each owner is "web-N" plus a 2-octet pointer.
  assert.ok(wire.length < 12 + 35 + 20 * (7 + 2 + 14) + 20, `message is ${wire.length} octets`);
  assert.deepEqual(
    decodeMessage(wire).answers.map((a) => a.name),
    names,
  );
  // The question is "Web.Default.svc.cluster.local": only the exact-case suffix is shared.
  assert.ok(wire.includes(Buffer.from([0xc0, 12 + 4 + 8])), 'a pointer to svc.cluster.local in the question');
});

test('SRV targets are never compressed (RFC 2782)', () => {
  const target = 'web.default.svc.cluster.local';
  const m = query(1, target, RRType.SRV);
  m.answers = [rr({ type: RRType.SRV, name: target, priority: 0, weight: 1, port: 80, target })];
  const wire = encodeMessage(m);
  const rdStart = wire.length - (6 + target.length + 2);
  assert.equal(
    wire
      .subarray(rdStart + 6)
      .toString('latin1')
      .includes('web'),
    true,
  );
  assert.deepEqual(decodeMessage(wire).answers, m.answers);
});

test('truncation keeps header, question and OPT, sets TC', () => {
  const m = response(Array.from({ length: 100 }, (_, i) => rr({ type: RRType.A, address: `10.0.0.${i}` })));
  const full = encodeMessage(m);
  assert.ok(full.length > 512);
  const cut = encodeMessage(m, 512);
  assert.ok(cut.length <= 512);
  const back = decodeMessage(cut);
  assert.equal(back.flags.tc, true);
  assert.equal(back.answers.length, 0);
  assert.equal(back.questions.length, 1);
  assert.equal(back.edns?.udpSize, 4096);
});

test('extended rcode travels in the OPT record', () => {
  const m = query(7, 'x', RRType.A, { udpSize: 1232 });
  m.rcode = 16;
  m.flags.qr = true;
  const back = decodeMessage(encodeMessage(m));
  assert.equal(back.rcode, 16);
  assert.equal(back.edns?.extendedRcode, 1);
});

test('names: escapes, limits and errors', () => {
  assert.deepEqual(nameLabels('a.b.'), [Buffer.from('a'), Buffer.from('b')]);
  assert.deepEqual(nameLabels(''), []);
  assert.deepEqual(nameLabels('a\\.b.c'), [Buffer.from('a.b'), Buffer.from('c')]);
  assert.deepEqual(nameLabels('\\255x'), [Buffer.from([255, 0x78])]);
  for (const bad of [
    'a..b',
    '.a',
    'x'.repeat(64),
    `${'abcdefghi.'.repeat(26)}com`,
    'bad\\',
    '中.com',
    '\\300',
  ])
    assert.throws(() => encodeMessage(query(1, bad, RRType.A)), DnsEncodeError, bad);
});

test('decoder rejects pointer loops, forward pointers and overlong names', () => {
  const header = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const loop = Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  assert.throws(() => decodeMessage(loop), DnsFormatError);
  const forward = Buffer.concat([header, Buffer.from([0xc0, 14, 0, 1, 0, 1, 0])]);
  assert.throws(() => decodeMessage(forward), DnsFormatError);
  const long = Buffer.concat([
    header,
    ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 97)])),
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
  assert.throws(() => decodeMessage(long), DnsFormatError);
  // A chain of backward pointers is fine.
  const chain = Buffer.from([3, 99, 111, 109, 0, 1, 97, 0xc0, 0, 1, 98, 0xc0, 5]);
  assert.deepEqual(readName(chain, 9), { name: 'b.a.com', end: 13 });
});

test('fuzz: random, truncated and mutated packets decode or throw DnsFormatError, nothing else', () => {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const samples = [
    encodeMessage(
      response([
        rr({ type: RRType.SRV, priority: 1, weight: 2, port: 3, target: 'a.b.c' }),
        rr({ type: RRType.A, address: '1.2.3.4' }),
      ]),
    ),
    encodeMessage(query(9, 'web.default.svc.cluster.local', RRType.AAAA, { udpSize: 1232 })),
    encodeMessage(
      response([
        rr({ type: RRType.MX, preference: 1, exchange: 'm.x.example.com' }),
        rr({ type: RRType.TXT, texts: [Buffer.from('hi')] }),
      ]),
    ),
  ];
  let decoded = 0;
  const tryOne = (b: Buffer): void => {
    try {
      decodeMessage(b);
      decoded++;
    } catch (err) {
      if (!(err instanceof DnsFormatError))
        throw new Error(`unexpected ${String(err)} for ${b.toString('hex')}`, { cause: err });
    }
  };
  for (let i = 0; i < 3000; i++) {
    const base = samples[i % samples.length]!;
    tryOne(base.subarray(0, rand(base.length + 1)));
    const mutated = Buffer.from(base);
    for (let k = 0; k < 1 + rand(4); k++) mutated[rand(mutated.length)] = rand(256);
    tryOne(mutated);
    tryOne(Buffer.from(Array.from({ length: rand(80) }, () => rand(256))));
  }
  assert.ok(decoded > 100, `only ${decoded} packets decoded`);
});

test('addresses: canonical text and reverse names', () => {
  assert.equal(canonicalIP('FD00:0:0::0001'), 'fd00::1');
  assert.equal(canonicalIP('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIP('::ffff:1.2.3.4'), '::ffff:102:304');
  assert.equal(canonicalIP('10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalIP('nope'), undefined);
  assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa');
  assert.equal(addressOfReverseName('10.0.96.10.IN-ADDR.arpa'), '10.96.0.10');
  assert.equal(addressOfReverseName('0.96.10.in-addr.arpa'), undefined);
  assert.equal(addressOfReverseName('01.0.96.10.in-addr.arpa'), undefined);
  const v6 = reverseName('fd00::1')!;
  assert.equal(v6.split('.').length, 34);
  assert.equal(addressOfReverseName(v6), 'fd00::1');
});
