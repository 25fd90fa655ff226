/**
 * From an Ingress backend to where nginx sends the request: the ready endpoints of the Service port
 * it names, read from the Service's EndpointSlices (pod IP and target port, never the ClusterIP, so
 * nginx balances and keeps connections alive to the pods themselves). A Service that is missing or
 * has no ready endpoints answers 503, as ingress-nginx does; it is not an error in the Ingress.
 */
import type { DeepReadonly } from '../api/object.ts';
import { hostPort, isAddress, isIdentifier, isPort } from './nginx-syntax.ts';
import type { EndpointSlice, IngressBackend, Service } from './types.ts';

/** Where a location sends requests: a named upstream, or a fixed status when there is nothing to send to. */
export type Target = { upstream: string } | { status: number };

/** An nginx upstream: its name and its `ip:port` servers (sorted, unique). */
export interface Upstream {
  name: string;
  servers: string[];
}

/** Read access to the cached Services and EndpointSlices. */
export interface BackendLookup {
  getService(namespace: string, name: string): DeepReadonly<Service> | undefined;
  /** The EndpointSlices labelled kubernetes.io/service-name=NAME in NAMESPACE. */
  endpointSlices(namespace: string, service: string): readonly DeepReadonly<EndpointSlice>[];
}

/** The result of resolving one backend: a target (plus the upstream it needs) or why it is invalid. */
export type Resolved = { ok: true; target: Target; upstream?: Upstream } | { ok: false; error: string };

/** Resolves `backend` of an Ingress in `namespace`. */
export function resolveBackend(
  namespace: string,
  backend: DeepReadonly<IngressBackend> | undefined,
  lookup: BackendLookup,
): Resolved {
  if (!backend) return { ok: false, error: 'backend is missing' };
  if (backend.resource) return { ok: false, error: 'resource backends are not supported' };
  const name = backend.service?.name ?? '';
  const port = backend.service?.port ?? {};
  if (!isIdentifier(name)) return { ok: false, error: `invalid service name ${JSON.stringify(name)}` };
  const portKey = port.number !== undefined ? port.number : port.name;
  if (portKey === undefined || (typeof portKey === 'number' ? !isPort(portKey) : !isIdentifier(portKey)))
    return { ok: false, error: `service ${name}: invalid port ${JSON.stringify(portKey ?? null)}` };

  const svc = lookup.getService(namespace, name);
  const svcPort = svc?.spec?.ports?.find((p) =>
    typeof portKey === 'number' ? p.port === portKey : p.name === portKey,
  );
  if (!svc || !svcPort || !isPort(svcPort.port) || svc.spec?.type === 'ExternalName')
    return { ok: true, target: { status: 503 } };

  const servers = new Set<string>();
  for (const slice of lookup.endpointSlices(namespace, name)) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const slicePort = slice.ports?.find((p) => (p.name ?? '') === (svcPort.name ?? ''));
    if (!slicePort || !isPort(slicePort.port)) continue;
    for (const ep of slice.endpoints ?? []) {
      // Unset `ready` means ready; terminating endpoints report ready=false.
      if (ep.conditions?.ready === false) continue;
      const ip = ep.addresses?.[0];
      // EndpointSlices are writable by users: anything but a literal address is skipped.
      if (ip && isAddress(ip)) servers.add(hostPort(ip, slicePort.port));
    }
  }
  if (servers.size === 0) return { ok: true, target: { status: 503 } };
  // Named by the Service port number, so a port referenced by name and by number shares one upstream.
  const upstream = { name: `${namespace}_${name}_${svcPort.port}`, servers: [...servers].sort() };
  return { ok: true, target: { upstream: upstream.name }, upstream };
}
