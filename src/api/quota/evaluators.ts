/**
 * Quota evaluators: for one kind of object, which quota resource names it is charged under and how
 * much one object uses. Pods (compute resources and counts), Services (counts, node ports, load
 * balancers) and PersistentVolumeClaims (counts and storage, also per storage class) have their
 * own; every other resource is charged only by object count (`count/<resource>.<group>`, plus the
 * legacy names `configmaps`, `secrets`, `replicationcontrollers`, `resourcequotas`). The quota
 * controller sums these over the objects it sees; admission charges the change one write makes.
 */
import type { DeepReadonly, KubeObject } from '../object.ts';
import { field, items, str, type Obj } from '../kinds/core/util.ts';
import { addUsage, count, maskUsage, maxUsage, parseUsage, type Usage } from './resource-list.ts';
import { podMatchesScopes, type ScopeRequirement } from './scopes.ts';

type RO = DeepReadonly<KubeObject>;

/** How one group/resource is accounted. */
export interface QuotaEvaluator {
  group: string;
  resource: string;
  /** Operations whose change in usage admission charges (the others only count at the controller). */
  operations: readonly ('CREATE' | 'UPDATE')[];
  /** The names among `names` this evaluator accounts for. */
  matchingResources(names: readonly string[]): string[];
  /** Whether a quota with these scope requirements tracks `obj` at all. */
  matchesScopes(obj: RO, scopes: readonly ScopeRequirement[]): boolean;
  /** What one object uses. */
  usage(obj: RO): Usage;
  /**
   * Why `obj` cannot be charged against a quota that tracks `required` (Kubernetes' "must specify"),
   * or undefined when it can.
   */
  constraints?(required: readonly string[], obj: RO): string | undefined;
}

/** `count/<resource>.<group>` (`count/<resource>` in the core group). */
export function objectCountName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

const legacyCountNames: Record<string, string> = {
  configmaps: 'configmaps',
  secrets: 'secrets',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

/** A resource name for an extended resource (domain-qualified, not kubernetes.io). */
function isExtendedResourceName(name: string): boolean {
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
}

const podResourceNames = new Set([
  'pods',
  'count/pods',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
]);

/** Quota names a pod can be charged under. */
function isPodResourceName(name: string): boolean {
  if (podResourceNames.has(name)) return true;
  if (name.startsWith('hugepages-') || name.startsWith('requests.hugepages-')) return true;
  return name.startsWith('requests.') && isExtendedResourceName(name.slice('requests.'.length));
}

/** The quota names a container's (or pod's) requests and limits fill. */
function computeUsage(requests: Usage, limits: Usage): Usage {
  const out: Usage = new Map();
  for (const [name, q] of requests) {
    if (name === 'cpu' || name === 'memory') {
      out.set(name, q);
      out.set(`requests.${name}`, q);
    } else if (name === 'ephemeral-storage') out.set('requests.ephemeral-storage', q);
    else if (name.startsWith('hugepages-')) {
      out.set(name, q);
      out.set(`requests.${name}`, q);
    } else if (isExtendedResourceName(name)) out.set(`requests.${name}`, q);
  }
  for (const [name, q] of limits) {
    if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') out.set(`limits.${name}`, q);
  }
  return out;
}

const resourcesOf = (c: Obj, which: 'requests' | 'limits'): Usage =>
  parseUsage(field(field(c, 'resources'), which));

/**
 * Whether a pod still holds compute resources: not in a terminal phase (Succeeded, Failed) and not
 * being deleted. Such pods still count under `count/pods`.
 */
export function podHoldsResources(pod: RO): boolean {
  const phase = str(field(pod, 'status').phase);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return !pod.metadata.deletionTimestamp;
}

/**
 * The requests and limits of a pod's containers together: summed over the containers, raised to
 * the largest init container where that is bigger (init containers run one at a time, first).
 */
export function containerRequestsAndLimits(pod: RO): { requests: Usage; limits: Usage } {
  const spec = field(pod, 'spec');
  let requests: Usage = new Map();
  let limits: Usage = new Map();
  for (const c of items(spec.containers)) {
    requests = addUsage(requests, resourcesOf(c, 'requests'));
    limits = addUsage(limits, resourcesOf(c, 'limits'));
  }
  for (const c of items(spec.initContainers)) {
    requests = maxUsage(requests, resourcesOf(c, 'requests'));
    limits = maxUsage(limits, resourcesOf(c, 'limits'));
  }
  return { requests, limits };
}

/**
 * A pod's effective requests and limits: the sum over its containers, raised to the largest init
 * container where that is bigger (init containers run one at a time, before the others), plus the
 * pod overhead.
 */
export function podRequestsAndLimits(pod: RO): { requests: Usage; limits: Usage } {
  const { requests, limits } = containerRequestsAndLimits(pod);
  // Overhead adds to every request, but only to limits that are set (no limit stays no limit).
  const overhead = parseUsage(field(pod, 'spec').overhead);
  if (!overhead.size) return { requests, limits };
  return {
    requests: addUsage(requests, overhead),
    limits: addUsage(limits, maskUsage(overhead, limits.keys())),
  };
}

const computeNames = new Set([
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
]);

export const podEvaluator: QuotaEvaluator = {
  group: '',
  resource: 'pods',
  operations: ['CREATE'],
  matchingResources: (names) => names.filter(isPodResourceName),
  matchesScopes: (pod, scopes) => podMatchesScopes(pod, scopes),
  usage(pod) {
    const out: Usage = new Map([['count/pods', count(1)]]);
    if (!podHoldsResources(pod)) return out;
    const { requests, limits } = podRequestsAndLimits(pod);
    out.set('pods', count(1));
    for (const [k, v] of computeUsage(requests, limits)) out.set(k, v);
    return out;
  },
  constraints(required, pod) {
    // Each container must say how much cpu/memory it wants when a quota limits that (Kubernetes
    // keeps this rule for compatibility; other resources are not required).
    const want = required.filter((r) => computeNames.has(r));
    if (!want.length) return undefined;
    const spec = field(pod, 'spec');
    const missing = new Map<string, Set<string>>();
    for (const c of [...items(spec.containers), ...items(spec.initContainers)]) {
      const have = computeUsage(resourcesOf(c, 'requests'), resourcesOf(c, 'limits'));
      for (const r of want) {
        if (have.has(r)) continue;
        if (!missing.has(r)) missing.set(r, new Set());
        missing.get(r)!.add(str(c.name));
      }
    }
    if (!missing.size) return undefined;
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
};

/** Services with their node ports and load balancers. */
export const serviceEvaluator: QuotaEvaluator = {
  group: '',
  resource: 'services',
  operations: ['CREATE', 'UPDATE'],
  matchingResources: (names) =>
    names.filter((n) =>
      ['services', 'count/services', 'services.nodeports', 'services.loadbalancers'].includes(n),
    ),
  matchesScopes: (_obj, scopes) => scopes.length === 0,
  usage(svc) {
    const spec = field(svc, 'spec');
    const ports = items(spec.ports);
    const out: Usage = new Map([
      ['services', count(1)],
      ['count/services', count(1)],
    ]);
    const type = str(spec.type) || 'ClusterIP';
    if (type === 'NodePort') out.set('services.nodeports', count(ports.length));
    if (type === 'LoadBalancer') {
      // Without node port allocation only the ports that name a node port use one.
      const nodePorts =
        spec.allocateLoadBalancerNodePorts === false
          ? ports.filter((p) => typeof p.nodePort === 'number' && p.nodePort > 0).length
          : ports.length;
      out.set('services.nodeports', count(nodePorts));
      out.set('services.loadbalancers', count(1));
    }
    return out;
  },
};

const storageClassSuffix = '.storageclass.storage.k8s.io/';

/** The storage class a claim asks for: the beta annotation, else spec.storageClassName. */
export function claimStorageClass(pvc: RO): string {
  const ann = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (ann) return ann;
  return str(field(pvc, 'spec').storageClassName);
}

/** PersistentVolumeClaims: counts and requested storage, overall and per storage class. */
export const pvcEvaluator: QuotaEvaluator = {
  group: '',
  resource: 'persistentvolumeclaims',
  operations: ['CREATE', 'UPDATE'],
  matchingResources: (names) =>
    names.filter(
      (n) =>
        n === 'persistentvolumeclaims' ||
        n === 'count/persistentvolumeclaims' ||
        n === 'requests.storage' ||
        n.endsWith(`${storageClassSuffix}persistentvolumeclaims`) ||
        n.endsWith(`${storageClassSuffix}requests.storage`),
    ),
  matchesScopes: (_obj, scopes) => scopes.length === 0,
  usage(pvc) {
    const out: Usage = new Map([
      ['persistentvolumeclaims', count(1)],
      ['count/persistentvolumeclaims', count(1)],
    ]);
    const cls = claimStorageClass(pvc);
    if (cls) out.set(`${cls}${storageClassSuffix}persistentvolumeclaims`, count(1));
    const storage = parseUsage(field(field(field(pvc, 'spec'), 'resources'), 'requests')).get('storage');
    if (storage) {
      out.set('requests.storage', storage);
      if (cls) out.set(`${cls}${storageClassSuffix}requests.storage`, storage);
    }
    return out;
  },
};

/** Any other resource: one per object, under count/<resource>.<group> (and its legacy name). */
export function objectCountEvaluator(group: string, resource: string): QuotaEvaluator {
  const names = [objectCountName(group, resource)];
  const legacy = group === '' ? legacyCountNames[resource] : undefined;
  if (legacy) names.push(legacy);
  return {
    group,
    resource,
    operations: ['CREATE'],
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    matchesScopes: (_obj, scopes) => scopes.length === 0,
    usage: () => new Map(names.map((n) => [n, count(1)])),
  };
}

/** The evaluator for a group/resource. */
export function evaluatorFor(group: string, resource: string): QuotaEvaluator {
  if (group === '') {
    if (resource === 'pods') return podEvaluator;
    if (resource === 'services') return serviceEvaluator;
    if (resource === 'persistentvolumeclaims') return pvcEvaluator;
  }
  return objectCountEvaluator(group, resource);
}

/**
 * The group/resource a quota resource name is computed from: pods for compute names, services,
 * claims, the named resource of `count/<resource>.<group>`, the core resource of a legacy count name;
 * undefined for names nothing is charged under.
 */
export function sourceOf(name: string): { group: string; resource: string } | undefined {
  for (const e of [podEvaluator, serviceEvaluator, pvcEvaluator])
    if (e.matchingResources([name]).length) return { group: e.group, resource: e.resource };
  if (name in legacyCountNames) return { group: '', resource: legacyCountNames[name]! };
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0
      ? { group: '', resource: rest }
      : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  }
  return undefined;
}
