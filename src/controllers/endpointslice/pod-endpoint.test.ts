import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podCounts, podIPv4, portSetKey, resolveTargetPort, serviceSelector } from './pod-endpoint.ts';
import type { Pod, Service, ServicePort } from './types.ts';

const pod: Pod = {
  metadata: { name: 'p' },
  spec: {
    containers: [
      { name: 'a', ports: [{ name: 'http', containerPort: 8080 }] },
      { name: 'b', ports: [{ name: 'dns', containerPort: 5353, protocol: 'UDP' }] },
    ],
  },
  status: { phase: 'Running', podIP: '10.0.0.1' },
};

test('resolveTargetPort', () => {
  const cases: [string, ServicePort, number | undefined][] = [
    ['number', { port: 80, targetPort: 9000 }, 9000],
    ['absent means the service port', { port: 80 }, 80],
    ['numeric string', { port: 80, targetPort: '81' }, 81],
    ['named, found', { port: 80, targetPort: 'http' }, 8080],
    ['named, other container and protocol', { port: 53, protocol: 'UDP', targetPort: 'dns' }, 5353],
    ['named, protocol mismatch', { port: 53, protocol: 'TCP', targetPort: 'dns' }, undefined],
    ['named, missing', { port: 80, targetPort: 'grpc' }, undefined],
  ];
  for (const [what, sp, want] of cases) assert.equal(resolveTargetPort(sp, pod), want, what);
});

test('podIPv4 and podCounts', () => {
  assert.equal(podIPv4(pod), '10.0.0.1');
  assert.equal(podIPv4({ ...pod, status: { podIPs: [{ ip: 'fd00::1' }, { ip: '10.0.0.2' }] } }), '10.0.0.2');
  assert.equal(podIPv4({ ...pod, status: {} }), undefined);
  const deleting: Pod = { ...pod, metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' } };
  assert.equal(podCounts(deleting, true), true);
  assert.equal(podCounts(deleting, false), false);
  assert.equal(podCounts({ ...pod, status: { ...pod.status, phase: 'Failed' } }, true), false);
});

test('serviceSelector and portSetKey', () => {
  const svc = (spec: Service['spec']): Service => ({ metadata: { name: 's' }, spec });
  assert.deepEqual(serviceSelector(svc({ selector: { app: 'x' } })), { app: 'x' });
  assert.equal(serviceSelector(svc({ selector: {} })), undefined);
  assert.equal(serviceSelector(svc({ type: 'ExternalName', selector: { app: 'x' } })), undefined);
  const a = { name: 'a', port: 1, protocol: 'TCP' as const };
  const b = { name: 'b', port: 2, protocol: 'TCP' as const };
  assert.equal(portSetKey([a, b]), portSetKey([b, a]));
  assert.notEqual(portSetKey([a]), portSetKey([{ ...a, port: 3 }]));
});
