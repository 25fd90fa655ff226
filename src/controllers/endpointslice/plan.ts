/**
 * Planning a Service's EndpointSlices with little churn: given the endpoints it should have (grouped
 * by the port set they share) and the slices this controller already manages for it, decide which
 * slices to create, update and delete. Existing slices keep the endpoints that still belong and
 * drop the rest in place; new endpoints go first into slices that are being written anyway, then
 * into new slices of at most `maxEndpointsPerSlice`, with a partial tail placed into an untouched
 * slice that has room rather than making one more slice. A Service with no endpoints at all keeps
 * one empty "placeholder" slice, as Kubernetes does, so clients can tell "no endpoints" from "not
 * processed yet". Pure: reconcile does the writes.
 */
import type { DeepReadonly, OwnerReference } from '../../api/object.ts';
import { portSetKey } from './pod-endpoint.ts';
import type { Endpoint, EndpointPort, EndpointSlice, Service } from './types.ts';

type RO<T> = DeepReadonly<T>;

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const managedByValue = 'endpointslice-controller.k8s.io';
export const headlessLabel = 'service.kubernetes.io/headless';

/** Kubernetes' default (--max-endpoints-per-slice). */
export const defaultMaxEndpointsPerSlice = 100;

/** Endpoints that share one resolved port set. */
export interface EndpointGroup {
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: RO<EndpointSlice>[];
}

/** Labels every slice of `svc` carries: the Service's own, plus the service-name and managed-by labels. */
export function sliceLabels(svc: RO<Service>): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata.labels };
  if (svc.spec?.clusterIP === 'None') labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  labels[serviceNameLabel] = svc.metadata.name ?? '';
  labels[managedByLabel] = managedByValue;
  return labels;
}

/** The controller reference slices carry to their Service (so they go when it goes). */
export function serviceRef(svc: RO<Service>): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: svc.metadata.name ?? '',
    uid: svc.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** An endpoint's identity across syncs: the pod it stands for and its addresses. */
export function endpointKey(ep: RO<Endpoint>): string {
  return `${ep.targetRef?.uid ?? ''}/${ep.targetRef?.name ?? ''}/${ep.addresses.join(',')}`;
}

/** The fields this controller writes, in a fixed order, so stored and desired compare as strings. */
function canonical(ep: RO<Endpoint>): string {
  const t = ep.targetRef;
  return JSON.stringify([
    ep.addresses,
    ep.conditions.ready ?? null,
    ep.conditions.serving ?? null,
    ep.conditions.terminating ?? null,
    ep.hostname ?? null,
    t ? [t.kind, t.namespace ?? '', t.name, t.uid ?? ''] : null,
    ep.nodeName ?? null,
    ep.zone ?? null,
  ]);
}

function sameLabels(a: RO<Record<string, string>> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a?.[k] === b[k]);
}

function metadataCurrent(slice: RO<EndpointSlice>, svc: RO<Service>): boolean {
  const refs = slice.metadata.ownerReferences ?? [];
  const ref = serviceRef(svc);
  const owned = refs.length === 1 && refs[0]!.uid === ref.uid && refs[0]!.controller === true;
  return owned && sameLabels(slice.metadata.labels, sliceLabels(svc));
}

/** A writable copy of `slice` with current labels and owner. */
function refreshed(slice: RO<EndpointSlice>, svc: RO<Service>): EndpointSlice {
  const next = structuredClone(slice) as EndpointSlice;
  next.metadata.labels = sliceLabels(svc);
  next.metadata.ownerReferences = [serviceRef(svc)];
  return next;
}

function newSlice(svc: RO<Service>, ports: EndpointPort[], endpoints: Endpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${(svc.metadata.name ?? '').slice(0, 57)}-`,
      namespace: svc.metadata.namespace ?? '',
      labels: sliceLabels(svc),
      ownerReferences: [serviceRef(svc)],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

interface Working {
  original: RO<EndpointSlice>;
  endpoints: Endpoint[];
  changed: boolean;
}

/** Plans the writes that bring `existing` (this controller's slices of `svc`) to `groups`. */
export function planSlices(
  svc: RO<Service>,
  groups: EndpointGroup[],
  existing: readonly RO<EndpointSlice>[],
  maxEndpointsPerSlice = defaultMaxEndpointsPerSlice,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byName = [...existing].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const total = groups.reduce((n, g) => n + g.endpoints.length, 0);
  if (total === 0) return planPlaceholder(svc, byName);

  const wanted = new Map(groups.map((g) => [portSetKey(g.ports), g]));
  const existingByGroup = new Map<string, RO<EndpointSlice>[]>();
  for (const s of byName) {
    const key = portSetKey(s.ports ?? []);
    if (s.addressType !== 'IPv4' || !wanted.has(key)) {
      plan.delete.push(s);
      continue;
    }
    existingByGroup.set(key, [...(existingByGroup.get(key) ?? []), s]);
  }

  for (const [key, group] of wanted) {
    const desired = new Map(group.endpoints.map((ep) => [endpointKey(ep), ep]));
    const placed = new Set<string>();
    const work: Working[] = [];
    for (const s of existingByGroup.get(key) ?? []) {
      const kept: Endpoint[] = [];
      let changed = !metadataCurrent(s, svc);
      for (const ep of s.endpoints ?? []) {
        const k = endpointKey(ep);
        const want = desired.get(k);
        if (!want || placed.has(k)) {
          changed = true;
          continue;
        }
        placed.add(k);
        if (canonical(want) !== canonical(ep)) changed = true;
        kept.push(want);
      }
      work.push({ original: s, endpoints: kept, changed });
    }
    const rest = [...desired.entries()]
      .filter(([k]) => !placed.has(k))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, ep]) => ep);
    // Into slices that are being written anyway.
    for (const w of work) {
      if (!w.changed) continue;
      while (rest.length && w.endpoints.length < maxEndpointsPerSlice) w.endpoints.push(rest.shift()!);
    }
    // Full new slices; a partial tail goes into an untouched slice with room when there is one.
    while (rest.length >= maxEndpointsPerSlice)
      plan.create.push(newSlice(svc, group.ports, rest.splice(0, maxEndpointsPerSlice)));
    if (rest.length) {
      const roomy = work
        .filter((w) => !w.changed && w.endpoints.length > 0)
        .filter((w) => maxEndpointsPerSlice - w.endpoints.length >= rest.length)
        .sort((a, b) => b.endpoints.length - a.endpoints.length)[0];
      if (roomy) {
        roomy.endpoints.push(...rest.splice(0));
        roomy.changed = true;
      } else plan.create.push(newSlice(svc, group.ports, rest.splice(0)));
    }
    for (const w of work) {
      if (w.endpoints.length === 0) plan.delete.push(w.original);
      else if (w.changed) {
        const next = refreshed(w.original, svc);
        next.endpoints = w.endpoints;
        next.ports = group.ports;
        plan.update.push(next);
      }
    }
  }
  return plan;
}

/** No endpoints: one empty slice stays (the first existing one, emptied) and the rest go. */
function planPlaceholder(svc: RO<Service>, existing: readonly RO<EndpointSlice>[]): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const isPlaceholder = (s: RO<EndpointSlice>): boolean =>
    s.addressType === 'IPv4' && !(s.endpoints ?? []).length && !(s.ports ?? []).length;
  const keep = existing.find(isPlaceholder) ?? existing.find((s) => s.addressType === 'IPv4');
  for (const s of existing) if (s !== keep) plan.delete.push(s);
  if (!keep) {
    plan.create.push(newSlice(svc, [], []));
  } else if (!isPlaceholder(keep) || !metadataCurrent(keep, svc)) {
    const next = refreshed(keep, svc);
    next.endpoints = [];
    next.ports = [];
    plan.update.push(next);
  }
  return plan;
}
