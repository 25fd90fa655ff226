import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterIPs,
  endpointRows,
  loadBalancerAddresses,
  servicePortRows,
  type EndpointSlice,
} from './service-detail.ts';

test('endpoint rows: every address of every slice, conditions defaulted, pods linked', () => {
  const slices: EndpointSlice[] = [
    {
      metadata: { name: 'web-b', namespace: 'shop' },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['10.0.0.10'],
          conditions: { ready: false, serving: true, terminating: true },
          targetRef: { kind: 'Pod', name: 'web-2' },
          nodeName: 'n2',
        },
      ],
    },
    {
      metadata: { name: 'web-a', namespace: 'shop' },
      ports: [{ port: 53, protocol: 'UDP' }],
      endpoints: [
        { addresses: ['10.0.0.9'], targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' } },
        { addresses: ['10.0.0.11'], conditions: { ready: false }, targetRef: { kind: 'Node', name: 'x' } },
      ],
    },
  ];
  const rows = endpointRows(slices);
  assert.deepEqual(
    rows.map((r) => [r.address, r.ready, r.serving, r.terminating, r.pod?.name, r.ports, r.slice]),
    [
      ['10.0.0.9', true, true, false, 'web-1', '53/UDP', 'web-a'],
      ['10.0.0.10', false, true, true, 'web-2', 'http 8080/TCP', 'web-b'],
      ['10.0.0.11', false, false, false, undefined, '53/UDP', 'web-a'],
    ],
  );
  assert.deepEqual(rows[1].pod, { namespace: 'shop', name: 'web-2' });
  assert.deepEqual(endpointRows([{ metadata: { name: 'empty' } }]), []);
});

test('cluster IPs, load balancer addresses and port rows', () => {
  const cases: [Parameters<typeof clusterIPs>[0]['spec'], string[]][] = [
    [{ clusterIP: '10.96.0.5' }, ['10.96.0.5']],
    [{ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', 'fd00::5'] }, ['10.96.0.5', 'fd00::5']],
    [{ clusterIP: 'None' }, ['None']],
    [{}, []],
  ];
  for (const [spec, want] of cases) assert.deepEqual(clusterIPs({ metadata: { name: 's' }, spec }), want);

  const svc = {
    metadata: { name: 's' },
    spec: {
      type: 'LoadBalancer',
      ports: [
        { name: 'http', port: 80, targetPort: 'web', nodePort: 30080, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }, { hostname: 'lb.example' }] } },
  };
  assert.deepEqual(loadBalancerAddresses(svc), ['192.0.2.1', 'lb.example']);
  assert.deepEqual(servicePortRows(svc), [
    { key: '0', name: 'http', port: 80, targetPort: 'web', nodePort: '30080', protocol: 'TCP' },
    { key: '1', name: '-', port: 53, targetPort: '53', nodePort: '-', protocol: 'UDP' },
  ]);
});
