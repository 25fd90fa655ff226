/** core/v1 schema definitions for Service and Endpoints. */
import { s, type Definitions } from '../../../schema/types.ts';
import { V1, core, coreKind, coreList, keyed, listOf, meta } from './helpers.ts';

const protocol = s.enumOf(['SCTP', 'TCP', 'UDP'], 'Network protocol; TCP by default.');

export const serviceDefinitions: Definitions = {
  [V1 + 'Service']: coreKind('Service', 'A stable name and virtual IP in front of a set of pods.', {
    spec: core('ServiceSpec', 'Desired behaviour of the service.'),
    status: core('ServiceStatus', 'Observed status of the service.'),
  }),
  [V1 + 'ServiceList']: coreList('Service', 'A list of services.'),
  [V1 + 'ServiceSpec']: s.obj(
    {
      ports: keyed('ServicePort', 'port', 'Ports the service exposes.', ['protocol']),
      selector: { ...s.strMap('Labels of the pods traffic goes to.'), 'x-kubernetes-map-type': 'atomic' },
      clusterIP: s.str('Virtual IP of the service, "None" for headless; usually allocated.'),
      clusterIPs: s.strList('Virtual IPs of the service, one per family; the first equals clusterIP.'),
      type: s.enumOf(
        ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
        'How the service is exposed; ClusterIP by default.',
      ),
      externalIPs: s.strList('Extra IPs nodes accept traffic for.'),
      sessionAffinity: s.enumOf(['ClientIP', 'None'], 'Stick clients to one pod; None by default.'),
      loadBalancerIP: s.str('Requested load balancer IP (deprecated).'),
      loadBalancerSourceRanges: s.strList('Client CIDRs allowed through the load balancer.'),
      externalName: s.str('DNS name the service aliases, for type ExternalName.'),
      externalTrafficPolicy: s.enumOf(
        ['Cluster', 'Local'],
        'Whether external traffic may leave the receiving node.',
      ),
      healthCheckNodePort: s.int32('Node port for load balancer health checks with Local policy.'),
      publishNotReadyAddresses: s.bool('Publish addresses of pods that are not ready.'),
      sessionAffinityConfig: core('SessionAffinityConfig', 'Settings of session affinity.'),
      ipFamilies: s.strList('IP families of the service, IPv4 and/or IPv6.'),
      ipFamilyPolicy: s.enumOf(
        ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
        'How many IP families the service gets.',
      ),
      allocateLoadBalancerNodePorts: s.bool(
        'Allocate node ports for a LoadBalancer service; true by default.',
      ),
      loadBalancerClass: s.str('Load balancer implementation to use.'),
      internalTrafficPolicy: s.enumOf(
        ['Cluster', 'Local'],
        'Whether cluster traffic may leave the sending node.',
      ),
      trafficDistribution: s.str('Preference for how traffic spreads over endpoints, e.g. PreferClose.'),
    },
    'The desired state of a service.',
  ),
  [V1 + 'ServicePort']: s.obj(
    {
      name: s.str('Port name, required and unique when there is more than one port.'),
      protocol,
      appProtocol: s.str('Application protocol hint.'),
      port: s.int32('Port the service listens on.'),
      targetPort: s.intOrString('Port number or name on the pods; the port value by default.'),
      nodePort: s.int32('Port on every node, for NodePort and LoadBalancer services.'),
    },
    'A port of a service.',
    ['port'],
  ),
  [V1 + 'SessionAffinityConfig']: s.obj(
    { clientIP: core('ClientIPConfig', 'Settings of ClientIP affinity.') },
    'Settings of session affinity.',
  ),
  [V1 + 'ClientIPConfig']: s.obj(
    { timeoutSeconds: s.int32('Seconds a client stays stuck; 10800 by default.') },
    'Settings of ClientIP session affinity.',
  ),
  [V1 + 'ServiceStatus']: s.obj(
    {
      loadBalancer: core('LoadBalancerStatus', 'The load balancer, if any.'),
      conditions: s.mapList(meta('Condition'), 'type', 'Current conditions.'),
    },
    'The observed state of a service.',
  ),
  [V1 + 'LoadBalancerStatus']: s.obj(
    { ingress: listOf('LoadBalancerIngress', 'Ingress points of the load balancer.') },
    'State of a load balancer.',
  ),
  [V1 + 'LoadBalancerIngress']: s.obj(
    {
      ip: s.str('IP of the ingress point.'),
      hostname: s.str('Host name of the ingress point.'),
      ipMode: s.enumOf(['Proxy', 'VIP'], 'How traffic reaches the IP.'),
      ports: listOf('PortStatus', 'Status of each port.'),
    },
    'An ingress point of a load balancer.',
  ),
  [V1 + 'PortStatus']: s.obj(
    { port: s.int32('Port number.'), protocol, error: s.str('Problem with the port, if any.') },
    'Status of a load balancer port.',
    ['port', 'protocol'],
  ),
  [V1 + 'Endpoints']: coreKind('Endpoints', 'The addresses that implement a service.', {
    subsets: listOf('EndpointSubset', 'Groups of addresses sharing the same ports.'),
  }),
  [V1 + 'EndpointsList']: coreList('Endpoints', 'A list of endpoints.'),
  [V1 + 'EndpointSubset']: s.obj(
    {
      addresses: listOf('EndpointAddress', 'Ready addresses.'),
      notReadyAddresses: listOf('EndpointAddress', 'Addresses that are not ready.'),
      ports: listOf('EndpointPort', 'Ports of the addresses.'),
    },
    'Addresses with a common set of ports.',
  ),
  [V1 + 'EndpointAddress']: {
    ...s.obj(
      {
        ip: s.str('IP of the endpoint.'),
        hostname: s.str('Hostname of the endpoint.'),
        nodeName: s.str('Node hosting the endpoint.'),
        targetRef: core('ObjectReference', 'Object providing the endpoint, usually a pod.'),
      },
      'One endpoint address.',
      ['ip'],
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'EndpointPort']: {
    ...s.obj(
      {
        name: s.str('Port name, matching the service port name.'),
        port: s.int32('Port number.'),
        protocol,
        appProtocol: s.str('Application protocol hint.'),
      },
      'A port of an endpoint.',
      ['port'],
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'ObjectReference']: {
    ...s.obj(
      {
        kind: s.str('Kind of the referent.'),
        namespace: s.str('Namespace of the referent.'),
        name: s.str('Name of the referent.'),
        uid: s.str('UID of the referent.'),
        apiVersion: s.str('API version of the referent.'),
        resourceVersion: s.str('Resource version the reference was made at.'),
        fieldPath: s.str('Part of the object referred to, e.g. spec.containers{name}.'),
      },
      'A reference to another object.',
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'TypedLocalObjectReference']: {
    ...s.obj(
      {
        apiGroup: s.str('API group of the referent; core when empty.'),
        kind: s.str('Kind of the referent.'),
        name: s.str('Name of the referent.'),
      },
      'A reference to a typed object in the same namespace.',
      ['kind', 'name'],
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [V1 + 'TypedObjectReference']: s.obj(
    {
      apiGroup: s.str('API group of the referent; core when empty.'),
      kind: s.str('Kind of the referent.'),
      name: s.str('Name of the referent.'),
      namespace: s.str('Namespace of the referent.'),
    },
    'A reference to a typed object.',
    ['kind', 'name'],
  ),
  [V1 + 'ServiceProxyOptions']: s.obj(
    { path: s.str('Path to proxy to.') },
    'Query options of services/proxy.',
  ),
};
