/** core/v1 schema definitions for pods: Pod, PodSpec, PodStatus, templates, scheduling and options. */
import { s, type Definitions, type Schema } from '../../../schema/types.ts';
import { V1, core, coreKind, coreList, keyed, listOf, meta, resourceList } from './helpers.ts';

const mergeRetain = (schema: Schema): Schema => ({
  ...schema,
  'x-kubernetes-patch-strategy': 'merge,retainKeys',
});

const podSpec: Record<string, Schema> = {
  volumes: mergeRetain(keyed('Volume', 'name', 'Volumes the containers of the pod can mount.')),
  initContainers: keyed(
    'Container',
    'name',
    'Containers run in order, each to completion, before the app containers.',
  ),
  containers: keyed('Container', 'name', 'The application containers; at least one.'),
  ephemeralContainers: keyed(
    'EphemeralContainer',
    'name',
    'Debugging containers added through the ephemeralcontainers subresource.',
  ),
  restartPolicy: s.enumOf(
    ['Always', 'Never', 'OnFailure'],
    'When containers are restarted; Always by default.',
  ),
  terminationGracePeriodSeconds: s.int64(
    'Seconds given to stop gracefully before being killed; 30 by default.',
  ),
  activeDeadlineSeconds: s.int64('Seconds the pod may be active before it is failed.'),
  dnsPolicy: s.enumOf(
    ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
    'How DNS is set up; ClusterFirst by default.',
  ),
  nodeSelector: {
    ...s.strMap('Labels a node must carry for the pod to run there.'),
    'x-kubernetes-map-type': 'atomic',
  },
  serviceAccountName: s.str('Service account the pod runs as.'),
  serviceAccount: s.str('Deprecated alias of serviceAccountName.'),
  automountServiceAccountToken: s.bool('Mount the service account token automatically.'),
  nodeName: s.str('Node the pod is bound to; set by the scheduler.'),
  hostNetwork: s.bool("Use the host's network namespace."),
  hostPID: s.bool("Use the host's PID namespace."),
  hostIPC: s.bool("Use the host's IPC namespace."),
  shareProcessNamespace: s.bool('Share one PID namespace among all containers.'),
  securityContext: core('PodSecurityContext', 'Pod-level security options.'),
  imagePullSecrets: keyed('LocalObjectReference', 'name', 'Secrets used to pull the images.'),
  hostname: s.str("Pod's hostname; its name by default."),
  subdomain: s.str('Subdomain giving the pod a FQDN under a headless service.'),
  affinity: core('Affinity', 'Scheduling constraints.'),
  schedulerName: s.str('Scheduler that places the pod; default-scheduler by default.'),
  tolerations: listOf('Toleration', 'Taints the pod tolerates.'),
  hostAliases: keyed('HostAlias', 'ip', 'Extra entries for /etc/hosts.'),
  priorityClassName: s.str('PriorityClass giving the pod its priority.'),
  priority: s.int32('Priority value, filled from the priority class.'),
  dnsConfig: core('PodDNSConfig', 'DNS settings added to those the dnsPolicy produces.'),
  readinessGates: listOf('PodReadinessGate', 'Extra conditions that must hold for the pod to be ready.'),
  runtimeClassName: s.str('RuntimeClass used to run the pod.'),
  enableServiceLinks: s.bool('Inject service environment variables; true by default.'),
  preemptionPolicy: s.enumOf(
    ['Never', 'PreemptLowerPriority'],
    'Whether the pod may preempt lower priority pods.',
  ),
  overhead: resourceList('Resources the pod sandbox uses beyond its containers.'),
  topologySpreadConstraints: keyed(
    'TopologySpreadConstraint',
    'topologyKey',
    'How the pods of a group spread over topology domains.',
    ['whenUnsatisfiable'],
  ),
  setHostnameAsFQDN: s.bool("Set the hostname to the pod's FQDN."),
  os: core('PodOS', 'Operating system the pod needs.'),
  hostUsers: s.bool("Use the host's user namespace; true by default."),
  schedulingGates: keyed(
    'PodSchedulingGate',
    'name',
    'Gates that hold the pod back from scheduling while present.',
  ),
  resourceClaims: mergeRetain(keyed('PodResourceClaim', 'name', 'Resource claims the pod uses.')),
};

const nodeSelectorOps = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];

export const podDefinitions: Definitions = {
  [V1 + 'Pod']: coreKind('Pod', 'A group of containers scheduled together on one node.', {
    spec: core('PodSpec', 'Desired behaviour of the pod.'),
    status: core('PodStatus', 'Observed status of the pod.'),
  }),
  [V1 + 'PodList']: coreList('Pod', 'A list of pods.'),
  [V1 + 'PodSpec']: s.obj(podSpec, 'The desired state of a pod.', ['containers']),
  [V1 + 'PodTemplateSpec']: s.obj(
    {
      metadata: meta('ObjectMeta', 'Metadata of pods created from the template.'),
      spec: core('PodSpec', 'Spec of pods created from the template.'),
    },
    'A template of the pods a controller creates.',
  ),
  [V1 + 'PodTemplate']: coreKind('PodTemplate', 'A stored pod template.', {
    template: core('PodTemplateSpec', 'The template.'),
  }),
  [V1 + 'PodTemplateList']: coreList('PodTemplate', 'A list of pod templates.'),
  [V1 + 'PodStatus']: s.obj(
    {
      phase: s.enumOf(['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'], 'Lifecycle phase.'),
      conditions: keyed('PodCondition', 'type', 'Current conditions.'),
      message: s.str('Why the pod is in its state.'),
      reason: s.str('Short reason, e.g. Evicted.'),
      nominatedNodeName: s.str('Node where the pod may run after preemption.'),
      hostIP: s.str('IP of the node the pod runs on.'),
      hostIPs: s.list(core('HostIP'), 'IPs of the node the pod runs on.'),
      podIP: s.str('IP of the pod.'),
      podIPs: keyed('PodIP', 'ip', 'IPs of the pod, one per family.'),
      startTime: meta('Time', 'When the kubelet accepted the pod.'),
      initContainerStatuses: s.list(core('ContainerStatus'), 'Status of the init containers.'),
      containerStatuses: s.list(core('ContainerStatus'), 'Status of the containers.'),
      qosClass: s.enumOf(['BestEffort', 'Burstable', 'Guaranteed'], 'Quality of service class.'),
      ephemeralContainerStatuses: s.list(core('ContainerStatus'), 'Status of the ephemeral containers.'),
      resize: s.str('State of a requested in-place resize.'),
      resourceClaimStatuses: keyed('PodResourceClaimStatus', 'name', 'Generated names of resource claims.'),
    },
    'The observed state of a pod.',
  ),
  [V1 + 'PodCondition']: s.obj(
    {
      type: s.str('Condition type, e.g. Ready.'),
      status: s.str('True, False or Unknown.'),
      lastProbeTime: meta('Time', 'Last time it was probed.'),
      lastTransitionTime: meta('Time', 'Last time the status changed.'),
      reason: s.str('Machine-readable reason.'),
      message: s.str('Human-readable details.'),
    },
    'A condition of a pod.',
    ['type', 'status'],
  ),
  [V1 + 'PodIP']: s.obj({ ip: s.str('An IP address.') }, 'An IP of a pod.', ['ip']),
  [V1 + 'HostIP']: s.obj({ ip: s.str('An IP address.') }, 'An IP of a host.', ['ip']),
  [V1 + 'PodResourceClaimStatus']: s.obj(
    {
      name: s.str('Entry name in spec.resourceClaims.'),
      resourceClaimName: s.str('Name of the generated claim.'),
    },
    'The claim created for a pod resource claim.',
    ['name'],
  ),
  [V1 + 'PodResourceClaim']: s.obj(
    {
      name: s.str('Name of this entry, unique in the pod.'),
      resourceClaimName: s.str('Existing ResourceClaim to use.'),
      resourceClaimTemplateName: s.str('ResourceClaimTemplate to create a claim from.'),
    },
    'A resource claim used by the pod.',
    ['name'],
  ),
  [V1 + 'PodSchedulingGate']: s.obj(
    { name: s.str('Gate name.') },
    'A gate that keeps a pod from being scheduled.',
    ['name'],
  ),
  [V1 + 'PodOS']: s.obj({ name: s.str('linux or windows.') }, 'The operating system of a pod.', ['name']),
  [V1 + 'PodReadinessGate']: s.obj(
    { conditionType: s.str('Pod condition type that must be True.') },
    'An extra readiness condition.',
    ['conditionType'],
  ),
  [V1 + 'PodDNSConfig']: s.obj(
    {
      nameservers: s.strList('DNS server IPs.'),
      searches: s.strList('DNS search domains.'),
      options: listOf('PodDNSConfigOption', 'Resolver options.'),
    },
    'Extra DNS settings of a pod.',
  ),
  [V1 + 'PodDNSConfigOption']: s.obj(
    { name: s.str('Option name.'), value: s.str('Option value.') },
    'A resolver option.',
  ),
  [V1 + 'HostAlias']: s.obj(
    { ip: s.str('IP address.'), hostnames: s.strList('Host names for the IP.') },
    'An /etc/hosts entry.',
    ['ip'],
  ),
  [V1 + 'Toleration']: s.obj(
    {
      key: s.str('Taint key; empty with Exists matches every taint.'),
      operator: s.enumOf(['Equal', 'Exists'], 'How key and value are compared; Equal by default.'),
      value: s.str('Taint value to match.'),
      effect: s.enumOf(
        ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
        'Taint effect to match; all when empty.',
      ),
      tolerationSeconds: s.int64('How long a NoExecute taint is tolerated.'),
    },
    'Allows a pod onto nodes with a matching taint.',
  ),
  [V1 + 'TopologySpreadConstraint']: s.obj(
    {
      maxSkew: s.int32('Most the pod count may differ between domains.'),
      topologyKey: s.str('Node label that defines the domains.'),
      whenUnsatisfiable: s.enumOf(
        ['DoNotSchedule', 'ScheduleAnyway'],
        'What to do when the constraint cannot be met.',
      ),
      labelSelector: meta('LabelSelector', 'Pods counted in each domain.'),
      minDomains: s.int32('Least number of eligible domains.'),
      nodeAffinityPolicy: s.enumOf(['Honor', 'Ignore'], 'Whether node affinity limits the domains.'),
      nodeTaintsPolicy: s.enumOf(['Honor', 'Ignore'], 'Whether taints limit the domains.'),
      matchLabelKeys: s.strList('Pod label keys whose values further narrow the counted pods.'),
    },
    'How matching pods spread across a topology.',
    ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
  ),
  [V1 + 'PodSecurityContext']: s.obj(
    {
      seLinuxOptions: core('SELinuxOptions', 'SELinux context for all containers.'),
      windowsOptions: core('WindowsSecurityContextOptions', 'Windows options for all containers.'),
      runAsUser: s.int64('UID all containers run as.'),
      runAsGroup: s.int64('GID all containers run as.'),
      runAsNonRoot: s.bool('Refuse to run containers as UID 0.'),
      supplementalGroups: s.list(
        s.int64('A group ID.'),
        'Extra group IDs for the first process of each container.',
      ),
      fsGroup: s.int64('Group that owns volumes and is added to every container.'),
      sysctls: listOf('Sysctl', 'Namespaced sysctls to set.'),
      fsGroupChangePolicy: s.enumOf(['Always', 'OnRootMismatch'], 'When volume ownership is changed.'),
      seccompProfile: core('SeccompProfile', 'Seccomp profile for all containers.'),
      appArmorProfile: core('AppArmorProfile', 'AppArmor profile for all containers.'),
    },
    'Security options for the whole pod.',
  ),
  [V1 + 'Sysctl']: s.obj(
    { name: s.str('Sysctl name.'), value: s.str('Sysctl value.') },
    'A kernel parameter.',
    ['name', 'value'],
  ),
  [V1 + 'Affinity']: s.obj(
    {
      nodeAffinity: core('NodeAffinity', 'Rules about nodes.'),
      podAffinity: core('PodAffinity', 'Rules for running near other pods.'),
      podAntiAffinity: core('PodAntiAffinity', 'Rules for running away from other pods.'),
    },
    'Scheduling affinity rules.',
  ),
  [V1 + 'NodeAffinity']: s.obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: core('NodeSelector', 'Rules a node must meet.'),
      preferredDuringSchedulingIgnoredDuringExecution: listOf(
        'PreferredSchedulingTerm',
        'Weighted rules a node should meet.',
      ),
    },
    'Node affinity rules.',
  ),
  [V1 + 'NodeSelector']: {
    ...s.obj(
      { nodeSelectorTerms: listOf('NodeSelectorTerm', 'Terms ORed together.') },
      'A set of node selector terms.',
      ['nodeSelectorTerms'],
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'NodeSelectorTerm']: {
    ...s.obj(
      {
        matchExpressions: listOf('NodeSelectorRequirement', 'Requirements on node labels.'),
        matchFields: listOf('NodeSelectorRequirement', 'Requirements on node fields.'),
      },
      'Requirements ANDed together.',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'NodeSelectorRequirement']: s.obj(
    {
      key: s.str('Label or field key.'),
      operator: s.enumOf(nodeSelectorOps, 'How values are compared.'),
      values: s.strList('Values to compare with.'),
    },
    'One requirement on a node label or field.',
    ['key', 'operator'],
  ),
  [V1 + 'TopologySelectorTerm']: {
    ...s.obj(
      {
        matchLabelExpressions: listOf(
          'TopologySelectorLabelRequirement',
          'Label requirements ANDed together.',
        ),
      },
      'A topology domain, as label requirements (used by storage classes).',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'TopologySelectorLabelRequirement']: s.obj(
    { key: s.str('Label key.'), values: s.strList('Label values; a node matches any of them.') },
    'One topology label and the values it may take.',
    ['key', 'values'],
  ),
  [V1 + 'PreferredSchedulingTerm']: s.obj(
    { weight: s.int32('Weight, 1 to 100.'), preference: core('NodeSelectorTerm', 'The term.') },
    'A weighted node preference.',
    ['weight', 'preference'],
  ),
  [V1 + 'PodAffinity']: s.obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: listOf('PodAffinityTerm', 'Terms that must hold.'),
      preferredDuringSchedulingIgnoredDuringExecution: listOf(
        'WeightedPodAffinityTerm',
        'Weighted terms that should hold.',
      ),
    },
    'Rules for co-locating pods.',
  ),
  [V1 + 'PodAntiAffinity']: s.obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: listOf('PodAffinityTerm', 'Terms that must hold.'),
      preferredDuringSchedulingIgnoredDuringExecution: listOf(
        'WeightedPodAffinityTerm',
        'Weighted terms that should hold.',
      ),
    },
    'Rules for keeping pods apart.',
  ),
  [V1 + 'PodAffinityTerm']: s.obj(
    {
      labelSelector: meta('LabelSelector', 'Pods the term refers to.'),
      namespaces: s.strList('Namespaces to look in.'),
      topologyKey: s.str('Node label defining co-location.'),
      namespaceSelector: meta('LabelSelector', 'Namespaces to look in, by label.'),
      matchLabelKeys: s.strList('Pod label keys whose values are added to the selector.'),
      mismatchLabelKeys: s.strList('Pod label keys whose values are excluded by the selector.'),
    },
    'Pods that must (or must not) share a topology domain.',
    ['topologyKey'],
  ),
  [V1 + 'WeightedPodAffinityTerm']: s.obj(
    { weight: s.int32('Weight, 1 to 100.'), podAffinityTerm: core('PodAffinityTerm', 'The term.') },
    'A weighted pod affinity term.',
    ['weight', 'podAffinityTerm'],
  ),
  [V1 + 'Binding']: coreKind(
    'Binding',
    'Binds a pod to a node; posted by the scheduler.',
    { target: core('ObjectReference', 'The node to bind to.') },
    ['target'],
  ),
  [V1 + 'PodLogOptions']: {
    ...s.obj(
      {
        apiVersion: s.str('Schema version.'),
        kind: s.str('Type of the object.'),
        container: s.str('Container to read logs from.'),
        follow: s.bool('Stream new log lines.'),
        previous: s.bool('Read logs of the previous run.'),
        sinceSeconds: s.int64('Only lines newer than this many seconds.'),
        sinceTime: meta('Time', 'Only lines newer than this time.'),
        timestamps: s.bool('Prefix lines with timestamps.'),
        tailLines: s.int64('Only the last lines.'),
        limitBytes: s.int64('Most bytes to return.'),
        insecureSkipTLSVerifyBackend: s.bool('Skip verifying the kubelet certificate.'),
      },
      'Query options of the pods/log subresource.',
    ),
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'PodLogOptions' }],
  },
  [V1 + 'PodExecOptions']: {
    ...s.obj(
      {
        apiVersion: s.str('Schema version.'),
        kind: s.str('Type of the object.'),
        stdin: s.bool('Attach stdin.'),
        stdout: s.bool('Attach stdout.'),
        stderr: s.bool('Attach stderr.'),
        tty: s.bool('Allocate a TTY.'),
        container: s.str('Container to run the command in.'),
        command: s.strList('Command to run.'),
      },
      'Query options of the pods/exec subresource.',
      ['command'],
    ),
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'PodExecOptions' }],
  },
  [V1 + 'PodAttachOptions']: {
    ...s.obj(
      {
        apiVersion: s.str('Schema version.'),
        kind: s.str('Type of the object.'),
        stdin: s.bool('Attach stdin.'),
        stdout: s.bool('Attach stdout.'),
        stderr: s.bool('Attach stderr.'),
        tty: s.bool('The session is a TTY.'),
        container: s.str('Container to attach to.'),
      },
      'Query options of the pods/attach subresource.',
    ),
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'PodAttachOptions' }],
  },
  [V1 + 'PodPortForwardOptions']: {
    ...s.obj(
      {
        apiVersion: s.str('Schema version.'),
        kind: s.str('Type of the object.'),
        ports: s.list(s.int32('A port.'), 'Ports to forward.'),
      },
      'Query options of the pods/portforward subresource.',
    ),
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'PodPortForwardOptions' }],
  },
};
