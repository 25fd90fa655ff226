/**
 * What the service proxy reads from the API (the parts of Service, EndpointSlice and Node it uses,
 * with Kubernetes' field names) and the flattened model it renders rules from. Objects travel as
 * plain JSON; these types only name what is read.
 */
import type { KubeObject } from '../../api/object.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface Service extends KubeObject {
  spec?: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    externalIPs?: string[];
    sessionAffinity?: 'None' | 'ClientIP';
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: 'Cluster' | 'Local';
    internalTrafficPolicy?: 'Cluster' | 'Local';
    loadBalancerIP?: string;
    loadBalancerSourceRanges?: string[];
    loadBalancerClass?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
  }[];
  ports?: { name?: string; port?: number; protocol?: Protocol }[];
}

export interface Node extends KubeObject {
  status?: { addresses?: { type: string; address: string }[] };
}

/** One backend of one service port, after the slice's port was resolved. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** Runs on this node (endpoint.nodeName equals the proxy's node name). */
  local: boolean;
  ready: boolean;
  /** Serving while terminating: used only when no endpoint of the set is ready. */
  servingTerminating: boolean;
}

/**
 * One port of one Service, everything its rules depend on. `id` ("ns/name/proto/port-name") names
 * its chains; two ports of one Service are separate entries.
 */
export interface ServicePortInfo {
  id: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol;
  port: number;
  clusterIP?: string;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** ClientIP affinity timeout in seconds, or 0 for no affinity. */
  affinitySeconds: number;
  externalLocal: boolean;
  internalLocal: boolean;
  endpoints: ProxyEndpoint[];
}

/** Node-wide settings the rules depend on. */
export interface ProxySettings {
  /** nft table name (family ip). */
  table: string;
  /** Pod network; traffic from outside it to a ClusterIP is masqueraded. Absent: never for that reason. */
  clusterCIDR?: string;
  /** Service ClusterIP range: addresses in it without a rule are rejected. */
  serviceCIDR?: string;
  /** LoadBalancer address pool: addresses in it without a rule are rejected. */
  lbPool?: string;
  /** This node's addresses on which NodePorts answer. */
  nodeIPs: string[];
  /**
   * Most endpoints a plain ClusterIP port may have and still be dispatched through the shared maps
   * (default 64; 0 gives every port a chain of its own, the older layout the benchmark compares).
   */
  sharedPickMax?: number;
}

/** The whole input of rule rendering: a pure function of this gives the ruleset. */
export interface ProxyState {
  settings: ProxySettings;
  services: ServicePortInfo[];
}
