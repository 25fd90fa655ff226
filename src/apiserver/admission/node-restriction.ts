/**
 * NodeRestriction: what a node agent (system:node:NAME) may write, beyond what the node authorizer
 * lets it reach. A node may
 * - create and modify only its own Node; never set or change labels under node-restriction.kubernetes.io/
 *   or other kubernetes.io / k8s.io labels outside the kubelet's own set; never change its taints
 *   after registration;
 * - create only mirror pods (kubernetes.io/config.mirror annotation) bound to itself, owned by
 *   nothing but its own Node and referencing no Secrets, ConfigMaps or claims;
 * - update the status of, and delete, only pods bound to itself;
 * - write only its own Lease in kube-node-lease;
 * - write only its own kube-system/kube-dns-NODE EndpointSlice, as an endpoint of kube-dns.
 * Messages follow Kubernetes' wording. Requests from users that are not nodes pass untouched.
 */
import type { KubeObject } from '../../api/object.ts';
import { isObject } from '../../api/object.ts';
import { nodeLeaseNamespace, nodeNameOf } from '../authz/node-authorizer.ts';
import { podReferences } from '../authz/pod-references.ts';
import { kubeDnsName, kubeDnsNamespace, kubeDnsSliceName } from '../../dns/kube-dns.ts';
import { admissionForbidden } from './forbidden.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './types.ts';

export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const restrictedPrefix = 'node-restriction.kubernetes.io/';

/** Labels a kubelet sets on its own Node (exact names) and prefixes it owns. */
const kubeletLabels = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
]);
const kubeletPrefixes = ['kubelet.kubernetes.io/', 'node.kubernetes.io/'];

/** True when a node may not set or change label `key` on its own Node. */
export function isRestrictedNodeLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  if (key.startsWith(restrictedPrefix)) return true;
  if (kubeletLabels.has(key) || kubeletPrefixes.some((p) => key.startsWith(p))) return false;
  const domain = key.slice(0, slash);
  const k8s = (d: string) => domain === d || domain.endsWith('.' + d);
  return k8s('kubernetes.io') || k8s('k8s.io');
}

function labels(o: KubeObject | undefined): Record<string, string> {
  return (o?.metadata.labels ?? {}) as Record<string, string>;
}

function nodeNameOfPod(o: KubeObject | undefined): unknown {
  return isObject(o?.spec) ? o.spec.nodeName : undefined;
}

function checkNode(a: AdmissionAttributes, node: string): void {
  if (a.name !== node)
    throw admissionForbidden(a, `node "${node}" is not allowed to modify node "${a.name}"`);
  if (a.operation === 'CREATE' && a.obj) {
    const bad = Object.keys(labels(a.obj)).filter(isRestrictedNodeLabel).sort();
    if (bad.length)
      throw admissionForbidden(
        a,
        `node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`,
      );
    return;
  }
  if (a.operation !== 'UPDATE' || !a.obj || !a.old) return;
  const now = labels(a.obj);
  const was = labels(a.old);
  const changed = [...new Set([...Object.keys(now), ...Object.keys(was)])]
    .filter((k) => now[k] !== was[k] && isRestrictedNodeLabel(k))
    .sort();
  if (changed.length)
    throw admissionForbidden(a, `node "${node}" is not allowed to modify labels: ${changed.join(', ')}`);
  const taints = (o: KubeObject) => JSON.stringify(isObject(o.spec) ? (o.spec.taints ?? []) : []);
  if (taints(a.obj) !== taints(a.old))
    throw admissionForbidden(a, `node "${node}" is not allowed to modify taints`);
}

function checkPodCreate(a: AdmissionAttributes, node: string): void {
  const pod = a.obj!;
  const annotations = (pod.metadata.annotations ?? {}) as Record<string, string>;
  if (!(mirrorPodAnnotation in annotations))
    throw admissionForbidden(
      a,
      `pod does not have "${mirrorPodAnnotation}" annotation, node "${node}" can only create mirror pods`,
    );
  if (nodeNameOfPod(pod) !== node)
    throw admissionForbidden(a, `node "${node}" can only create pods with spec.nodeName set to itself`);
  for (const ref of pod.metadata.ownerReferences ?? []) {
    const r = ref as { apiVersion?: unknown; kind?: unknown; name?: unknown };
    if (r.apiVersion !== 'v1' || r.kind !== 'Node' || r.name !== node)
      throw admissionForbidden(
        a,
        `node "${node}" can only create pods with an owner reference set to itself`,
      );
  }
  const refs = podReferences(pod);
  const uses = [
    refs.secrets.size ? 'secrets' : '',
    refs.configMaps.size ? 'configmaps' : '',
    refs.persistentVolumeClaims.size ? 'persistentvolumeclaims' : '',
  ].filter(Boolean);
  if (uses.length)
    throw admissionForbidden(a, `node "${node}" can not create pods that reference ${uses.join(', ')}`);
}

function checkPod(a: AdmissionAttributes, node: string): void {
  if (a.operation === 'CREATE' && a.subresource === '' && a.obj) return checkPodCreate(a, node);
  if (a.operation === 'UPDATE' && a.subresource === 'status') {
    if (nodeNameOfPod(a.old) !== node)
      throw admissionForbidden(
        a,
        `node "${node}" can only update pod status for pods with spec.nodeName set to itself`,
      );
    return;
  }
  if (a.operation === 'UPDATE') throw admissionForbidden(a, `node "${node}" can only update pod status`);
  if (a.operation === 'DELETE' && nodeNameOfPod(a.old) !== node)
    throw admissionForbidden(a, `node "${node}" can only delete pods with spec.nodeName set to itself`);
}

function checkLease(a: AdmissionAttributes, node: string): void {
  if (a.namespace !== nodeLeaseNamespace)
    throw admissionForbidden(a, `can only access leases in the "${nodeLeaseNamespace}" namespace`);
  if (a.name !== node)
    throw admissionForbidden(a, 'can only access node lease with the same name as the requesting node');
}

/** A node writes only its own kube-dns EndpointSlice, and only as an endpoint of kube-dns. */
function checkDnsSlice(a: AdmissionAttributes, node: string): void {
  if (a.namespace !== kubeDnsNamespace || a.name !== kubeDnsSliceName(node))
    throw admissionForbidden(a, `node "${node}" may only write EndpointSlice "${kubeDnsSliceName(node)}"`);
  if (a.obj && labels(a.obj)['kubernetes.io/service-name'] !== kubeDnsName)
    throw admissionForbidden(a, `node "${node}" may only publish endpoints of Service "${kubeDnsName}"`);
}

/** The NodeRestriction admission plugin. */
export function nodeRestriction(): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    admit(a) {
      const node = nodeNameOf(a.ctx.user);
      if (!node) return;
      const { group, resource } = a.kind;
      if (group === '' && resource === 'nodes') return checkNode(a, node);
      if (group === '' && resource === 'pods') return checkPod(a, node);
      if (group === 'coordination.k8s.io' && resource === 'leases') return checkLease(a, node);
      if (group === 'discovery.k8s.io' && resource === 'endpointslices') return checkDnsSlice(a, node);
    },
  };
}
