/**
 * A Service's core/v1 Endpoints subsets from the pods it selects: each pod with an address becomes
 * an address — under `addresses` when Ready (or the Service publishes not-ready addresses), under
 * `notReadyAddresses` otherwise; terminating pods are left out unless publishNotReadyAddresses.
 * Pods are grouped by the port set they resolve (a named targetPort may differ per pod), one
 * subset per group, in a stable order so equal inputs give equal objects.
 */
import type { DeepReadonly } from '../../api/object.ts';
import {
  endpointHostname,
  endpointPorts,
  isPodReady,
  podCounts,
  podIPv4,
  portSetKey,
  selectorMatches,
  serviceSelector,
} from '../endpointslice/pod-endpoint.ts';
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from '../endpointslice/types.ts';

type RO<T> = DeepReadonly<T>;

/** The most addresses one Endpoints object holds; beyond it the list is truncated and annotated. */
export const maxEndpointsPerObject = 1000;
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

function ipOrder(a: EndpointAddress, b: EndpointAddress): number {
  const pa = a.ip.split('.').map(Number);
  const pb = b.ip.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return (a.targetRef?.name ?? '') < (b.targetRef?.name ?? '') ? -1 : 1;
}

function address(svc: RO<Service>, pod: RO<Pod>, ip: string): EndpointAddress {
  const a: EndpointAddress = { ip };
  const hostname = endpointHostname(svc, pod);
  if (hostname) a.hostname = hostname;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = {
    kind: 'Pod',
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid ?? '',
  };
  return a;
}

/** The subsets `svc` should have, plus whether they were truncated at maxEndpointsPerObject. */
export function desiredSubsets(
  svc: RO<Service>,
  pods: readonly RO<Pod>[],
  max = maxEndpointsPerObject,
): { subsets: EndpointSubset[]; truncated: boolean } {
  const sel = serviceSelector(svc);
  if (!sel) return { subsets: [], truncated: false };
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const headlessWithoutPorts = svc.spec?.clusterIP === 'None' && !(svc.spec?.ports ?? []).length;
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (!selectorMatches(sel, pod.metadata.labels) || !podCounts(pod, publishNotReady)) continue;
    const ports = endpointPorts(svc, pod);
    if (ports.length === 0 && !headlessWithoutPorts) continue;
    ports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port));
    const key = portSetKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    const a = address(svc, pod, podIPv4(pod) ?? '');
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(a);
  }
  let room = max;
  let truncated = false;
  const subsets: EndpointSubset[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const take = (list: EndpointAddress[]): EndpointAddress[] => {
      list.sort(ipOrder);
      if (list.length > room) truncated = true;
      const kept = list.slice(0, Math.max(0, room));
      room -= kept.length;
      return kept;
    };
    const ready = take(g.ready);
    const notReady = take(g.notReady);
    if (!ready.length && !notReady.length) continue;
    const ss: EndpointSubset = {};
    if (ready.length) ss.addresses = ready;
    if (notReady.length) ss.notReadyAddresses = notReady;
    // core/v1 leaves the name of a lone unnamed port out.
    if (g.ports.length) ss.ports = g.ports.map(({ name, ...rest }) => (name ? { name, ...rest } : rest));
    subsets.push(ss);
  }
  return { subsets, truncated };
}

/** The fields the controller writes, in a fixed order, so stored and desired subsets compare as strings. */
export function canonicalSubsets(subsets: readonly RO<EndpointSubset>[] | undefined | null): string {
  const addr = (a: RO<EndpointAddress>): unknown[] => [
    a.ip,
    a.hostname ?? '',
    a.nodeName ?? '',
    a.targetRef
      ? [a.targetRef.kind, a.targetRef.namespace ?? '', a.targetRef.name, a.targetRef.uid ?? '']
      : null,
  ];
  return JSON.stringify(
    (subsets ?? []).map((ss) => [
      (ss.addresses ?? []).map(addr),
      (ss.notReadyAddresses ?? []).map(addr),
      (ss.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']),
    ]),
  );
}
