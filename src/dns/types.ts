/**
 * The parts of core/v1 Service and discovery.k8s.io/v1 EndpointSlice cluster DNS reads, with
 * Kubernetes' field names. Objects arrive as plain JSON from informers; these only name what is used.
 */
import type { KubeObject } from '../api/object.ts';

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
  };
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    hostname?: string;
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
}

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';
