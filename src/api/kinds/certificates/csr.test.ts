import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule } from '../networking/check-module.ts';
import { module } from './index.ts';
import { certificateSigningRequest as csr, conditionCell } from './csr.ts';

const pem = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
const CREATED = '2026-01-01T00:00:00Z';

function fixture(extra: Partial<KubeObject> = {}): KubeObject {
  return {
    metadata: { name: 'node-csr-1', creationTimestamp: CREATED },
    spec: {
      request: Buffer.from(pem).toString('base64'),
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'],
      username: 'system:bootstrap:abcdef',
    },
    ...extra,
  };
}

test('certificates: module refs resolve; csr is cluster-scoped with approval', () => {
  assert.deepEqual(checkModule(module), []);
  assert.equal(csr.namespaced, false);
  assert.deepEqual(
    csr.subresources?.map((s) => s.name),
    ['approval'],
  );
});

const cases: [string, (o: KubeObject) => void, string[]][] = [
  ['valid', () => {}, []],
  ['no request', (o) => delete (o.spec as Record<string, unknown>).request, ['spec.request']],
  [
    'not a CSR PEM',
    (o) => ((o.spec as Record<string, unknown>).request = Buffer.from('hello').toString('base64')),
    ['spec.request'],
  ],
  ['bad signer', (o) => ((o.spec as Record<string, unknown>).signerName = 'kubelet'), ['spec.signerName']],
  [
    'short expiry',
    (o) => ((o.spec as Record<string, unknown>).expirationSeconds = 60),
    ['spec.expirationSeconds'],
  ],
  [
    'bad usage',
    (o) => ((o.spec as Record<string, unknown>).usages = ['client auth', 'flying']),
    ['spec.usages[1]'],
  ],
  [
    'approved and denied',
    (o) =>
      (o.status = {
        conditions: [
          { type: 'Approved', status: 'True' },
          { type: 'Denied', status: 'True' },
        ],
      }),
    ['status.conditions'],
  ],
];
for (const [name, mutate, fields] of cases) {
  test(`validate: ${name}`, () => {
    const o = fixture();
    mutate(o);
    assert.deepEqual(
      csr.strategy.validate!(o).map((e) => e.field),
      fields,
    );
  });
}

test('spec is immutable', () => {
  const old = fixture();
  const o = fixture();
  (o.spec as Record<string, unknown>).signerName = 'example.com/other';
  assert.deepEqual(
    csr.strategy.validateUpdate!(o, old).map((e) => e.field),
    ['spec'],
  );
});

test('status endpoint: no approval changes; certificate only once and only when approved', () => {
  const pending = fixture();
  const approved = fixture({ status: { conditions: [{ type: 'Approved', status: 'True' }] } });
  const issued = fixture({
    status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'QUJD' },
  });
  const v = csr.strategy.validateStatusUpdate!;
  assert.deepEqual(
    v(approved, pending).map((e) => e.field),
    ['status.conditions'],
  );
  assert.deepEqual(v(issued, approved), []);
  assert.deepEqual(
    v(fixture({ status: { certificate: 'QUJD' } }), pending).map((e) => e.field),
    ['status.certificate'],
  );
  const changed = fixture({
    status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'WFla' },
  });
  assert.deepEqual(
    v(changed, issued).map((e) => e.field),
    ['status.certificate'],
  );
});

test('columns: SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION', () => {
  const now = Date.parse(CREATED) + 90_000;
  const o = fixture({ status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'QUJD' } });
  (o.spec as Record<string, unknown>).expirationSeconds = 86400;
  assert.deepEqual(
    csr.columns!.map((c) => c.cell(o, now)),
    [
      '90s',
      'kubernetes.io/kube-apiserver-client-kubelet',
      'system:bootstrap:abcdef',
      '24h',
      'Approved,Issued',
    ],
  );
  assert.equal(conditionCell(fixture()), 'Pending');
});
