/** core/v1 schema definitions for cluster-scoped kinds: Namespace and Node. */
import { s, type Definitions } from '../../../schema/types.ts';
import { V1, core, coreKind, coreList, keyed, listOf, meta, resourceList } from './helpers.ts';

export const clusterDefinitions: Definitions = {
  [V1 + 'Namespace']: coreKind('Namespace', 'A scope for names, shared by the objects inside it.', {
    spec: core('NamespaceSpec', 'Desired behaviour of the namespace.'),
    status: core('NamespaceStatus', 'Observed status of the namespace.'),
  }),
  [V1 + 'NamespaceList']: coreList('Namespace', 'A list of namespaces.'),
  [V1 + 'NamespaceSpec']: s.obj(
    { finalizers: s.strList('Finalizers that must run before the namespace is removed.') },
    'The desired state of a namespace.',
  ),
  [V1 + 'NamespaceStatus']: s.obj(
    {
      phase: s.enumOf(['Active', 'Terminating'], 'Lifecycle phase.'),
      conditions: keyed('NamespaceCondition', 'type', 'Current conditions.'),
    },
    'The observed state of a namespace.',
  ),
  [V1 + 'NamespaceCondition']: s.obj(
    {
      type: s.str('Condition type.'),
      status: s.str('True, False or Unknown.'),
      lastTransitionTime: meta('Time', 'Last time the status changed.'),
      reason: s.str('Machine-readable reason.'),
      message: s.str('Human-readable details.'),
    },
    'A condition of a namespace.',
    ['type', 'status'],
  ),
  [V1 + 'Node']: coreKind('Node', 'A machine that runs pods.', {
    spec: core('NodeSpec', 'Desired behaviour of the node.'),
    status: core('NodeStatus', 'Observed status of the node.'),
  }),
  [V1 + 'NodeList']: coreList('Node', 'A list of nodes.'),
  [V1 + 'NodeSpec']: s.obj(
    {
      podCIDR: s.str('Pod IP range of the node.'),
      podCIDRs: {
        ...s.strList('Pod IP ranges of the node, one per family.'),
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'set',
      },
      providerID: s.str('ID of the machine at its provider.'),
      unschedulable: s.bool('Keep new pods off the node (cordon).'),
      taints: listOf('Taint', 'Taints that repel pods without a matching toleration.'),
      externalID: s.str('Deprecated; unused.'),
    },
    'The desired state of a node.',
  ),
  [V1 + 'Taint']: s.obj(
    {
      key: s.str('Taint key.'),
      value: s.str('Taint value.'),
      effect: s.enumOf(
        ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
        'Effect on pods that do not tolerate it.',
      ),
      timeAdded: meta('Time', 'When a NoExecute taint was added.'),
    },
    'A mark on a node that repels pods.',
    ['key', 'effect'],
  ),
  [V1 + 'NodeStatus']: s.obj(
    {
      capacity: resourceList('Total resources of the node.'),
      allocatable: resourceList('Resources available to pods.'),
      phase: s.enumOf(['Pending', 'Running', 'Terminated'], 'Deprecated lifecycle phase.'),
      conditions: keyed('NodeCondition', 'type', 'Current conditions, e.g. Ready.'),
      addresses: keyed('NodeAddress', 'type', 'Addresses of the node.'),
      daemonEndpoints: core('NodeDaemonEndpoints', 'Endpoints of daemons on the node.'),
      nodeInfo: core('NodeSystemInfo', 'Facts about the machine.'),
      images: listOf('ContainerImage', 'Images present on the node.'),
      volumesInUse: s.strList('Attachable volumes in use.'),
      volumesAttached: listOf('AttachedVolume', 'Volumes attached to the node.'),
      config: core('NodeConfigStatus', 'Status of dynamic kubelet config (deprecated).'),
      runtimeHandlers: listOf('NodeRuntimeHandler', 'Runtime handlers available.'),
    },
    'The observed state of a node.',
  ),
  [V1 + 'NodeCondition']: s.obj(
    {
      type: s.str('Condition type, e.g. Ready.'),
      status: s.str('True, False or Unknown.'),
      lastHeartbeatTime: meta('Time', 'Last time it was reported.'),
      lastTransitionTime: meta('Time', 'Last time the status changed.'),
      reason: s.str('Machine-readable reason.'),
      message: s.str('Human-readable details.'),
    },
    'A condition of a node.',
    ['type', 'status'],
  ),
  [V1 + 'NodeAddress']: s.obj(
    {
      type: s.str('Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'),
      address: s.str('The address.'),
    },
    'An address of a node.',
    ['type', 'address'],
  ),
  [V1 + 'NodeDaemonEndpoints']: s.obj(
    { kubeletEndpoint: core('DaemonEndpoint', 'Where the kubelet listens.') },
    'Endpoints of daemons on a node.',
  ),
  [V1 + 'DaemonEndpoint']: s.obj({ Port: s.int32('Port number.') }, 'A daemon endpoint.', ['Port']),
  [V1 + 'NodeSystemInfo']: s.obj(
    {
      machineID: s.str('Machine ID.'),
      systemUUID: s.str('System UUID.'),
      bootID: s.str('Boot ID.'),
      kernelVersion: s.str('Kernel version.'),
      osImage: s.str('OS image.'),
      containerRuntimeVersion: s.str('Container runtime and version.'),
      kubeletVersion: s.str('Kubelet version.'),
      kubeProxyVersion: s.str('Deprecated; not reliable.'),
      operatingSystem: s.str('Operating system.'),
      architecture: s.str('CPU architecture.'),
    },
    'Facts about a node machine.',
    [
      'machineID',
      'systemUUID',
      'bootID',
      'kernelVersion',
      'osImage',
      'containerRuntimeVersion',
      'kubeletVersion',
      'kubeProxyVersion',
      'operatingSystem',
      'architecture',
    ],
  ),
  [V1 + 'ContainerImage']: s.obj(
    { names: s.strList('Names of the image.'), sizeBytes: s.int64('Size in bytes.') },
    'An image on a node.',
  ),
  [V1 + 'AttachedVolume']: s.obj(
    { name: s.str('Volume name.'), devicePath: s.str('Device path.') },
    'A volume attached to a node.',
    ['name', 'devicePath'],
  ),
  [V1 + 'NodeConfigStatus']: s.any('Status of dynamic kubelet configuration (deprecated).'),
  [V1 + 'NodeRuntimeHandler']: s.obj(
    {
      name: s.str('Handler name; empty for the default.'),
      features: core('NodeRuntimeHandlerFeatures', 'Supported features.'),
    },
    'A runtime handler of a node.',
  ),
  [V1 + 'NodeRuntimeHandlerFeatures']: s.obj(
    {
      recursiveReadOnlyMounts: s.bool('Supports recursive read-only mounts.'),
      userNamespaces: s.bool('Supports user namespaces.'),
    },
    'Features of a runtime handler.',
  ),
  [V1 + 'NodeProxyOptions']: s.obj({ path: s.str('Path to proxy to.') }, 'Query options of nodes/proxy.'),
};
