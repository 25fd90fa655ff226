import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeDnsClusterIP, kubeDnsService, kubeDnsSlice, kubeDnsSliceName } from './kube-dns.ts';

test('kube-dns ClusterIP is the tenth address of the service CIDR', () => {
  for (const [cidr, want] of [
    ['10.96.0.0/12', '10.96.0.10'],
    ['172.20.0.0/16', '172.20.0.10'],
    ['10.0.0.250/24', '10.0.1.4'],
  ] as const)
    assert.equal(kubeDnsClusterIP(cidr), want, cidr);
  assert.throws(() => kubeDnsClusterIP('fd00::/108'), /not an IPv4 CIDR/);
});

test('the slice a node publishes names kube-dns, its address and the Service port names', () => {
  const svc = kubeDnsService('10.96.0.10');
  const s = kubeDnsSlice({ name: 'n1', uid: 'u1' }, '172.30.0.2', 53);
  assert.equal(s.metadata.name, 'kube-dns-n1');
  assert.equal(s.metadata.namespace, 'kube-system');
  assert.equal(s.metadata.labels?.['kubernetes.io/service-name'], 'kube-dns');
  assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'berth-agent');
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1' }]);
  assert.deepEqual(s.endpoints?.[0]?.addresses, ['172.30.0.2']);
  assert.deepEqual(
    s.ports?.map((p) => [p.name, p.protocol, p.port]),
    svc.spec!.ports!.map((p) => [p.name, p.protocol, 53]),
  );
  assert.equal(kubeDnsSlice({ name: 'n2' }, '10.0.0.1', 5353).metadata.ownerReferences, undefined);
  assert.ok(kubeDnsSliceName('a'.repeat(260)).length <= 253);
});
