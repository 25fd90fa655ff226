/**
 * Schemas of networking.k8s.io/v1: Ingress, IngressClass and NetworkPolicy with every type they hold.
 * Names match Kubernetes' so `kubectl explain ingress.spec.rules` reads the same paths.
 */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from './kind-schema.ts';

const P = 'io.k8s.api.networking.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const G = 'networking.k8s.io';
const V = 'v1';

export const definitions: Definitions = {
  [P + 'Ingress']: kindSchema(
    G,
    V,
    'Ingress',
    'Routes outside HTTP(S) traffic to services inside the cluster.',
    {
      spec: s.ref(P + 'IngressSpec', 'What the ingress should route.'),
      status: s.ref(P + 'IngressStatus', 'What the ingress controller reports.'),
    },
  ),
  [P + 'IngressList']: listSchema(G, V, 'Ingress', P + 'Ingress'),
  [P + 'IngressSpec']: s.obj(
    {
      ingressClassName: s.str('Name of the IngressClass whose controller should implement this ingress.'),
      defaultBackend: s.ref(P + 'IngressBackend', 'Where requests that match no rule go.'),
      tls: s.list(s.ref(P + 'IngressTLS'), 'TLS settings: which hosts terminate TLS with which secret.'),
      rules: s.list(s.ref(P + 'IngressRule'), 'Host and path rules, matched in order of specificity.'),
    },
    'Routing wanted from an ingress.',
  ),
  [P + 'IngressBackend']: s.obj(
    {
      service: s.ref(P + 'IngressServiceBackend', 'A service to send traffic to.'),
      resource: s.ref(
        'io.k8s.api.core.v1.TypedLocalObjectReference',
        'Another object in the namespace to route to.',
      ),
    },
    'A destination for matched traffic: a service or a resource.',
  ),
  [P + 'IngressServiceBackend']: s.obj(
    {
      name: s.str('Service name, in the ingress namespace.'),
      port: s.ref(P + 'ServiceBackendPort', 'Which port of the service.'),
    },
    'A service and port to route to.',
    ['name'],
  ),
  [P + 'ServiceBackendPort']: s.obj(
    {
      name: s.str('Port name on the service; exclusive with number.'),
      number: s.int32('Port number on the service; exclusive with name.'),
    },
    'A service port, named or numbered.',
  ),
  [P + 'IngressTLS']: s.obj(
    {
      hosts: s.strList('Hosts covered by the certificate.'),
      secretName: s.str('Secret holding the TLS key pair.'),
    },
    'TLS settings for a set of hosts.',
  ),
  [P + 'IngressRule']: s.obj(
    {
      host: s.str('Fully qualified domain name (wildcard first label allowed) the rule applies to.'),
      http: s.ref(P + 'HTTPIngressRuleValue', 'HTTP path routes of the rule.'),
    },
    'Maps requests for one host to backends.',
  ),
  [P + 'HTTPIngressRuleValue']: s.obj(
    { paths: s.list(s.ref(P + 'HTTPIngressPath'), 'Path to backend mappings.') },
    'A list of HTTP paths and their backends.',
    ['paths'],
  ),
  [P + 'HTTPIngressPath']: s.obj(
    {
      path: s.str('Path matched against the request path.'),
      pathType: s.enumOf(['Exact', 'ImplementationSpecific', 'Prefix'], 'How the path is matched.'),
      backend: s.ref(P + 'IngressBackend', 'Where matching traffic goes.'),
    },
    'One path and the backend it routes to.',
    ['pathType', 'backend'],
  ),
  [P + 'IngressStatus']: s.obj(
    { loadBalancer: s.ref(P + 'IngressLoadBalancerStatus', 'Addresses of the load balancer.') },
    'Observed state of an ingress.',
  ),
  [P + 'IngressLoadBalancerStatus']: s.obj(
    { ingress: s.list(s.ref(P + 'IngressLoadBalancerIngress'), 'Load balancer entry points.') },
    'Load balancer state of an ingress.',
  ),
  [P + 'IngressLoadBalancerIngress']: s.obj(
    {
      ip: s.str('IP address of the entry point.'),
      hostname: s.str('DNS name of the entry point.'),
      ports: s.list(s.ref(P + 'IngressPortStatus'), 'Ports of the entry point.'),
    },
    'One entry point of the load balancer.',
  ),
  [P + 'IngressPortStatus']: s.obj(
    {
      port: s.int32('Port number.'),
      protocol: s.enumOf(['SCTP', 'TCP', 'UDP'], 'Port protocol.'),
      error: s.str('Problem with this port, if any.'),
    },
    'State of one load balancer port.',
    ['port', 'protocol'],
  ),

  [P + 'IngressClass']: kindSchema(
    G,
    V,
    'IngressClass',
    'A class of ingress and the controller that implements it.',
    {
      spec: s.ref(P + 'IngressClassSpec', 'Class settings.'),
    },
  ),
  [P + 'IngressClassList']: listSchema(G, V, 'IngressClass', P + 'IngressClass'),
  [P + 'IngressClassSpec']: s.obj(
    {
      controller: s.str(
        'Domain-prefixed name of the controller, e.g. "example.com/ingress-controller"; immutable.',
      ),
      parameters: s.ref(P + 'IngressClassParametersReference', 'An object holding controller settings.'),
    },
    'Settings of an ingress class.',
  ),
  [P + 'IngressClassParametersReference']: s.obj(
    {
      apiGroup: s.str('API group of the referenced object.'),
      kind: s.str('Kind of the referenced object.'),
      name: s.str('Name of the referenced object.'),
      namespace: s.str('Namespace of the object when scope is Namespace.'),
      scope: s.enumOf(['Cluster', 'Namespace'], 'Whether the object is cluster or namespace scoped.'),
    },
    'Reference to the parameters object of an ingress class.',
    ['kind', 'name'],
  ),

  [P + 'NetworkPolicy']: kindSchema(G, V, 'NetworkPolicy', 'Traffic allowed to and from a set of pods.', {
    spec: s.ref(P + 'NetworkPolicySpec', 'The policy.'),
  }),
  [P + 'NetworkPolicyList']: listSchema(G, V, 'NetworkPolicy', P + 'NetworkPolicy'),
  [P + 'NetworkPolicySpec']: s.obj(
    {
      podSelector: s.ref(
        META + 'LabelSelector',
        'Pods the policy applies to; empty selects all pods of the namespace.',
      ),
      ingress: s.list(s.ref(P + 'NetworkPolicyIngressRule'), 'Allowed incoming traffic.'),
      egress: s.list(s.ref(P + 'NetworkPolicyEgressRule'), 'Allowed outgoing traffic.'),
      policyTypes: s.strList('Directions the policy governs: Ingress, Egress or both.'),
    },
    'Which pods a network policy covers and what traffic it allows.',
  ),
  [P + 'NetworkPolicyIngressRule']: s.obj(
    {
      ports: s.list(s.ref(P + 'NetworkPolicyPort'), 'Ports the traffic may reach; empty means all.'),
      from: s.list(s.ref(P + 'NetworkPolicyPeer'), 'Sources allowed; empty means any.'),
    },
    'Incoming traffic allowed to the selected pods.',
  ),
  [P + 'NetworkPolicyEgressRule']: s.obj(
    {
      ports: s.list(s.ref(P + 'NetworkPolicyPort'), 'Destination ports allowed; empty means all.'),
      to: s.list(s.ref(P + 'NetworkPolicyPeer'), 'Destinations allowed; empty means any.'),
    },
    'Outgoing traffic allowed from the selected pods.',
  ),
  [P + 'NetworkPolicyPort']: s.obj(
    {
      protocol: s.enumOf(['SCTP', 'TCP', 'UDP'], 'Protocol; TCP when unset.'),
      port: s.intOrString('Port number or named port; all ports when unset.'),
      endPort: s.int32('Last port of a range starting at port.'),
    },
    'A port (or range) and protocol.',
  ),
  [P + 'NetworkPolicyPeer']: s.obj(
    {
      podSelector: s.ref(META + 'LabelSelector', 'Pods selected by label.'),
      namespaceSelector: s.ref(META + 'LabelSelector', 'Namespaces selected by label.'),
      ipBlock: s.ref(P + 'IPBlock', 'An address block.'),
    },
    'A source or destination of traffic.',
  ),
  [P + 'IPBlock']: s.obj(
    {
      cidr: s.str('The address block, e.g. "192.168.1.0/24".'),
      except: s.strList('Blocks inside cidr that are excluded.'),
    },
    'A CIDR block with exceptions.',
    ['cidr'],
  ),
};
