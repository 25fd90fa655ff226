import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.ts';
import { checkModule, missingCoreNames } from '../networking/check-module.ts';
import { endpointSlice } from './endpointslice.ts';
import { module } from './index.ts';

const CREATED = '2024-05-01T10:00:00Z';
const NOW = Date.parse(CREATED) + 90_000;

function fixture(): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-abc',
      namespace: 'default',
      creationTimestamp: CREATED,
      labels: { 'kubernetes.io/service-name': 'web' },
    },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.1.0.4'], conditions: { ready: true }, nodeName: 'node-1' },
      { addresses: ['10.1.0.5'], conditions: { ready: true } },
    ],
    ports: [{ port: 8080 }],
  };
}

test('discovery: module refs resolve; names as api-resources shows', () => {
  assert.deepEqual(checkModule(module, ['io.k8s.api.core.v1.ObjectReference']), []);
});

test('discovery: the core names referenced exist in the core definitions', async (t) => {
  const missing = await missingCoreNames(['io.k8s.api.core.v1.ObjectReference']);
  if (missing === undefined) return t.skip('core definitions not available');
  assert.deepEqual(missing, []);
  assert.deepEqual(
    [endpointSlice.resource, endpointSlice.namespaced, endpointSlice.shortNames],
    ['endpointslices', true, undefined],
  );
});

test('endpointslice: port defaults name "" and protocol TCP', () => {
  const o = fixture();
  endpointSlice.strategy.defaults?.(o);
  assert.deepEqual(o.ports, [{ port: 8080, name: '', protocol: 'TCP' }]);
  assert.deepEqual(endpointSlice.strategy.validate?.(o), []);
});

const invalid: [string, Record<string, unknown>, string[]][] = [
  ['bad address type', { addressType: 'IPX' }, ['addressType']],
  ['no addresses', { endpoints: [{ addresses: [] }] }, ['endpoints[0].addresses']],
  ['IPv6 address in IPv4 slice', { endpoints: [{ addresses: ['fd00::1'] }] }, ['endpoints[0].addresses[0]']],
  [
    'duplicate port names',
    {
      ports: [
        { name: 'a', protocol: 'TCP' },
        { name: 'a', protocol: 'UDP' },
      ],
    },
    ['ports[1].name'],
  ],
  ['bad protocol', { ports: [{ name: '', protocol: 'ICMP' }] }, ['ports[0].protocol']],
  ['bad hostname', { endpoints: [{ addresses: ['10.0.0.1'], hostname: 'a.b' }] }, ['endpoints[0].hostname']],
];
for (const [name, patch, fields] of invalid) {
  test(`endpointslice: invalid — ${name}`, () => {
    const o = { ...fixture(), ...patch };
    endpointSlice.strategy.defaults?.(o);
    assert.deepEqual(
      endpointSlice.strategy.validate?.(o).map((e) => e.field),
      fields,
    );
  });
}

test('endpointslice: addressType is immutable', () => {
  assert.deepEqual(
    endpointSlice.strategy
      .validateUpdate?.({ ...fixture(), addressType: 'IPv6' }, fixture())
      .map((e) => e.field),
    ['addressType'],
  );
});

test('endpointslice: columns ADDRESSTYPE PORTS ENDPOINTS AGE', () => {
  assert.deepEqual(
    endpointSlice.columns?.map((c) => c.cell(fixture(), NOW)),
    ['IPv4', '8080', '10.1.0.4,10.1.0.5', '90s'],
  );
  const many = {
    ...fixture(),
    endpoints: [{ addresses: ['1.1.1.1', '1.1.1.2'] }, { addresses: ['1.1.1.3', '1.1.1.4', '1.1.1.5'] }],
    ports: [],
  };
  assert.deepEqual(endpointSlice.columns?.map((c) => c.cell(many, NOW)).slice(1, 3), [
    '<unset>',
    '1.1.1.1,1.1.1.2,1.1.1.3 + 2 more...',
  ]);
});
