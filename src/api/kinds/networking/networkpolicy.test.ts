import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { NOW, networkPolicyFixture } from './fixtures.ts';
import { networkPolicy } from './networkpolicy.ts';
import { formatLabelSelector } from './label-selector.ts';

test('networkpolicy: defaults protocol TCP and policyTypes', () => {
  const o = networkPolicyFixture();
  networkPolicy.strategy.defaults?.(o);
  assert.deepEqual(o.spec, {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { role: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ],
    policyTypes: ['Ingress'],
  });
  const e: KubeObject = { metadata: {}, spec: { podSelector: {}, egress: [{}] } };
  networkPolicy.strategy.defaults?.(e);
  assert.deepEqual((e.spec as { policyTypes: string[] }).policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(networkPolicy.strategy.validate?.(o), []);
});

const invalid: [string, Record<string, unknown>, string[]][] = [
  ['empty peer', { podSelector: {}, ingress: [{ from: [{}] }] }, ['spec.ingress[0].from[0]']],
  [
    'ipBlock with selector',
    { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
    ['spec.egress[0].to[0]'],
  ],
  [
    'bad cidr',
    { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] },
    ['spec.egress[0].to[0].ipBlock.cidr'],
  ],
  [
    'except outside cidr',
    {
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/16'] } }] }],
    },
    ['spec.egress[0].to[0].ipBlock.except[0]', 'spec.egress[0].to[0].ipBlock.except[1]'],
  ],
  [
    'endPort below port',
    { podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] },
    ['spec.ingress[0].ports[0].endPort'],
  ],
  [
    'bad protocol',
    { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] },
    ['spec.ingress[0].ports[0].protocol'],
  ],
  ['bad policy type', { podSelector: {}, policyTypes: ['Sideways'] }, ['spec.policyTypes[0]']],
  [
    'In without values',
    { podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } },
    ['spec.podSelector.matchExpressions[0].values'],
  ],
];
for (const [name, spec, fields] of invalid) {
  test(`networkpolicy: invalid — ${name}`, () => {
    assert.deepEqual(
      networkPolicy.strategy.validate?.({ metadata: {}, spec }).map((e) => e.field),
      fields,
    );
  });
}

test('networkpolicy: ipv6 except inside block is fine', () => {
  const spec = {
    podSelector: {},
    egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }],
  };
  assert.deepEqual(networkPolicy.strategy.validate?.({ metadata: {}, spec }), []);
});

test('networkpolicy: columns POD-SELECTOR AGE', () => {
  assert.deepEqual(
    networkPolicy.columns?.map((c) => c.cell(networkPolicyFixture(), NOW)),
    ['app=db', '5m'],
  );
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(
    formatLabelSelector({
      matchLabels: { z: '1' },
      matchExpressions: [
        { key: 'a', operator: 'In', values: ['y', 'x'] },
        { key: 'b', operator: 'DoesNotExist' },
      ],
    }),
    'a in (x,y),!b,z=1',
  );
});
