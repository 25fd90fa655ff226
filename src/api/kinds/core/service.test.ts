import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { clone, service } from './fixtures.ts';
import { serviceKind } from './service.ts';

type Obj = Record<string, unknown>;
const s = serviceKind.strategy;
const defaulted = (o: KubeObject = service()): KubeObject => {
  s.defaults!(o);
  return o;
};

test('service: defaults golden', () => {
  const o = defaulted();
  assert.deepEqual(o.spec, {
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const lb = service();
  (lb.spec as Obj).type = 'LoadBalancer';
  (lb.spec as Obj).ports = [{ port: 80 }];
  s.defaults!(lb);
  const spec = lb.spec as Obj;
  assert.deepEqual(
    [spec.externalTrafficPolicy, spec.allocateLoadBalancerNodePorts, (spec.ports as Obj[])[0]!.targetPort],
    ['Cluster', true, 80],
  );
  assert.deepEqual(s.validate!(defaulted()), []);
});

const invalid: [string, (spec: Obj, o: KubeObject) => void, string[]][] = [
  ['name must be a DNS-1035 label', (_sp, o) => (o.metadata.name = '1web'), ['metadata.name']],
  ['bad type', (sp) => (sp.type = 'Magic'), ['spec.type']],
  ['no ports', (sp) => (sp.ports = []), ['spec.ports']],
  ['unnamed port among several', (sp) => delete (sp.ports as Obj[])[1]!.name, ['spec.ports[1].name']],
  ['duplicate port name', (sp) => ((sp.ports as Obj[])[1]!.name = 'http'), ['spec.ports[1].name']],
  ['port out of range', (sp) => ((sp.ports as Obj[])[0]!.port = 0), ['spec.ports[0].port']],
  ['nodePort on ClusterIP', (sp) => ((sp.ports as Obj[])[0]!.nodePort = 30080), ['spec.ports[0].nodePort']],
  ['bad clusterIP', (sp) => (sp.clusterIP = '10.0.0.300'), ['spec.clusterIPs[0]']],
  [
    'externalTrafficPolicy on ClusterIP',
    (sp) => (sp.externalTrafficPolicy = 'Local'),
    ['spec.externalTrafficPolicy'],
  ],
  [
    'ExternalName without externalName',
    (sp) => {
      sp.type = 'ExternalName';
      delete sp.internalTrafficPolicy;
      delete sp.ipFamilies;
      delete sp.ipFamilyPolicy;
    },
    ['spec.externalName'],
  ],
  [
    'headless NodePort',
    (sp) => {
      sp.type = 'NodePort';
      sp.clusterIP = 'None';
      sp.externalTrafficPolicy = 'Cluster';
    },
    ['spec.clusterIPs[0]'],
  ],
  ['bad selector', (sp) => (sp.selector = { 'a b': 'x' }), ['spec.selector']],
  ['bad session affinity', (sp) => (sp.sessionAffinity = 'Sticky'), ['spec.sessionAffinity']],
  [
    'sourceRanges on ClusterIP',
    (sp) => (sp.loadBalancerSourceRanges = ['10.0.0.0/8']),
    ['spec.loadBalancerSourceRanges'],
  ],
];
for (const [name, mutate, expected] of invalid) {
  test(`service invalid: ${name}`, () => {
    const o = defaulted();
    mutate(o.spec as Obj, o);
    assert.deepEqual(
      s.validate!(o).map((e) => e.field),
      expected,
    );
  });
}

test('service update: clusterIP is immutable once set, and kept when left out', () => {
  const old = defaulted();
  (old.spec as Obj).clusterIP = '10.96.0.10';
  (old.spec as Obj).clusterIPs = ['10.96.0.10'];
  const changed = clone(old);
  (changed.spec as Obj).clusterIP = '10.96.0.11';
  assert.deepEqual(
    s.validateUpdate!(changed, old).map((e) => e.field),
    ['spec.clusterIPs[0]'],
  );
  const omitted = defaulted();
  s.prepareForUpdate!(omitted, old);
  assert.equal((omitted.spec as Obj).clusterIP, '10.96.0.10');
  assert.deepEqual(s.validateUpdate!(omitted, old), []);
});

test('service update: node ports are kept when left out', () => {
  const old = defaulted();
  Object.assign(old.spec as Obj, { type: 'NodePort', externalTrafficPolicy: 'Cluster' });
  ((old.spec as Obj).ports as Obj[])[0]!.nodePort = 30080;
  const next = clone(old);
  delete ((next.spec as Obj).ports as Obj[])[0]!.nodePort;
  s.prepareForUpdate!(next, old);
  assert.equal(((next.spec as Obj).ports as Obj[])[0]!.nodePort, 30080);
});

const now = Date.parse('2025-01-01T12:00:00Z');
const rows: [string, Obj, Obj | undefined, unknown[]][] = [
  [
    'cluster ip',
    {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [{ port: 80, protocol: 'TCP' }],
      selector: { app: 'web' },
    },
    undefined,
    ['ClusterIP', '10.96.0.10', '<none>', '80/TCP', '5m', 'app=web'],
  ],
  [
    'node port',
    {
      type: 'NodePort',
      clusterIPs: ['10.96.0.11'],
      ports: [
        { port: 80, nodePort: 30080, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
    undefined,
    ['NodePort', '10.96.0.11', '<none>', '80:30080/TCP,53/UDP', '5m', '<none>'],
  ],
  [
    'pending lb',
    { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 80, protocol: 'TCP' }] },
    undefined,
    ['LoadBalancer', '10.96.0.12', '<pending>', '80/TCP', '5m', '<none>'],
  ],
  [
    'lb with ip',
    { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 80, protocol: 'TCP' }] },
    { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    ['LoadBalancer', '10.96.0.12', '1.2.3.4', '80/TCP', '5m', '<none>'],
  ],
  [
    'external name',
    { type: 'ExternalName', externalName: 'example.com' },
    undefined,
    ['ExternalName', '<none>', 'example.com', '<none>', '5m', '<none>'],
  ],
];
for (const [name, spec, status, cells] of rows) {
  test(`service columns: ${name}`, () => {
    const o: KubeObject = {
      metadata: { name: 's', creationTimestamp: '2025-01-01T11:55:00Z' },
      spec,
      ...(status ? { status } : {}),
    };
    assert.deepEqual(
      serviceKind.columns!.map((c) => c.cell(o, now)),
      cells,
    );
  });
}
