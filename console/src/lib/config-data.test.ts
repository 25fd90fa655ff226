import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/workload-types.ts';
import { dataKeys, decodeSecretValue, selectorText, serviceExternal, servicePorts } from './config-data.ts';

const svc = (spec: Service['spec'], status?: Service['status']): Service => ({
  metadata: { name: 's' },
  spec,
  status,
});

test('servicePorts', () => {
  assert.equal(servicePorts(svc({})), '<none>');
  assert.equal(
    servicePorts(
      svc({ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }, { port: 443, nodePort: 30443 }] }),
    ),
    '80/TCP,53/UDP,443:30443/TCP',
  );
});

test('serviceExternal', () => {
  assert.equal(serviceExternal(svc({ type: 'ClusterIP' })), '<none>');
  assert.equal(serviceExternal(svc({ type: 'LoadBalancer' })), '<pending>');
  assert.equal(
    serviceExternal(svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } })),
    '1.2.3.4',
  );
  assert.equal(serviceExternal(svc({ type: 'ClusterIP', externalIPs: ['5.6.7.8'] })), '5.6.7.8');
  assert.equal(
    serviceExternal(svc({ type: 'ExternalName', externalName: 'db.example.com' })),
    'db.example.com',
  );
});

test('selectorText and dataKeys', () => {
  assert.equal(selectorText(undefined), '-');
  assert.equal(selectorText({ app: 'web', tier: 'fe' }), 'app=web,tier=fe');
  assert.deepEqual(
    dataKeys({ metadata: { name: 'c' }, data: { b: '1', a: '2' }, binaryData: { c: 'AA==' } }),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(dataKeys({ metadata: { name: 's' } }), []);
});

test('decodeSecretValue', () => {
  const cases: [string, { text?: string; bytes: number }][] = [
    [btoa('change-me'), { text: 'change-me', bytes: 9 }],
    [Buffer.from('héllo', 'utf8').toString('base64'), { text: 'héllo', bytes: 6 }],
    [Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), { bytes: 3 }],
    ['', { text: '', bytes: 0 }],
    ['not base64!', { bytes: 0 }],
  ];
  for (const [b64, want] of cases) assert.deepEqual(decodeSecretValue(b64), want, b64);
});
