/**
 * The parts of a Service spec that address and port allocation reads, and which of them a Service
 * holds: shared by the admission plugin and the repair loop so both agree on what is in use.
 */
import type { KubeObject } from '../../api/object.ts';
import { ipToNumber } from './ip-allocator.ts';

export interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
}

/** The object's spec (an empty one when absent); shares the object's value, so changes stick. */
export function specOf(obj: KubeObject | undefined): ServiceSpec {
  return ((obj?.spec as ServiceSpec | undefined) ?? {}) as ServiceSpec;
}

export function needsClusterIP(s: ServiceSpec): boolean {
  return s.type !== 'ExternalName' && s.clusterIP !== 'None';
}

export function needsNodePorts(s: ServiceSpec): boolean {
  return s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
}

export function needsHealthCheckPort(s: ServiceSpec): boolean {
  return s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
}

/** What a Service holds: its cluster IP (as a number) and its node ports (health check port included). */
export function holdings(s: ServiceSpec): { ip?: number; ports: number[] } {
  const ip = s.clusterIP && s.clusterIP !== 'None' ? ipToNumber(s.clusterIP) : undefined;
  const ports = (s.ports ?? [])
    .map((p) => p.nodePort)
    .filter((p): p is number => typeof p === 'number' && p > 0);
  if (s.healthCheckNodePort) ports.push(s.healthCheckNodePort);
  return { ip, ports };
}
