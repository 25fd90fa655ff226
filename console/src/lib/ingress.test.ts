import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ingressAddress,
  ingressHosts,
  ingressPathRows,
  ingressPorts,
  ingressRules,
  type Ingress,
} from './ingress.ts';

test('ingress hosts, rules, address and ports', () => {
  const ing: Ingress = {
    metadata: { name: 'web' },
    spec: {
      tls: [{ hosts: ['shop.example'] }],
      defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } },
      rules: [
        {
          host: 'shop.example',
          http: {
            paths: [
              { path: '/', backend: { service: { name: 'web', port: { number: 80 } } } },
              { path: '/api', backend: { service: { name: 'api', port: { number: 8080 } } } },
            ],
          },
        },
        { http: { paths: [{ backend: { resource: { kind: 'Bucket', name: 'static' } } }] } },
        { host: 'shop.example' },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '10.0.0.5' }, { hostname: 'lb.example' }] } },
  };
  assert.equal(ingressHosts(ing), 'shop.example, *');
  assert.deepEqual(ingressRules(ing), [
    'shop.example/ → web:80',
    'shop.example/api → api:8080',
    '*/ → Bucket/static',
    '* → fallback:http',
  ]);
  assert.equal(ingressAddress(ing), '10.0.0.5, lb.example');
  assert.equal(ingressPorts(ing), '80, 443');
  const bare: Ingress = { metadata: { name: 'x' } };
  assert.equal(ingressHosts(bare), '-');
  assert.deepEqual(ingressRules(bare), []);
  assert.equal(ingressAddress(bare), '-');
  assert.equal(ingressPorts(bare), '80');
});

test('ingress path rows: each rule path, then the default backend', () => {
  const ing: Ingress = {
    metadata: { name: 'web' },
    spec: {
      defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } },
      rules: [
        {
          host: 'shop.example',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
              { path: '/x', pathType: 'Exact', backend: { resource: { kind: 'Bucket', name: 'b' } } },
            ],
          },
        },
        { http: { paths: [{ pathType: 'ImplementationSpecific', backend: { service: { name: 'api' } } }] } },
      ],
    },
  };
  assert.deepEqual(
    ingressPathRows(ing).map((r) => [r.key, r.host, r.path, r.pathType, r.service, r.backend]),
    [
      ['0/0', 'shop.example', '/', 'Prefix', 'web', 'web:80'],
      ['0/1', 'shop.example', '/x', 'Exact', undefined, 'Bucket/b'],
      ['1/0', '*', '/', 'ImplementationSpecific', 'api', 'api:'],
      ['default', '*', '*', '-', 'fallback', 'fallback:http'],
    ],
  );
});
