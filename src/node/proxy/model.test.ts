import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeAddresses, servicePorts, usableEndpoints } from './model.ts';
import { ep } from './testdata.ts';
import type { EndpointSlice, Service } from './types.ts';

const svc = (spec: Service['spec'], status?: Service['status']): Service => ({
  metadata: { name: 'web', namespace: 'shop' },
  spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'web' }], ...spec },
  ...(status ? { status } : {}),
});
const slice = (o: Partial<EndpointSlice> = {}): EndpointSlice => ({
  metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: [
    { addresses: ['10.244.1.10'], conditions: { ready: true }, nodeName: 'n1' },
    { addresses: ['10.244.2.11'], conditions: {}, nodeName: 'n2' },
  ],
  ...o,
});

describe('servicePorts', () => {
  const ignored: [string, Service][] = [
    ['headless', svc({ clusterIP: 'None' })],
    ['ExternalName', svc({ type: 'ExternalName', clusterIP: '' })],
    ['no ClusterIP yet', svc({ clusterIP: '' })],
    ['IPv6 ClusterIP', svc({ clusterIP: 'fd00::10' })],
  ];
  for (const [name, s] of ignored)
    test(`ignores ${name}`, () => assert.deepEqual(servicePorts(s, [slice()], 'n1'), []));

  test('named targetPort resolves through the slice port of the same name; nil ready counts as ready', () => {
    const [p] = servicePorts(svc({}), [slice()], 'n1');
    assert.equal(p!.id, 'shop/web/tcp/http');
    assert.deepEqual(
      p!.endpoints.map((e) => [e.ip, e.port, e.local, e.ready]),
      [
        ['10.244.1.10', 8080, true, true],
        ['10.244.2.11', 8080, false, true],
      ],
    );
  });

  test('ports match on name and protocol; unnamed ports use the port number in the id', () => {
    const s = svc({ ports: [{ port: 53, protocol: 'UDP' }] });
    const sl = slice({
      ports: [
        { port: 5353, protocol: 'UDP' },
        { port: 9999, protocol: 'TCP' },
      ],
    });
    const [p] = servicePorts(s, [sl], 'n1');
    assert.equal(p!.id, 'shop/web/udp/53');
    assert.equal(p!.endpoints[0]!.port, 5353);
  });

  test('types decide NodePort and LoadBalancer fields; affinity defaults to 3 h', () => {
    const lb = svc(
      {
        type: 'LoadBalancer',
        ports: [{ name: 'http', port: 80, nodePort: 30080 }],
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        sessionAffinity: 'ClientIP',
      },
      { loadBalancer: { ingress: [{ ip: '172.31.0.4' }, { hostname: 'x.example' }] } },
    );
    const [p] = servicePorts(lb, [], 'n1');
    assert.equal(p!.nodePort, 30080);
    assert.deepEqual(p!.loadBalancerIPs, ['172.31.0.4']);
    assert.deepEqual(p!.loadBalancerSourceRanges, ['10.0.0.0/8']);
    assert.equal(p!.affinitySeconds, 10800);
    const [c] = servicePorts(
      svc({ ports: [{ name: 'http', port: 80, nodePort: 30080 }] }, lb.status),
      [],
      'n1',
    );
    assert.equal(c!.nodePort, undefined, 'a ClusterIP service has no NodePort');
    assert.deepEqual(c!.loadBalancerIPs, []);
  });

  test('duplicates across slices collapse, the ready copy wins; terminating keeps serving flag', () => {
    const a = slice({ endpoints: [{ addresses: ['10.244.1.10'], conditions: { ready: false } }] });
    const b = slice({
      metadata: { name: 'web-def', namespace: 'shop' },
      endpoints: [
        { addresses: ['10.244.1.10'], conditions: { ready: true } },
        { addresses: ['10.244.1.12'], conditions: { ready: false, serving: true, terminating: true } },
      ],
    });
    const [p] = servicePorts(svc({}), [a, b], 'n1');
    assert.deepEqual(
      p!.endpoints.map((e) => [e.ip, e.ready, e.servingTerminating]),
      [
        ['10.244.1.10', true, false],
        ['10.244.1.12', false, true],
      ],
    );
  });
});

describe('usableEndpoints', () => {
  const cases: { name: string; eps: ReturnType<typeof ep>[]; local: boolean; want: string[] }[] = [
    {
      name: 'ready only',
      eps: [ep('1.1.1.1'), ep('1.1.1.2', { ready: false })],
      local: false,
      want: ['1.1.1.1'],
    },
    {
      name: 'terminating fallback',
      eps: [ep('1.1.1.1', { ready: false, servingTerminating: true }), ep('1.1.1.2', { ready: false })],
      local: false,
      want: ['1.1.1.1'],
    },
    {
      name: 'local only, fallback within the local set',
      eps: [ep('1.1.1.1', { local: false }), ep('1.1.1.2', { ready: false, servingTerminating: true })],
      local: true,
      want: ['1.1.1.2'],
    },
    { name: 'none', eps: [ep('1.1.1.1', { ready: false })], local: false, want: [] },
  ];
  for (const c of cases)
    test(c.name, () =>
      assert.deepEqual(
        usableEndpoints(c.eps, c.local).map((e) => e.ip),
        c.want,
      ),
    );
});

test('nodeAddresses: InternalIP and ExternalIP, IPv4, deduplicated', () => {
  const node = {
    metadata: { name: 'n1' },
    status: {
      addresses: [
        { type: 'Hostname', address: 'n1' },
        { type: 'InternalIP', address: '192.168.1.5' },
        { type: 'ExternalIP', address: '203.0.113.9' },
        { type: 'InternalIP', address: 'fd00::5' },
        { type: 'ExternalIP', address: '192.168.1.5' },
      ],
    },
  };
  assert.deepEqual(nodeAddresses(node), ['192.168.1.5', '203.0.113.9']);
  assert.deepEqual(nodeAddresses(undefined), []);
});
