/**
 * What a Service's detail page shows: its cluster IPs, its ports as rows, the load balancer's
 * addresses, and the endpoints behind it, read from the EndpointSlices the endpointslice
 * controller writes (label `kubernetes.io/service-name`). Pure, so the page only lays them out.
 */
import type { ResourceKind } from '../api/kinds.ts';
import type { KubeObject } from '../api/types.ts';
import type { Service } from '../api/workload-types.ts';

/** discovery.k8s.io/v1 EndpointSlices (not a page of its own, so not in api/kinds.ts). */
export const endpointSliceKind: ResourceKind = {
  kind: 'EndpointSlice',
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  namespaced: true,
};

/** The label naming the Service a slice belongs to. */
export const serviceNameLabel = 'kubernetes.io/service-name';

export interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: {
    addresses?: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    targetRef?: { kind?: string; name?: string; namespace?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

/** A Service with the fields only its detail page reads. */
export type ServiceDetail = Service & {
  spec?: { clusterIPs?: string[]; sessionAffinity?: string; externalTrafficPolicy?: string };
};

/** One address behind a Service. */
export interface EndpointRow {
  key: string;
  address: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The pod the address belongs to, when the slice names one. */
  pod?: { namespace: string; name: string };
  nodeName?: string;
  /** The slice's ports, `http 8080/TCP`. */
  ports: string;
  slice: string;
}

function portsText(s: EndpointSlice): string {
  return (s.ports ?? [])
    .map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '*'}/${p.protocol ?? 'TCP'}`)
    .join(', ');
}

/**
 * Every address of every slice, sorted by address. Missing conditions read as the API documents
 * them: ready unknown counts as ready, serving unknown as `ready`, terminating unknown as false.
 */
export function endpointRows(slices: EndpointSlice[]): EndpointRow[] {
  const rows: EndpointRow[] = [];
  for (const s of slices) {
    const ports = portsText(s);
    for (const e of s.endpoints ?? []) {
      const ready = e.conditions?.ready ?? true;
      const ref = e.targetRef;
      for (const address of e.addresses ?? [])
        rows.push({
          key: `${s.metadata.name}/${address}`,
          address,
          ready,
          serving: e.conditions?.serving ?? ready,
          terminating: e.conditions?.terminating ?? false,
          pod:
            ref?.kind === 'Pod' && ref.name
              ? { namespace: ref.namespace ?? s.metadata.namespace ?? '', name: ref.name }
              : undefined,
          nodeName: e.nodeName,
          ports,
          slice: s.metadata.name,
        });
    }
  }
  return rows.sort((a, b) => a.address.localeCompare(b.address, undefined, { numeric: true }));
}

/** The cluster IPs (dual-stack: all of them); `None` for a headless Service; [] before one is set. */
export function clusterIPs(svc: ServiceDetail): string[] {
  const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  return ips.filter((ip) => ip !== '');
}

/** The load balancer's ingress addresses (IP or host name). */
export function loadBalancerAddresses(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
}

/** One row per port, with the defaults the API fills in spelled out. */
export interface ServicePortRow {
  key: string;
  name: string;
  port: number;
  targetPort: string;
  nodePort: string;
  protocol: string;
}

export function servicePortRows(svc: Service): ServicePortRow[] {
  return (svc.spec?.ports ?? []).map((p, i) => ({
    key: `${i}`,
    name: p.name ?? '-',
    port: p.port,
    targetPort: String(p.targetPort ?? p.port),
    nodePort: p.nodePort ? String(p.nodePort) : '-',
    protocol: p.protocol ?? 'TCP',
  }));
}
