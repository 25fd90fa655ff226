/**
 * The objects behind cluster DNS's well-known address: the kube-system/kube-dns Service (no
 * selector: whatever serves DNS publishes its own endpoints) and the EndpointSlice a node's agent
 * publishes for the DNS server it runs. Pure builders, shared by the control plane (which makes sure
 * the Service exists), `berth dns` and the agent's DNS worker.
 */
import type { KubeObject } from '../api/object.ts';
import { serviceNameLabel, type EndpointSlice, type Service } from './types.ts';

export const kubeDnsNamespace = 'kube-system';
export const kubeDnsName = 'kube-dns';
/** The managed-by value of the slices agents publish (the EndpointSlice controller leaves them alone). */
export const kubeDnsSliceManager = 'berth-agent';

/** The kube-dns Service: the address kubelets write into pods' resolv.conf. */
export function kubeDnsService(clusterIP: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: kubeDnsName,
      namespace: kubeDnsNamespace,
      labels: { 'k8s-app': 'kube-dns', 'app.kubernetes.io/managed-by': 'berth' },
    },
    spec: {
      clusterIP,
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53 },
      ],
    },
  };
}

/**
 * The ClusterIP of kube-dns in a service CIDR: its tenth address (10.96.0.10 in 10.96.0.0/12),
 * as clusters conventionally do.
 */
export function kubeDnsClusterIP(serviceCidr: string): string {
  const [base] = serviceCidr.split('/');
  const o = (base ?? '').split('.').map(Number);
  if (o.length !== 4 || o.some((n) => !Number.isInteger(n) || n < 0 || n > 255))
    throw new Error(`not an IPv4 CIDR: ${JSON.stringify(serviceCidr)}`);
  const n = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) + 10;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The name of the slice node `nodeName` publishes for its DNS server. */
export function kubeDnsSliceName(nodeName: string): string {
  return `${kubeDnsName}-${nodeName}`.slice(0, 253).replace(/[-.]+$/, '');
}

/**
 * The EndpointSlice for a DNS server on `ip:port` run by node `node` (owned by the Node, so the
 * garbage collector removes it with the Node). Port names match the Service's.
 */
export function kubeDnsSlice(node: { name: string; uid?: string }, ip: string, port: number): EndpointSlice {
  const ownerReferences = node.uid
    ? [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }]
    : [];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: kubeDnsSliceName(node.name),
      namespace: kubeDnsNamespace,
      labels: {
        [serviceNameLabel]: kubeDnsName,
        'endpointslice.kubernetes.io/managed-by': kubeDnsSliceManager,
      },
      ...(ownerReferences.length ? { ownerReferences } : {}),
    } as KubeObject['metadata'],
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [ip],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: node.name,
      } as NonNullable<EndpointSlice['endpoints']>[number],
    ],
    ports: [
      { name: 'dns', protocol: 'UDP', port },
      { name: 'dns-tcp', protocol: 'TCP', port },
    ],
  };
}
