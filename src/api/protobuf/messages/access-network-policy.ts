/**
 * Protobuf tables for authentication/v1 TokenRequest and SelfSubjectReview, authorization/v1 SelfSubjectAccessReview, rbac/v1,
 * networking/v1 Ingress, policy/v1 PodDisruptionBudget and Eviction, scheduling/v1 PriorityClass.
 * Field numbers from Kubernetes' generated.proto; see ../table.ts for the flags.
 */
import type { MessageTable } from '../table.ts';

export const accessNetworkPolicyMessages: MessageTable = {
  // The proto field 4 is named `uID`; its JSON name is `uid`.
  'authentication.v1.BoundObjectReference': {
    1: ['kind', 'string'],
    2: ['apiVersion', 'string'],
    3: ['name', 'string'],
    4: ['uid', 'string'],
  },
  // kubectl auth whoami sends a SelfSubjectReview with an empty status. ExtraValue's JSON form is a bare
  // string array, which a table cannot say; its table form ({items}) only appears in a status, which
  // clients never fill in.
  'authentication.v1.ExtraValue': { 1: ['items', 'string', 'r'] },
  'authentication.v1.SelfSubjectReview': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['status', 'authentication.v1.SelfSubjectReviewStatus'],
  },
  'authentication.v1.SelfSubjectReviewStatus': { 1: ['userInfo', 'authentication.v1.UserInfo'] },
  'authentication.v1.UserInfo': {
    1: ['username', 'string'],
    2: ['uid', 'string'],
    3: ['groups', 'string', 'r'],
    4: ['extra', 'authentication.v1.ExtraValue', 'm'],
  },
  'authentication.v1.TokenRequest': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['spec', 'authentication.v1.TokenRequestSpec'],
    3: ['status', 'authentication.v1.TokenRequestStatus'],
  },
  'authentication.v1.TokenRequestSpec': {
    1: ['audiences', 'string', 'r'],
    3: ['boundObjectRef', 'authentication.v1.BoundObjectReference'],
    4: ['expirationSeconds', 'int64', 'z'],
  },
  'authentication.v1.TokenRequestStatus': { 1: ['token', 'string', 'z'], 2: ['expirationTimestamp', 'Time'] },
  'authorization.v1.FieldSelectorAttributes': {
    1: ['rawSelector', 'string'],
    2: ['requirements', 'meta.v1.FieldSelectorRequirement', 'r'],
  },
  'authorization.v1.LabelSelectorAttributes': {
    1: ['rawSelector', 'string'],
    2: ['requirements', 'meta.v1.LabelSelectorRequirement', 'r'],
  },
  'authorization.v1.NonResourceAttributes': { 1: ['path', 'string'], 2: ['verb', 'string'] },
  'authorization.v1.ResourceAttributes': {
    1: ['namespace', 'string'],
    2: ['verb', 'string'],
    3: ['group', 'string'],
    4: ['version', 'string'],
    5: ['resource', 'string'],
    6: ['subresource', 'string'],
    7: ['name', 'string'],
    8: ['fieldSelector', 'authorization.v1.FieldSelectorAttributes'],
    9: ['labelSelector', 'authorization.v1.LabelSelectorAttributes'],
  },
  // kubectl auth can-i --list sends a SelfSubjectRulesReview (spec.namespace = field 1).
  'authorization.v1.SelfSubjectRulesReview': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['spec', 'authorization.v1.SelfSubjectRulesReviewSpec'],
    3: ['status', 'authorization.v1.SubjectRulesReviewStatus'],
  },
  'authorization.v1.SubjectRulesReviewStatus': {
    1: ['resourceRules', 'authorization.v1.ResourceRule', 'r'],
    2: ['nonResourceRules', 'authorization.v1.NonResourceRule', 'r'],
    3: ['incomplete', 'bool', 'z'],
    4: ['evaluationError', 'string'],
  },
  'authorization.v1.ResourceRule': {
    1: ['verbs', 'string', 'r'],
    2: ['apiGroups', 'string', 'r'],
    3: ['resources', 'string', 'r'],
    4: ['resourceNames', 'string', 'r'],
  },
  'authorization.v1.NonResourceRule': { 1: ['verbs', 'string', 'r'], 2: ['nonResourceURLs', 'string', 'r'] },
  'authorization.v1.SelfSubjectRulesReviewSpec': { 1: ['namespace', 'string'] },
  'authorization.v1.SelfSubjectAccessReview': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['spec', 'authorization.v1.SelfSubjectAccessReviewSpec'],
    3: ['status', 'authorization.v1.SubjectAccessReviewStatus'],
  },
  'authorization.v1.SelfSubjectAccessReviewSpec': {
    1: ['resourceAttributes', 'authorization.v1.ResourceAttributes'],
    2: ['nonResourceAttributes', 'authorization.v1.NonResourceAttributes'],
  },
  'authorization.v1.SubjectAccessReviewStatus': {
    1: ['allowed', 'bool', 'z'],
    2: ['reason', 'string'],
    3: ['evaluationError', 'string'],
    4: ['denied', 'bool'],
  },
  'networking.v1.HTTPIngressPath': {
    1: ['path', 'string'],
    2: ['backend', 'networking.v1.IngressBackend'],
    3: ['pathType', 'string', 'z'],
  },
  'networking.v1.HTTPIngressRuleValue': { 1: ['paths', 'networking.v1.HTTPIngressPath', 'r'] },
  'networking.v1.Ingress': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['spec', 'networking.v1.IngressSpec'],
    3: ['status', 'networking.v1.IngressStatus'],
  },
  'networking.v1.IngressBackend': {
    3: ['resource', 'core.v1.TypedLocalObjectReference'],
    4: ['service', 'networking.v1.IngressServiceBackend'],
  },
  'networking.v1.IngressLoadBalancerIngress': {
    1: ['ip', 'string'],
    2: ['hostname', 'string'],
    4: ['ports', 'networking.v1.IngressPortStatus', 'r'],
  },
  'networking.v1.IngressLoadBalancerStatus': {
    1: ['ingress', 'networking.v1.IngressLoadBalancerIngress', 'r'],
  },
  'networking.v1.IngressPortStatus': {
    1: ['port', 'int32', 'z'],
    2: ['protocol', 'string', 'z'],
    3: ['error', 'string', 'z'],
  },
  'networking.v1.IngressRule': {
    1: ['host', 'string'],
    2: ['ingressRuleValue', 'networking.v1.IngressRuleValue', 'i'],
  },
  'networking.v1.IngressRuleValue': { 1: ['http', 'networking.v1.HTTPIngressRuleValue'] },
  'networking.v1.IngressServiceBackend': {
    1: ['name', 'string', 'z'],
    2: ['port', 'networking.v1.ServiceBackendPort'],
  },
  'networking.v1.IngressSpec': {
    1: ['defaultBackend', 'networking.v1.IngressBackend'],
    2: ['tls', 'networking.v1.IngressTLS', 'r'],
    3: ['rules', 'networking.v1.IngressRule', 'r'],
    4: ['ingressClassName', 'string', 'z'],
  },
  'networking.v1.IngressStatus': { 1: ['loadBalancer', 'networking.v1.IngressLoadBalancerStatus'] },
  'networking.v1.IngressTLS': { 1: ['hosts', 'string', 'r'], 2: ['secretName', 'string'] },
  'networking.v1.ServiceBackendPort': { 1: ['name', 'string'], 2: ['number', 'int32'] },
  'policy.v1.Eviction': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['deleteOptions', 'meta.v1.DeleteOptions'],
  },
  'policy.v1.PodDisruptionBudget': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['spec', 'policy.v1.PodDisruptionBudgetSpec'],
    3: ['status', 'policy.v1.PodDisruptionBudgetStatus'],
  },
  'policy.v1.PodDisruptionBudgetSpec': {
    1: ['minAvailable', 'IntOrString'],
    2: ['selector', 'meta.v1.LabelSelector'],
    3: ['maxUnavailable', 'IntOrString'],
    4: ['unhealthyPodEvictionPolicy', 'string', 'z'],
  },
  'policy.v1.PodDisruptionBudgetStatus': {
    1: ['observedGeneration', 'int64'],
    2: ['disruptedPods', 'Time', 'm'],
    3: ['disruptionsAllowed', 'int32', 'z'],
    4: ['currentHealthy', 'int32', 'z'],
    5: ['desiredHealthy', 'int32', 'z'],
    6: ['expectedPods', 'int32', 'z'],
    7: ['conditions', 'meta.v1.Condition', 'r'],
  },
  'rbac.v1.AggregationRule': { 1: ['clusterRoleSelectors', 'meta.v1.LabelSelector', 'r'] },
  'rbac.v1.ClusterRole': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['rules', 'rbac.v1.PolicyRule', 'r'],
    3: ['aggregationRule', 'rbac.v1.AggregationRule'],
  },
  'rbac.v1.ClusterRoleBinding': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['subjects', 'rbac.v1.Subject', 'r'],
    3: ['roleRef', 'rbac.v1.RoleRef'],
  },
  'rbac.v1.PolicyRule': {
    1: ['verbs', 'string', 'r'],
    2: ['apiGroups', 'string', 'r'],
    3: ['resources', 'string', 'r'],
    4: ['resourceNames', 'string', 'r'],
    5: ['nonResourceURLs', 'string', 'r'],
  },
  'rbac.v1.Role': { 1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['rules', 'rbac.v1.PolicyRule', 'r'] },
  'rbac.v1.RoleBinding': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['subjects', 'rbac.v1.Subject', 'r'],
    3: ['roleRef', 'rbac.v1.RoleRef'],
  },
  'rbac.v1.RoleRef': {
    1: ['apiGroup', 'string', 'z'],
    2: ['kind', 'string', 'z'],
    3: ['name', 'string', 'z'],
  },
  'rbac.v1.Subject': {
    1: ['kind', 'string', 'z'],
    2: ['apiGroup', 'string'],
    3: ['name', 'string', 'z'],
    4: ['namespace', 'string'],
  },
  'scheduling.v1.PriorityClass': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['value', 'int32', 'z'],
    3: ['globalDefault', 'bool'],
    4: ['description', 'string'],
    5: ['preemptionPolicy', 'string', 'z'],
  },
};
