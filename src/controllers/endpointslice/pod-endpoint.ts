/**
 * What a Service's endpoints are made of, shared by the EndpointSlice and Endpoints controllers:
 * which pods a Service selects, which of them count (an IPv4 address, not finished, terminating
 * only when asked), their readiness, the service ports resolved against each pod's containers
 * (a named targetPort may be a different number on different pods), and the pod as a
 * discovery.k8s.io/v1 endpoint.
 */
import type { DeepReadonly } from '../../api/object.ts';
import { isIPv4 } from '../../api/validation/names.ts';
import type { Endpoint, EndpointPort, Node, Pod, Service, ServicePort } from './types.ts';

type RO<T> = DeepReadonly<T>;

/** The zone label a node's endpoints inherit. */
export const zoneLabel = 'topology.kubernetes.io/zone';

/**
 * The Service's pod selector, or undefined when it has none: such Services (and ExternalName ones)
 * get no endpoints from the controllers — their endpoints, if any, are the user's.
 */
export function serviceSelector(svc: RO<Service>): RO<Record<string, string>> | undefined {
  if (svc.spec?.type === 'ExternalName') return undefined;
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** True when every selector label is on the pod with the same value. */
export function selectorMatches(
  sel: RO<Record<string, string>>,
  labels: RO<Record<string, string>> | undefined,
): boolean {
  for (const [k, v] of Object.entries(sel)) if (labels?.[k] !== v) return false;
  return true;
}

/** The pod's IPv4 address, if it has one. */
export function podIPv4(pod: RO<Pod>): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)];
  return ips.find((ip): ip is string => !!ip && isIPv4(ip));
}

/** True when the pod's Ready condition is True. */
export function isPodReady(pod: RO<Pod>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** True once the pod is being deleted. */
export function isPodTerminating(pod: RO<Pod>): boolean {
  return !!pod.metadata.deletionTimestamp;
}

/**
 * Whether the pod is an endpoint at all: it has an IPv4 address, has not finished (Succeeded or
 * Failed pods never serve again), and is not terminating unless `includeTerminating`.
 */
export function podCounts(pod: RO<Pod>, includeTerminating: boolean): boolean {
  if (!podIPv4(pod)) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return includeTerminating || !isPodTerminating(pod);
}

/**
 * The port number `sp` reaches on `pod`: a numeric targetPort as is, a named one looked up among
 * the pod's container ports (same protocol), no targetPort meaning the service port itself.
 * Undefined when the name is not found on this pod.
 */
export function resolveTargetPort(sp: RO<ServicePort>, pod: RO<Pod>): number | undefined {
  const target = sp.targetPort;
  if (target === undefined || target === '' || target === 0) return sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? [])
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** The Service's ports as they land on `pod` (ports that do not resolve on it are left out). */
export function endpointPorts(svc: RO<Service>, pod: RO<Pod>): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = resolveTargetPort(sp, pod);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** A stable key for a set of ports (order-insensitive), to group endpoints that share one. */
export function portSetKey(ports: readonly RO<EndpointPort>[]): string {
  return JSON.stringify(
    [...ports]
      .map((p) => [p.name, p.protocol, p.port, p.appProtocol ?? ''])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}

/** The pod's hostname in the Service's DNS, when the pod asks for one under this Service. */
export function endpointHostname(svc: RO<Service>, pod: RO<Pod>): string | undefined {
  const { hostname, subdomain } = pod.spec ?? {};
  if (!hostname || subdomain !== svc.metadata.name) return undefined;
  return pod.metadata.namespace === svc.metadata.namespace ? hostname : undefined;
}

/**
 * The pod as a discovery.k8s.io/v1 endpoint. serving is the pod's readiness; ready is serving and
 * not terminating, or always true under publishNotReadyAddresses; zone comes from the node.
 */
export function podToEndpoint(svc: RO<Service>, pod: RO<Pod>, node: RO<Node> | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = isPodTerminating(pod);
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Endpoint = {
    addresses: [podIPv4(pod) ?? ''],
    conditions: { ready, serving, terminating },
  };
  const hostname = endpointHostname(svc, pod);
  if (hostname) ep.hostname = hostname;
  ep.targetRef = {
    kind: 'Pod',
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid ?? '',
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[zoneLabel];
  if (zone) ep.zone = zone;
  return ep;
}
