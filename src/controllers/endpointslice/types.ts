/**
 * The parts of Service, Pod, Node, EndpointSlice and Endpoints the endpoint controllers read and
 * write, with Kubernetes' field names. Objects travel as plain JSON; these only name what is used.
 */
import type { KubeObject } from '../../api/object.ts';

/** core/v1 ObjectReference as endpoints carry it (targetRef). */
export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  appProtocol?: string;
  port: number;
  /** A number, or the name of a container port resolved per pod. */
  targetPort?: number | string;
  nodePort?: number;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    clusterIP?: string;
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
}

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: { name: string; ports?: ContainerPort[] }[];
    [k: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: PodCondition[];
    [k: string]: unknown;
  };
}

export interface Node extends KubeObject {
  spec?: Record<string, unknown>;
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** One discovery.k8s.io/v1 endpoint. */
export interface Endpoint {
  addresses: string[];
  conditions: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
}

export interface EndpointPort {
  name: string;
  port: number;
  protocol: Protocol;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports: EndpointPort[];
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

/** core/v1 EndpointPort: like the discovery one, but a lone port may be unnamed. */
export interface EndpointsPort {
  name?: string;
  port: number;
  protocol: Protocol;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointsPort[];
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}
