/**
 * Protobuf tables for core/v1 pods: PodTemplateSpec, PodSpec, Container and every type they hold
 * (probes, env, ports, resources, security contexts, affinity, tolerations) and PodStatus.
 * Field numbers from Kubernetes' generated.proto; see ../table.ts for the flags.
 */
import type { MessageTable } from '../table.ts';

export const corePodMessages: MessageTable = {
  'core.v1.Affinity': {
    1: ['nodeAffinity', 'core.v1.NodeAffinity'], 2: ['podAffinity', 'core.v1.PodAffinity'],
    3: ['podAntiAffinity', 'core.v1.PodAntiAffinity'],
  },
  'core.v1.AppArmorProfile': { 1: ['type', 'string', 'z'], 2: ['localhostProfile', 'string', 'z'] },
  'core.v1.Capabilities': { 1: ['add', 'string', 'r'], 2: ['drop', 'string', 'r'] },
  'core.v1.ConfigMapEnvSource': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['optional', 'bool', 'z'],
  },
  'core.v1.ConfigMapKeySelector': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['key', 'string', 'z'],
    3: ['optional', 'bool', 'z'],
  },
  'core.v1.Container': {
    1: ['name', 'string', 'z'], 2: ['image', 'string'], 3: ['command', 'string', 'r'], 4: ['args', 'string', 'r'],
    5: ['workingDir', 'string'], 6: ['ports', 'core.v1.ContainerPort', 'r'], 7: ['env', 'core.v1.EnvVar', 'r'],
    8: ['resources', 'core.v1.ResourceRequirements'], 9: ['volumeMounts', 'core.v1.VolumeMount', 'r'],
    10: ['livenessProbe', 'core.v1.Probe'], 11: ['readinessProbe', 'core.v1.Probe'],
    12: ['lifecycle', 'core.v1.Lifecycle'], 13: ['terminationMessagePath', 'string'], 14: ['imagePullPolicy', 'string'],
    15: ['securityContext', 'core.v1.SecurityContext'], 16: ['stdin', 'bool'], 17: ['stdinOnce', 'bool'],
    18: ['tty', 'bool'], 19: ['envFrom', 'core.v1.EnvFromSource', 'r'], 20: ['terminationMessagePolicy', 'string'],
    21: ['volumeDevices', 'core.v1.VolumeDevice', 'r'], 22: ['startupProbe', 'core.v1.Probe'],
    23: ['resizePolicy', 'core.v1.ContainerResizePolicy', 'r'], 24: ['restartPolicy', 'string', 'z'],
  },
  'core.v1.ContainerPort': {
    1: ['name', 'string'], 2: ['hostPort', 'int32'], 3: ['containerPort', 'int32', 'z'], 4: ['protocol', 'string'],
    5: ['hostIP', 'string'],
  },
  'core.v1.ContainerResizePolicy': { 1: ['resourceName', 'string', 'z'], 2: ['restartPolicy', 'string', 'z'] },
  'core.v1.ContainerState': {
    1: ['waiting', 'core.v1.ContainerStateWaiting'], 2: ['running', 'core.v1.ContainerStateRunning'],
    3: ['terminated', 'core.v1.ContainerStateTerminated'],
  },
  'core.v1.ContainerStateRunning': { 1: ['startedAt', 'Time'] },
  'core.v1.ContainerStateTerminated': {
    1: ['exitCode', 'int32', 'z'], 2: ['signal', 'int32'], 3: ['reason', 'string'], 4: ['message', 'string'],
    5: ['startedAt', 'Time'], 6: ['finishedAt', 'Time'], 7: ['containerID', 'string'],
  },
  'core.v1.ContainerStateWaiting': { 1: ['reason', 'string'], 2: ['message', 'string'] },
  'core.v1.ContainerStatus': {
    1: ['name', 'string', 'z'], 2: ['state', 'core.v1.ContainerState'], 3: ['lastState', 'core.v1.ContainerState'],
    4: ['ready', 'bool', 'z'], 5: ['restartCount', 'int32', 'z'], 6: ['image', 'string', 'z'],
    7: ['imageID', 'string', 'z'], 8: ['containerID', 'string'], 9: ['started', 'bool', 'z'],
    10: ['allocatedResources', 'Quantity', 'm'], 11: ['resources', 'core.v1.ResourceRequirements'],
    12: ['volumeMounts', 'core.v1.VolumeMountStatus', 'r'], 13: ['user', 'core.v1.ContainerUser'],
    14: ['allocatedResourcesStatus', 'core.v1.ResourceStatus', 'r'],
  },
  'core.v1.ContainerUser': { 1: ['linux', 'core.v1.LinuxContainerUser'] },
  'core.v1.EnvFromSource': {
    1: ['prefix', 'string'], 2: ['configMapRef', 'core.v1.ConfigMapEnvSource'],
    3: ['secretRef', 'core.v1.SecretEnvSource'],
  },
  'core.v1.EnvVar': { 1: ['name', 'string', 'z'], 2: ['value', 'string'], 3: ['valueFrom', 'core.v1.EnvVarSource'] },
  'core.v1.EnvVarSource': {
    1: ['fieldRef', 'core.v1.ObjectFieldSelector'], 2: ['resourceFieldRef', 'core.v1.ResourceFieldSelector'],
    3: ['configMapKeyRef', 'core.v1.ConfigMapKeySelector'], 4: ['secretKeyRef', 'core.v1.SecretKeySelector'],
  },
  'core.v1.EphemeralContainer': {
    1: ['ephemeralContainerCommon', 'core.v1.EphemeralContainerCommon', 'i'], 2: ['targetContainerName', 'string'],
  },
  'core.v1.EphemeralContainerCommon': {
    1: ['name', 'string', 'z'], 2: ['image', 'string'], 3: ['command', 'string', 'r'], 4: ['args', 'string', 'r'],
    5: ['workingDir', 'string'], 6: ['ports', 'core.v1.ContainerPort', 'r'], 7: ['env', 'core.v1.EnvVar', 'r'],
    8: ['resources', 'core.v1.ResourceRequirements'], 9: ['volumeMounts', 'core.v1.VolumeMount', 'r'],
    10: ['livenessProbe', 'core.v1.Probe'], 11: ['readinessProbe', 'core.v1.Probe'],
    12: ['lifecycle', 'core.v1.Lifecycle'], 13: ['terminationMessagePath', 'string'], 14: ['imagePullPolicy', 'string'],
    15: ['securityContext', 'core.v1.SecurityContext'], 16: ['stdin', 'bool'], 17: ['stdinOnce', 'bool'],
    18: ['tty', 'bool'], 19: ['envFrom', 'core.v1.EnvFromSource', 'r'], 20: ['terminationMessagePolicy', 'string'],
    21: ['volumeDevices', 'core.v1.VolumeDevice', 'r'], 22: ['startupProbe', 'core.v1.Probe'],
    23: ['resizePolicy', 'core.v1.ContainerResizePolicy', 'r'], 24: ['restartPolicy', 'string', 'z'],
  },
  'core.v1.ExecAction': { 1: ['command', 'string', 'r'] },
  'core.v1.GRPCAction': { 1: ['port', 'int32', 'z'], 2: ['service', 'string', 'z'] },
  'core.v1.HTTPGetAction': {
    1: ['path', 'string'], 2: ['port', 'IntOrString'], 3: ['host', 'string'], 4: ['scheme', 'string'],
    5: ['httpHeaders', 'core.v1.HTTPHeader', 'r'],
  },
  'core.v1.HTTPHeader': { 1: ['name', 'string', 'z'], 2: ['value', 'string', 'z'] },
  'core.v1.HostAlias': { 1: ['ip', 'string'], 2: ['hostnames', 'string', 'r'] },
  'core.v1.HostIP': { 1: ['ip', 'string'] },
  'core.v1.Lifecycle': { 1: ['postStart', 'core.v1.LifecycleHandler'], 2: ['preStop', 'core.v1.LifecycleHandler'] },
  'core.v1.LifecycleHandler': {
    1: ['exec', 'core.v1.ExecAction'], 2: ['httpGet', 'core.v1.HTTPGetAction'],
    3: ['tcpSocket', 'core.v1.TCPSocketAction'], 4: ['sleep', 'core.v1.SleepAction'],
  },
  'core.v1.LinuxContainerUser': {
    1: ['uid', 'int64', 'z'], 2: ['gid', 'int64', 'z'], 3: ['supplementalGroups', 'int64', 'r'],
  },
  'core.v1.LocalObjectReference': { 1: ['name', 'string'] },
  'core.v1.NodeAffinity': {
    1: ['requiredDuringSchedulingIgnoredDuringExecution', 'core.v1.NodeSelector'],
    2: ['preferredDuringSchedulingIgnoredDuringExecution', 'core.v1.PreferredSchedulingTerm', 'r'],
  },
  'core.v1.NodeSelector': { 1: ['nodeSelectorTerms', 'core.v1.NodeSelectorTerm', 'r'] },
  'core.v1.NodeSelectorRequirement': {
    1: ['key', 'string', 'z'], 2: ['operator', 'string', 'z'], 3: ['values', 'string', 'r'],
  },
  'core.v1.NodeSelectorTerm': {
    1: ['matchExpressions', 'core.v1.NodeSelectorRequirement', 'r'],
    2: ['matchFields', 'core.v1.NodeSelectorRequirement', 'r'],
  },
  'core.v1.ObjectFieldSelector': { 1: ['apiVersion', 'string'], 2: ['fieldPath', 'string', 'z'] },
  'core.v1.Pod': {
    1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'core.v1.PodSpec'], 3: ['status', 'core.v1.PodStatus'],
  },
  'core.v1.PodAffinity': {
    1: ['requiredDuringSchedulingIgnoredDuringExecution', 'core.v1.PodAffinityTerm', 'r'],
    2: ['preferredDuringSchedulingIgnoredDuringExecution', 'core.v1.WeightedPodAffinityTerm', 'r'],
  },
  'core.v1.PodAffinityTerm': {
    1: ['labelSelector', 'meta.v1.LabelSelector'], 2: ['namespaces', 'string', 'r'], 3: ['topologyKey', 'string', 'z'],
    4: ['namespaceSelector', 'meta.v1.LabelSelector'], 5: ['matchLabelKeys', 'string', 'r'],
    6: ['mismatchLabelKeys', 'string', 'r'],
  },
  'core.v1.PodAntiAffinity': {
    1: ['requiredDuringSchedulingIgnoredDuringExecution', 'core.v1.PodAffinityTerm', 'r'],
    2: ['preferredDuringSchedulingIgnoredDuringExecution', 'core.v1.WeightedPodAffinityTerm', 'r'],
  },
  'core.v1.PodCondition': {
    1: ['type', 'string', 'z'], 2: ['status', 'string', 'z'], 3: ['lastProbeTime', 'Time'],
    4: ['lastTransitionTime', 'Time'], 5: ['reason', 'string'], 6: ['message', 'string'],
  },
  'core.v1.PodDNSConfig': {
    1: ['nameservers', 'string', 'r'], 2: ['searches', 'string', 'r'],
    3: ['options', 'core.v1.PodDNSConfigOption', 'r'],
  },
  'core.v1.PodDNSConfigOption': { 1: ['name', 'string'], 2: ['value', 'string', 'z'] },
  'core.v1.PodIP': { 1: ['ip', 'string'] },
  'core.v1.PodOS': { 1: ['name', 'string'] },
  'core.v1.PodReadinessGate': { 1: ['conditionType', 'string', 'z'] },
  'core.v1.PodResourceClaim': {
    1: ['name', 'string', 'z'], 3: ['resourceClaimName', 'string', 'z'],
    4: ['resourceClaimTemplateName', 'string', 'z'],
  },
  'core.v1.PodResourceClaimStatus': { 1: ['name', 'string'], 2: ['resourceClaimName', 'string'] },
  'core.v1.PodSchedulingGate': { 1: ['name', 'string', 'z'] },
  'core.v1.PodSecurityContext': {
    1: ['seLinuxOptions', 'core.v1.SELinuxOptions'], 2: ['runAsUser', 'int64', 'z'], 3: ['runAsNonRoot', 'bool', 'z'],
    4: ['supplementalGroups', 'int64', 'r'], 5: ['fsGroup', 'int64', 'z'], 6: ['runAsGroup', 'int64', 'z'],
    7: ['sysctls', 'core.v1.Sysctl', 'r'], 8: ['windowsOptions', 'core.v1.WindowsSecurityContextOptions'],
    9: ['fsGroupChangePolicy', 'string', 'z'], 10: ['seccompProfile', 'core.v1.SeccompProfile'],
    11: ['appArmorProfile', 'core.v1.AppArmorProfile'], 12: ['supplementalGroupsPolicy', 'string', 'z'],
    13: ['seLinuxChangePolicy', 'string', 'z'],
  },
  'core.v1.PodSpec': {
    1: ['volumes', 'core.v1.Volume', 'r'], 2: ['containers', 'core.v1.Container', 'r'], 3: ['restartPolicy', 'string'],
    4: ['terminationGracePeriodSeconds', 'int64', 'z'], 5: ['activeDeadlineSeconds', 'int64', 'z'],
    6: ['dnsPolicy', 'string'], 7: ['nodeSelector', 'string', 'm'], 8: ['serviceAccountName', 'string'],
    9: ['serviceAccount', 'string'], 10: ['nodeName', 'string'], 11: ['hostNetwork', 'bool'], 12: ['hostPID', 'bool'],
    13: ['hostIPC', 'bool'], 14: ['securityContext', 'core.v1.PodSecurityContext'],
    15: ['imagePullSecrets', 'core.v1.LocalObjectReference', 'r'], 16: ['hostname', 'string'],
    17: ['subdomain', 'string'], 18: ['affinity', 'core.v1.Affinity'], 19: ['schedulerName', 'string'],
    20: ['initContainers', 'core.v1.Container', 'r'], 21: ['automountServiceAccountToken', 'bool', 'z'],
    22: ['tolerations', 'core.v1.Toleration', 'r'], 23: ['hostAliases', 'core.v1.HostAlias', 'r'],
    24: ['priorityClassName', 'string'], 25: ['priority', 'int32', 'z'], 26: ['dnsConfig', 'core.v1.PodDNSConfig'],
    27: ['shareProcessNamespace', 'bool', 'z'], 28: ['readinessGates', 'core.v1.PodReadinessGate', 'r'],
    29: ['runtimeClassName', 'string', 'z'], 30: ['enableServiceLinks', 'bool', 'z'],
    31: ['preemptionPolicy', 'string', 'z'], 32: ['overhead', 'Quantity', 'm'],
    33: ['topologySpreadConstraints', 'core.v1.TopologySpreadConstraint', 'r'],
    34: ['ephemeralContainers', 'core.v1.EphemeralContainer', 'r'], 35: ['setHostnameAsFQDN', 'bool', 'z'],
    36: ['os', 'core.v1.PodOS'], 37: ['hostUsers', 'bool', 'z'],
    38: ['schedulingGates', 'core.v1.PodSchedulingGate', 'r'], 39: ['resourceClaims', 'core.v1.PodResourceClaim', 'r'],
    40: ['resources', 'core.v1.ResourceRequirements'],
  },
  'core.v1.PodStatus': {
    1: ['phase', 'string'], 2: ['conditions', 'core.v1.PodCondition', 'r'], 3: ['message', 'string'],
    4: ['reason', 'string'], 5: ['hostIP', 'string'], 6: ['podIP', 'string'], 7: ['startTime', 'Time'],
    8: ['containerStatuses', 'core.v1.ContainerStatus', 'r'], 9: ['qosClass', 'string'],
    10: ['initContainerStatuses', 'core.v1.ContainerStatus', 'r'], 11: ['nominatedNodeName', 'string'],
    12: ['podIPs', 'core.v1.PodIP', 'r'], 13: ['ephemeralContainerStatuses', 'core.v1.ContainerStatus', 'r'],
    14: ['resize', 'string'], 15: ['resourceClaimStatuses', 'core.v1.PodResourceClaimStatus', 'r'],
    16: ['hostIPs', 'core.v1.HostIP', 'r'],
  },
  'core.v1.PodTemplateSpec': { 1: ['metadata', 'meta.v1.ObjectMeta'], 2: ['spec', 'core.v1.PodSpec'] },
  'core.v1.PreferredSchedulingTerm': { 1: ['weight', 'int32', 'z'], 2: ['preference', 'core.v1.NodeSelectorTerm'] },
  'core.v1.Probe': {
    1: ['handler', 'core.v1.ProbeHandler', 'i'], 2: ['initialDelaySeconds', 'int32'], 3: ['timeoutSeconds', 'int32'],
    4: ['periodSeconds', 'int32'], 5: ['successThreshold', 'int32'], 6: ['failureThreshold', 'int32'],
    7: ['terminationGracePeriodSeconds', 'int64', 'z'],
  },
  'core.v1.ProbeHandler': {
    1: ['exec', 'core.v1.ExecAction'], 2: ['httpGet', 'core.v1.HTTPGetAction'],
    3: ['tcpSocket', 'core.v1.TCPSocketAction'], 4: ['grpc', 'core.v1.GRPCAction'],
  },
  'core.v1.ResourceClaim': { 1: ['name', 'string', 'z'], 2: ['request', 'string'] },
  'core.v1.ResourceFieldSelector': {
    1: ['containerName', 'string'], 2: ['resource', 'string', 'z'], 3: ['divisor', 'Quantity'],
  },
  'core.v1.ResourceHealth': { 1: ['resourceID', 'string'], 2: ['health', 'string'] },
  'core.v1.ResourceRequirements': {
    1: ['limits', 'Quantity', 'm'], 2: ['requests', 'Quantity', 'm'], 3: ['claims', 'core.v1.ResourceClaim', 'r'],
  },
  'core.v1.ResourceStatus': { 1: ['name', 'string'], 2: ['resources', 'core.v1.ResourceHealth', 'r'] },
  'core.v1.SELinuxOptions': {
    1: ['user', 'string'], 2: ['role', 'string'], 3: ['type', 'string'], 4: ['level', 'string'],
  },
  'core.v1.SeccompProfile': { 1: ['type', 'string', 'z'], 2: ['localhostProfile', 'string', 'z'] },
  'core.v1.SecretEnvSource': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['optional', 'bool', 'z'],
  },
  'core.v1.SecretKeySelector': {
    1: ['localObjectReference', 'core.v1.LocalObjectReference', 'i'], 2: ['key', 'string', 'z'],
    3: ['optional', 'bool', 'z'],
  },
  'core.v1.SecurityContext': {
    1: ['capabilities', 'core.v1.Capabilities'], 2: ['privileged', 'bool', 'z'],
    3: ['seLinuxOptions', 'core.v1.SELinuxOptions'], 4: ['runAsUser', 'int64', 'z'], 5: ['runAsNonRoot', 'bool', 'z'],
    6: ['readOnlyRootFilesystem', 'bool', 'z'], 7: ['allowPrivilegeEscalation', 'bool', 'z'],
    8: ['runAsGroup', 'int64', 'z'], 9: ['procMount', 'string', 'z'],
    10: ['windowsOptions', 'core.v1.WindowsSecurityContextOptions'], 11: ['seccompProfile', 'core.v1.SeccompProfile'],
    12: ['appArmorProfile', 'core.v1.AppArmorProfile'],
  },
  'core.v1.SleepAction': { 1: ['seconds', 'int64', 'z'] },
  'core.v1.Sysctl': { 1: ['name', 'string', 'z'], 2: ['value', 'string', 'z'] },
  'core.v1.TCPSocketAction': { 1: ['port', 'IntOrString'], 2: ['host', 'string'] },
  'core.v1.Toleration': {
    1: ['key', 'string'], 2: ['operator', 'string'], 3: ['value', 'string'], 4: ['effect', 'string'],
    5: ['tolerationSeconds', 'int64', 'z'],
  },
  'core.v1.TopologySpreadConstraint': {
    1: ['maxSkew', 'int32', 'z'], 2: ['topologyKey', 'string', 'z'], 3: ['whenUnsatisfiable', 'string', 'z'],
    4: ['labelSelector', 'meta.v1.LabelSelector'], 5: ['minDomains', 'int32', 'z'],
    6: ['nodeAffinityPolicy', 'string', 'z'], 7: ['nodeTaintsPolicy', 'string', 'z'],
    8: ['matchLabelKeys', 'string', 'r'],
  },
  'core.v1.VolumeDevice': { 1: ['name', 'string'], 2: ['devicePath', 'string'] },
  'core.v1.VolumeMount': {
    1: ['name', 'string', 'z'], 2: ['readOnly', 'bool'], 3: ['mountPath', 'string', 'z'], 4: ['subPath', 'string'],
    5: ['mountPropagation', 'string', 'z'], 6: ['subPathExpr', 'string'], 7: ['recursiveReadOnly', 'string', 'z'],
  },
  'core.v1.VolumeMountStatus': {
    1: ['name', 'string'], 2: ['mountPath', 'string'], 3: ['readOnly', 'bool'], 4: ['recursiveReadOnly', 'string'],
  },
  'core.v1.WeightedPodAffinityTerm': { 1: ['weight', 'int32', 'z'], 2: ['podAffinityTerm', 'core.v1.PodAffinityTerm'] },
  'core.v1.WindowsSecurityContextOptions': {
    1: ['gmsaCredentialSpecName', 'string', 'z'], 2: ['gmsaCredentialSpec', 'string', 'z'],
    3: ['runAsUserName', 'string', 'z'], 4: ['hostProcess', 'bool', 'z'],
  },
};
