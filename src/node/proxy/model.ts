/**
 * From API objects to the proxy's model: a Service and its EndpointSlices become one
 * ServicePortInfo per port, with each slice's port resolved by name and protocol (which is how named
 * targetPorts arrive: the slice already carries the number). Pure functions, no I/O.
 */
import { isIpv4, parseIpv4 } from './ipv4.ts';
import type { EndpointSlice, Node, Protocol, ProxyEndpoint, Service, ServicePortInfo } from './types.ts';

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** Default ClientIP affinity timeout (3 hours), as Kubernetes defaults it. */
export const defaultAffinitySeconds = 10800;

/** True for Services the proxy programs: not ExternalName, not headless, with a ClusterIP. */
export function isProxiable(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return false;
  const ip = spec.clusterIP ?? '';
  return ip !== '' && ip !== 'None' && isIpv4(ip);
}

function endpointsOf(slices: readonly EndpointSlice[], portName: string, protocol: Protocol, node: string) {
  const byKey = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol,
    );
    if (!sp || typeof sp.port !== 'number') continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip || !isIpv4(ip)) continue;
      const c = ep.conditions ?? {};
      // A nil ready condition means ready; serving defaults to ready (EndpointSlice semantics).
      const ready = c.ready !== false;
      const serving = c.serving ?? ready;
      const e: ProxyEndpoint = {
        ip,
        port: sp.port,
        local: ep.nodeName === node,
        ready,
        servingTerminating: serving && c.terminating === true,
      };
      const key = `${ip}:${sp.port}`;
      const seen = byKey.get(key);
      // The same address can sit in two slices while the controller moves it; prefer the ready copy.
      if (!seen || (!seen.ready && e.ready)) byKey.set(key, e);
    }
  }
  return [...byKey.values()].sort((a, b) => parseIpv4(a.ip)! - parseIpv4(b.ip)! || a.port - b.port);
}

/**
 * The ports of `svc` as the proxy programs them, endpoints taken from `slices` (those labelled
 * with the service's name). Returns [] for Services the proxy ignores (see isProxiable).
 */
export function servicePorts(
  svc: Service,
  slices: readonly EndpointSlice[],
  nodeName: string,
): ServicePortInfo[] {
  if (!isProxiable(svc)) return [];
  const spec = svc.spec ?? {};
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const type = spec.type ?? 'ClusterIP';
  const lbIPs =
    type === 'LoadBalancer'
      ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter(isIpv4)
      : [];
  const affinitySeconds =
    spec.sessionAffinity === 'ClientIP'
      ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds)
      : 0;
  const out: ServicePortInfo[] = [];
  for (const p of spec.ports ?? []) {
    const protocol: Protocol = p.protocol ?? 'TCP';
    const portName = p.name ?? '';
    out.push({
      id: `${namespace}/${name}/${protocol.toLowerCase()}/${portName || String(p.port)}`,
      namespace,
      name,
      portName,
      protocol,
      port: p.port,
      clusterIP: spec.clusterIP,
      nodePort: (type === 'NodePort' || type === 'LoadBalancer') && p.nodePort ? p.nodePort : undefined,
      externalIPs: (spec.externalIPs ?? []).filter(isIpv4),
      loadBalancerIPs: lbIPs,
      loadBalancerSourceRanges: type === 'LoadBalancer' ? [...(spec.loadBalancerSourceRanges ?? [])] : [],
      affinitySeconds,
      externalLocal: spec.externalTrafficPolicy === 'Local',
      internalLocal: spec.internalTrafficPolicy === 'Local',
      endpoints: endpointsOf(slices, portName, protocol, nodeName),
    });
  }
  return out;
}

/**
 * The endpoints traffic may go to: the ready ones (only local ones when `localOnly`), or, when none
 * is ready, the ones still serving while terminating, so draining pods keep answering until the end.
 */
export function usableEndpoints(eps: readonly ProxyEndpoint[], localOnly: boolean): ProxyEndpoint[] {
  const pool = localOnly ? eps.filter((e) => e.local) : eps;
  const ready = pool.filter((e) => e.ready);
  return ready.length > 0 ? ready : pool.filter((e) => e.servingTerminating);
}

/** This node's IPv4 addresses from its status (InternalIP and ExternalIP), deduplicated, sorted. */
export function nodeAddresses(node: Node | undefined): string[] {
  const ips = (node?.status?.addresses ?? [])
    .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
    .map((a) => a.address)
    .filter(isIpv4);
  return [...new Set(ips)].sort();
}
