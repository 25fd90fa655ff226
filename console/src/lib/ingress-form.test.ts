import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backendPort,
  emptyIngressForm,
  ingressCauseField,
  ingressFromForm,
  tlsSecretNames,
} from './ingress-form.ts';

test('the Ingress a form describes: rules kept in order, ports by number or name, TLS', () => {
  const ing = ingressFromForm({
    name: ' shop ',
    namespace: 'team',
    className: 'berth',
    rules: [
      {
        host: 'shop.example',
        paths: [
          { path: '/', pathType: 'Prefix', service: 'web', port: 80 },
          { path: '', pathType: 'Exact', service: 'api', port: 'grpc' },
        ],
      },
      { host: '', paths: [{ path: '/x', service: 'web', port: '8080' }] },
    ],
    tls: [{ hosts: ['shop.example', ' '], secretName: 'shop-tls' }],
  });
  assert.deepEqual(ing, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'team' },
    spec: {
      ingressClassName: 'berth',
      rules: [
        {
          host: 'shop.example',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
              { path: '/', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'grpc' } } } },
            ],
          },
        },
        {
          http: {
            paths: [
              {
                path: '/x',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: ['shop.example'], secretName: 'shop-tls' }],
    },
  });
  const empty = ingressFromForm(emptyIngressForm('ns')) as unknown as { spec: Record<string, unknown> };
  assert.equal(empty.spec.tls, undefined);
  assert.equal(empty.spec.ingressClassName, undefined);
  assert.equal(backendPort(undefined), undefined);
  assert.equal(backendPort(' '), undefined);
});

test('Status cause fields map to form fields', () => {
  const cases: [string | undefined, (string | number)[] | undefined][] = [
    ['metadata.name', ['name']],
    ['spec.ingressClassName', ['className']],
    ['spec.rules[1].host', ['rules', 1, 'host']],
    ['spec.rules[0].http.paths', ['rules', 0, 'host']],
    ['spec.rules[0].http.paths[2].path', ['rules', 0, 'paths', 2, 'path']],
    ['spec.rules[0].http.paths[0].pathType', ['rules', 0, 'paths', 0, 'pathType']],
    ['spec.rules[0].http.paths[1].backend.service.name', ['rules', 0, 'paths', 1, 'service']],
    ['spec.rules[0].http.paths[1].backend.service.port.number', ['rules', 0, 'paths', 1, 'port']],
    ['spec.rules[0].http.paths[1].backend', ['rules', 0, 'paths', 1, 'service']],
    ['spec.tls[0].hosts[1]', ['tls', 0, 'hosts']],
    ['spec.tls[2].secretName', ['tls', 2, 'secretName']],
    ['spec', undefined],
    [undefined, undefined],
  ];
  for (const [field, want] of cases) assert.deepEqual(ingressCauseField(field), want, String(field));
});

test('only kubernetes.io/tls Secrets are offered for TLS', () => {
  const s = (name: string, type?: string) => ({ metadata: { name }, type });
  assert.deepEqual(tlsSecretNames([s('z', 'kubernetes.io/tls'), s('a'), s('b', 'kubernetes.io/tls')]), [
    'b',
    'z',
  ]);
});
