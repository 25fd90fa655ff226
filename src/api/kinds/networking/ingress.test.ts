import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { CREATED, NOW, ingressFixture } from './fixtures.ts';
import { formatHosts, ingress } from './ingress.ts';

function cells(o: KubeObject): unknown[] {
  return (ingress.columns ?? []).map((c) => c.cell(o, NOW));
}

test('ingress: a typical object is valid', () => {
  assert.deepEqual(ingress.strategy.validate?.(ingressFixture()), []);
});

const invalid: [string, (o: KubeObject) => void, string[]][] = [
  [
    'no backend and no rules',
    (o) => {
      o.spec = {};
    },
    ['spec'],
  ],
  [
    'both service and resource',
    (o) => {
      o.spec = {
        defaultBackend: { service: { name: 'a', port: { number: 80 } }, resource: { kind: 'X', name: 'y' } },
      };
    },
    ['spec.defaultBackend'],
  ],
  [
    'port missing',
    (o) => {
      o.spec = { defaultBackend: { service: { name: 'a', port: {} } } };
    },
    ['spec.defaultBackend'],
  ],
  [
    'port name and number',
    (o) => {
      o.spec = { defaultBackend: { service: { name: 'a', port: { name: 'http', number: 80 } } } };
    },
    ['spec.defaultBackend'],
  ],
  [
    'bad service name',
    (o) => {
      o.spec = { defaultBackend: { service: { name: '1abc', port: { number: 80 } } } };
    },
    ['spec.defaultBackend.service.name'],
  ],
  [
    'port out of range',
    (o) => {
      o.spec = { defaultBackend: { service: { name: 'a', port: { number: 70000 } } } };
    },
    ['spec.defaultBackend.service.port.number'],
  ],
  [
    'IP host',
    (o) => {
      (o.spec as { rules: { host: string }[] }).rules[0].host = '10.1.1.1';
    },
    ['spec.rules[0].host'],
  ],
  [
    'missing pathType',
    (o) => {
      delete (o.spec as { rules: { http: { paths: Record<string, unknown>[] } }[] }).rules[0].http.paths[0]
        .pathType;
    },
    ['spec.rules[0].http.paths[0].pathType'],
  ],
  [
    'relative Prefix path',
    (o) => {
      (o.spec as { rules: { http: { paths: Record<string, unknown>[] } }[] }).rules[0].http.paths[0].path =
        'x';
    },
    ['spec.rules[0].http.paths[0].path'],
  ],
  [
    'empty paths',
    (o) => {
      (o.spec as { rules: { http: { paths: unknown[] } }[] }).rules[0].http.paths = [];
    },
    ['spec.rules[0].http.paths'],
  ],
  [
    'bad tls host',
    (o) => {
      (o.spec as { tls: { hosts: string[] }[] }).tls[0].hosts = ['Bad_Host'];
    },
    ['spec.tls[0].hosts[0]'],
  ],
  [
    'class annotation and field',
    (o) => {
      o.metadata.annotations = { 'kubernetes.io/ingress.class': 'nginx' };
    },
    ['annotations.kubernetes.io/ingress.class'],
  ],
];

for (const [name, mutate, fields] of invalid) {
  test(`ingress: invalid — ${name}`, () => {
    const o = ingressFixture();
    mutate(o);
    assert.deepEqual(
      ingress.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('ingress: wildcard host accepted', () => {
  const o = ingressFixture();
  (o.spec as { rules: { host: string }[] }).rules[0].host = '*.example.com';
  assert.deepEqual(ingress.strategy.validate?.(o), []);
});

test('ingress: columns CLASS HOSTS ADDRESS PORTS AGE', () => {
  assert.deepEqual(
    ingress.columns?.map((c) => c.name),
    ['Class', 'Hosts', 'Address', 'Ports', 'Age'],
  );
  assert.deepEqual(cells(ingressFixture()), ['nginx', 'example.com', '10.0.0.5', '80, 443', '5m']);
  const bare: KubeObject = { metadata: { name: 'x', creationTimestamp: CREATED }, spec: { rules: [{}] } };
  assert.deepEqual(cells(bare), ['<none>', '*', '', '80', '5m']);
});

test('ingress: hosts cell lists three then counts the rest', () => {
  const rules = ['a.io', 'b.io', 'c.io', 'd.io', 'e.io'].map((host) => ({ host }));
  assert.equal(formatHosts(rules), 'a.io,b.io,c.io + 2 more...');
});

test('ingress: address is clipped to 16 characters', () => {
  const o = ingressFixture();
  o.status = {
    loadBalancer: { ingress: [{ ip: '10.0.0.5' }, { hostname: 'lb.example.internal' }, { ip: '10.0.0.4' }] },
  };
  assert.equal(cells(o)[2], '10.0.0.4,10.0...');
});
