/**
 * Protobuf tables for core/v1 objects besides pods: Namespace, ConfigMap, Secret, Service,
 * ServiceAccount, ResourceQuota, ObjectReference.
 * Field numbers from Kubernetes' generated.proto; see ../table.ts for the flags.
 */
import type { MessageTable } from '../table.ts';

export const coreObjectMessages: MessageTable = {
  'core.v1.ClientIPConfig': { 1: ['timeoutSeconds', 'int32', 'z'] },
  'core.v1.ConfigMap': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['data', 'string', 'm'], 3: ['binaryData', 'bytes', 'm'],
    4: ['immutable', 'bool', 'z'],
  },
  'core.v1.LoadBalancerIngress': {
    1: ['ip', 'string'], 2: ['hostname', 'string'], 3: ['ipMode', 'string', 'z'],
    4: ['ports', 'core.v1.PortStatus', 'r'],
  },
  'core.v1.LoadBalancerStatus': { 1: ['ingress', 'core.v1.LoadBalancerIngress', 'r'] },
  'core.v1.Namespace': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'core.v1.NamespaceSpec'],
    3: ['status', 'core.v1.NamespaceStatus'],
  },
  'core.v1.NamespaceCondition': {
    1: ['type', 'string', 'z'], 2: ['status', 'string', 'z'], 4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string'], 6: ['message', 'string'],
  },
  'core.v1.NamespaceSpec': { 1: ['finalizers', 'string', 'r'] },
  'core.v1.NamespaceStatus': { 1: ['phase', 'string'], 2: ['conditions', 'core.v1.NamespaceCondition', 'r'] },
  'core.v1.ObjectReference': {
    1: ['kind', 'string'], 2: ['namespace', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'],
    5: ['apiVersion', 'string'], 6: ['resourceVersion', 'string'], 7: ['fieldPath', 'string'],
  },
  'core.v1.PortStatus': { 1: ['port', 'int32', 'z'], 2: ['protocol', 'string', 'z'], 3: ['error', 'string', 'z'] },
  'core.v1.ResourceQuota': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'core.v1.ResourceQuotaSpec'],
    3: ['status', 'core.v1.ResourceQuotaStatus'],
  },
  'core.v1.ResourceQuotaSpec': {
    1: ['hard', 'Quantity', 'm'], 2: ['scopes', 'string', 'r'], 3: ['scopeSelector', 'core.v1.ScopeSelector'],
  },
  'core.v1.ResourceQuotaStatus': { 1: ['hard', 'Quantity', 'm'], 2: ['used', 'Quantity', 'm'] },
  'core.v1.ScopeSelector': { 1: ['matchExpressions', 'core.v1.ScopedResourceSelectorRequirement', 'r'] },
  'core.v1.ScopedResourceSelectorRequirement': {
    1: ['scopeName', 'string', 'z'], 2: ['operator', 'string', 'z'], 3: ['values', 'string', 'r'],
  },
  'core.v1.Secret': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['data', 'bytes', 'm'], 3: ['type', 'string'],
    4: ['stringData', 'string', 'm'], 5: ['immutable', 'bool', 'z'],
  },
  'core.v1.Service': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'core.v1.ServiceSpec'], 3: ['status', 'core.v1.ServiceStatus'],
  },
  'core.v1.ServiceAccount': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['secrets', 'core.v1.ObjectReference', 'r'],
    3: ['imagePullSecrets', 'core.v1.LocalObjectReference', 'r'], 4: ['automountServiceAccountToken', 'bool', 'z'],
  },
  'core.v1.ServicePort': {
    1: ['name', 'string'], 2: ['protocol', 'string'], 3: ['port', 'int32', 'z'], 4: ['targetPort', 'IntOrString'],
    5: ['nodePort', 'int32'], 6: ['appProtocol', 'string', 'z'],
  },
  'core.v1.ServiceSpec': {
    1: ['ports', 'core.v1.ServicePort', 'r'], 2: ['selector', 'string', 'm'], 3: ['clusterIP', 'string'],
    4: ['type', 'string'], 5: ['externalIPs', 'string', 'r'], 7: ['sessionAffinity', 'string'],
    8: ['loadBalancerIP', 'string'], 9: ['loadBalancerSourceRanges', 'string', 'r'], 10: ['externalName', 'string'],
    11: ['externalTrafficPolicy', 'string'], 12: ['healthCheckNodePort', 'int32'],
    13: ['publishNotReadyAddresses', 'bool'], 14: ['sessionAffinityConfig', 'core.v1.SessionAffinityConfig'],
    17: ['ipFamilyPolicy', 'string', 'z'], 18: ['clusterIPs', 'string', 'r'], 19: ['ipFamilies', 'string', 'r'],
    20: ['allocateLoadBalancerNodePorts', 'bool', 'z'], 21: ['loadBalancerClass', 'string', 'z'],
    22: ['internalTrafficPolicy', 'string', 'z'], 23: ['trafficDistribution', 'string', 'z'],
  },
  'core.v1.ServiceStatus': {
    1: ['loadBalancer', 'core.v1.LoadBalancerStatus'], 2: ['conditions', 'meta.v1.Condition', 'r'],
  },
  'core.v1.SessionAffinityConfig': { 1: ['clientIP', 'core.v1.ClientIPConfig'] },
};
