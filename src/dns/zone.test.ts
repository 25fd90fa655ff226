import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenCopy } from '../client/store.ts';
import { ClusterIndex } from './cluster-index.ts';
import { Rcode, RRType, typeNumber } from './message.ts';
import { service, show, slice } from './testing.ts';
import type { Service } from './types.ts';
import { ClusterZone } from './zone.ts';

function fixture(): ClusterIndex {
  const idx = new ClusterIndex('cluster.local');
  const add = (s: Service): void => idx.upsertService(frozenCopy(s));
  add(
    service('kube-system', 'kube-dns', {
      clusterIP: '10.96.0.10',
      ports: [{ name: 'dns', protocol: 'UDP', port: 53 }],
    }),
  );
  add(
    service('default', 'web', {
      clusterIP: '10.96.0.20',
      ports: [{ name: 'http', port: 80 }, { port: 8080 }],
    }),
  );
  add(service('default', 'nginx', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
  add(service('default', 'pub', { clusterIP: 'None', publishNotReadyAddresses: true }));
  add(service('default', 'lonely', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
  add(service('default', 'ext', { type: 'ExternalName', externalName: 'example.com.' }));
  add(service('default', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }));
  add(service('v6', 'six', { clusterIP: 'fd00::10', clusterIPs: ['fd00::10'] }));
  idx.upsertSlice(
    frozenCopy(
      slice(
        'default',
        'nginx',
        'nginx-abc',
        [
          { addresses: ['10.244.1.2'], conditions: { ready: true }, hostname: 'web-0' },
          { addresses: ['10.244.2.3'], hostname: 'web-1' },
          { addresses: ['10.244.3.4'], conditions: { ready: false }, hostname: 'web-2' },
          { addresses: ['10.244.4.5'], conditions: { ready: true } },
        ],
        [{ name: 'http', port: 8080, protocol: 'TCP' }],
      ),
    ),
  );
  idx.upsertSlice(
    frozenCopy(
      slice('default', 'pub', 'pub-1', [{ addresses: ['10.244.9.9'], conditions: { ready: false } }]),
    ),
  );
  return idx;
}

const D = 'cluster.local';
type Row = [name: string, type: string, rcode: number, answers: string[], extra?: string[]];
const NX = Rcode.NXDOMAIN;
const OK = Rcode.NOERROR;

const table: Row[] = [
  // The zone's own names.
  [D, 'SOA', OK, ['SOA ns.dns.cluster.local']],
  [D, 'NS', OK, ['NS ns.dns.cluster.local'], ['A 10.96.0.10']],
  [D, 'A', OK, []],
  [`ns.dns.${D}`, 'A', OK, ['A 10.96.0.10']],
  [`dns.${D}`, 'A', OK, []],
  [`nothing.${D}`, 'A', NX, []],
  [`svc.${D}`, 'A', OK, []],
  [`default.svc.${D}`, 'A', OK, []],
  [`nosuchns.svc.${D}`, 'A', NX, []],
  // ClusterIP services.
  [`web.default.svc.${D}`, 'A', OK, ['A 10.96.0.20']],
  [`WEB.Default.SVC.cluster.LOCAL`, 'A', OK, ['A 10.96.0.20']],
  [`web.default.svc.${D}`, 'AAAA', OK, []],
  [`web.default.svc.${D}`, 'TXT', OK, []],
  [`web.default.svc.${D}`, 'SRV', OK, [`SRV 0 100 80 web.default.svc.${D}`], ['A 10.96.0.20']],
  [`nope.default.svc.${D}`, 'A', NX, []],
  [`web.other.svc.${D}`, 'A', NX, []],
  [`six.v6.svc.${D}`, 'AAAA', OK, ['AAAA fd00::10']],
  [`six.v6.svc.${D}`, 'A', OK, []],
  [`x.web.default.svc.${D}`, 'A', NX, []],
  // SRV for named ports.
  [`_http._tcp.web.default.svc.${D}`, 'SRV', OK, [`SRV 0 100 80 web.default.svc.${D}`], ['A 10.96.0.20']],
  [`_http._tcp.web.default.svc.${D}`, 'A', OK, []],
  [`_http._udp.web.default.svc.${D}`, 'SRV', NX, []],
  [`_https._tcp.web.default.svc.${D}`, 'SRV', NX, []],
  [`_tcp.web.default.svc.${D}`, 'SRV', OK, []],
  [`_udp.web.default.svc.${D}`, 'SRV', NX, []],
  // Headless: every ready endpoint, by hostname or dashed address.
  [`nginx.default.svc.${D}`, 'A', OK, ['A 10.244.1.2', 'A 10.244.2.3', 'A 10.244.4.5']],
  [`web-0.nginx.default.svc.${D}`, 'A', OK, ['A 10.244.1.2']],
  [`web-2.nginx.default.svc.${D}`, 'A', NX, []],
  [`10-244-4-5.nginx.default.svc.${D}`, 'A', OK, ['A 10.244.4.5']],
  [`web-0.nginx.default.svc.${D}`, 'AAAA', OK, []],
  [
    `_http._tcp.nginx.default.svc.${D}`,
    'SRV',
    OK,
    [
      `SRV 0 33 8080 web-0.nginx.default.svc.${D}`,
      `SRV 0 33 8080 web-1.nginx.default.svc.${D}`,
      `SRV 0 33 8080 10-244-4-5.nginx.default.svc.${D}`,
    ],
    ['A 10.244.1.2', 'A 10.244.2.3', 'A 10.244.4.5'],
  ],
  [`lonely.default.svc.${D}`, 'A', OK, []],
  [`_http._tcp.lonely.default.svc.${D}`, 'SRV', OK, []],
  [`pub.default.svc.${D}`, 'A', OK, ['A 10.244.9.9']],
  // ExternalName: a CNAME, followed inside the zone.
  [`ext.default.svc.${D}`, 'CNAME', OK, ['CNAME example.com']],
  [`ext.default.svc.${D}`, 'A', OK, ['CNAME example.com']],
  [`alias.default.svc.${D}`, 'A', OK, [`CNAME web.default.svc.${D}`, 'A 10.96.0.20']],
  // Pods.
  [`10-244-1-7.default.pod.${D}`, 'A', OK, ['A 10.244.1.7']],
  [`10-244-1-7.default.pod.${D}`, 'AAAA', OK, []],
  [`10-244-1.default.pod.${D}`, 'A', NX, []],
  [`default.pod.${D}`, 'A', OK, []],
  // Reverse names of cluster addresses.
  ['20.0.96.10.in-addr.arpa', 'PTR', OK, [`PTR web.default.svc.${D}`]],
  ['2.1.244.10.in-addr.arpa', 'PTR', OK, [`PTR web-0.nginx.default.svc.${D}`]],
  ['5.4.244.10.in-addr.arpa', 'PTR', OK, [`PTR 10-244-4-5.nginx.default.svc.${D}`]],
];

test('cluster zone answers (table)', () => {
  const zone = new ClusterZone(fixture(), { ttl: 5 });
  for (const [name, type, rcode, answers, extra] of table) {
    const what = `${name} ${type}`;
    const a = zone.resolve(name, typeNumber(type)!);
    assert.ok(a, `${what}: the zone should answer`);
    assert.equal(a.rcode, rcode, `${what}: rcode`);
    assert.deepEqual(a.answers.map(show), answers, `${what}: answers`);
    if (extra) assert.deepEqual(a.additionals.map(show), extra, `${what}: additionals`);
    // Negative answers (NXDOMAIN and NODATA) carry the SOA so they can be cached; positive ones do not.
    const negative = a.answers.length === 0;
    assert.deepEqual(a.authorities.map(show), negative ? [`SOA ns.dns.${D}`] : [], `${what}: authority`);
    for (const rr of [...a.answers, ...a.authorities]) assert.equal(rr.ttl, 5, `${what}: ttl`);
    if (a.answers[0] && a.answers[0].type !== RRType.SOA)
      assert.equal(a.answers[0].name, name, `${what}: owner echoes the question`);
  }
});

test('outside the zone: nothing, so the server forwards; unknown reverse names too', () => {
  const zone = new ClusterZone(fixture());
  assert.equal(zone.resolve('example.com', RRType.A), undefined);
  assert.equal(zone.resolve('cluster.local.example.com', RRType.A), undefined);
  assert.equal(zone.resolve('1.1.1.1.in-addr.arpa', RRType.PTR), undefined);
  assert.equal(zone.resolve('20.0.96.10.in-addr.arpa', RRType.A), undefined);
  assert.deepEqual(zone.resolve('ext.default.svc.cluster.local', RRType.A)?.chase, 'example.com');
});

test('changes show at once: scale, service deletion, slice moving, a custom domain and TTL', () => {
  const idx = fixture();
  const zone = new ClusterZone(idx, { ttl: 30 });
  const a = (name: string): string[] => zone.resolve(name, RRType.A)!.answers.map(show);
  idx.upsertSlice(
    frozenCopy(slice('default', 'nginx', 'nginx-abc', [{ addresses: ['10.244.1.2'], hostname: 'web-0' }])),
  );
  assert.deepEqual(a('nginx.default.svc.cluster.local'), ['A 10.244.1.2']);
  assert.equal(zone.resolve('web-1.nginx.default.svc.cluster.local', RRType.A)!.rcode, Rcode.NXDOMAIN);
  assert.equal(
    zone.resolve('3.2.244.10.in-addr.arpa', RRType.PTR),
    undefined,
    'the PTR went with the endpoint',
  );
  idx.deleteSlice(frozenCopy(slice('default', 'nginx', 'nginx-abc', [])));
  assert.deepEqual(a('nginx.default.svc.cluster.local'), []);
  const gen = idx.generation;
  idx.deleteService(frozenCopy(service('default', 'web', {})));
  assert.ok(idx.generation > gen);
  assert.equal(zone.resolve('web.default.svc.cluster.local', RRType.A)!.rcode, Rcode.NXDOMAIN);
  assert.equal(zone.resolve('20.0.96.10.in-addr.arpa', RRType.PTR), undefined);
  // A namespace exists while it has a Service.
  idx.deleteService(frozenCopy(service('v6', 'six', {})));
  assert.equal(zone.resolve('v6.svc.cluster.local', RRType.A)!.rcode, Rcode.NXDOMAIN);
  // Slices arriving before their Service are kept for it.
  idx.upsertSlice(frozenCopy(slice('late', 'db', 'db-1', [{ addresses: ['10.244.7.7'] }])));
  idx.upsertService(frozenCopy(service('late', 'db', { clusterIP: 'None' })));
  assert.deepEqual(a('db.late.svc.cluster.local'), ['A 10.244.7.7']);
  assert.equal(zone.resolve('db.late.svc.cluster.local', RRType.A)!.answers[0]!.ttl, 30);

  const custom = new ClusterIndex('Corp.Example.');
  custom.upsertService(frozenCopy(service('a', 'b', { clusterIP: '10.0.0.1' })));
  const cz = new ClusterZone(custom);
  assert.deepEqual(cz.resolve('b.a.svc.corp.example', RRType.A)!.answers.map(show), ['A 10.0.0.1']);
  assert.equal(cz.resolve('b.a.svc.cluster.local', RRType.A), undefined);
});
