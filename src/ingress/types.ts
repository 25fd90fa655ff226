/**
 * The parts of the API objects the ingress controller reads: networking.k8s.io/v1 Ingress and
 * IngressClass, core Services and Secrets, discovery.k8s.io/v1 EndpointSlices. Only the fields used
 * here are named; everything arrives as JSON from the API and is treated as untrusted input.
 */
import type { KubeObject } from '../api/object.ts';

/** The controller name Berth's IngressClass carries (spec.controller). */
export const CONTROLLER_NAME = 'berth.io/ingress-nginx';
/** The IngressClass created when missing, and marked as the cluster default. */
export const DEFAULT_CLASS_NAME = 'berth';
/** Marks an IngressClass as the default for Ingresses that name none. */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The class annotation older Ingresses use instead of spec.ingressClassName. */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface ServiceBackendPort {
  name?: string;
  number?: number;
}

export interface IngressBackend {
  service?: { name?: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind?: string; name?: string };
}

export interface HTTPIngressPath {
  path?: string;
  pathType?: string;
  backend?: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths?: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    rules?: IngressRule[];
    tls?: IngressTLS[];
  };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

export interface IngressClass extends KubeObject {
  spec?: { controller?: string };
}

export interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec?: { type?: string; ports?: ServicePort[]; selector?: Record<string, string> };
}

export interface Endpoint {
  addresses?: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
}

export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** The label EndpointSlices carry naming their Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
