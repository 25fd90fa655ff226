/**
 * Resource arithmetic for scheduling. Amounts are plain numbers: CPU in millicores, everything else
 * (memory, ephemeral-storage, extended resources like nvidia.com/gpu) in whole units, rounded up as
 * Kubernetes' MilliValue/Value do. A pod's effective request per resource is
 * max(sum over containers, largest init container) plus the pod overhead — init containers run one
 * at a time before the app containers, so only the largest counts.
 */
import { parseQuantity, quantityMilliValue, quantityValue } from '../api/quantity.ts';
import type { DeepReadonly } from '../api/object.ts';
import type { Container, ResourceList, RPod } from './types.ts';

/** Resource name → amount (cpu in millicores). */
export type Amounts = Map<string, number>;

/** Requests assumed for scoring when a container asks for nothing (as kube-scheduler does). */
export const defaultMilliCpuRequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

/**
 * Parsed quantity strings ("100m", "128Mi"), milli-values and values apart: a cluster's pods repeat
 * a handful of them, and parsing is the costliest part of reading a pod's requests. Bounded: the
 * map starts over when full.
 */
const milliCache = new Map<string, number>();
const valueCache = new Map<string, number>();
const maxCached = 4096;

/** The amount of one quantity string in scheduling units; unparsable values count as 0. */
export function amountOf(name: string, value: string): number {
  const cache = name === 'cpu' ? milliCache : valueCache;
  let n = cache.get(value);
  if (n !== undefined) return n;
  try {
    const q = parseQuantity(value);
    n = name === 'cpu' ? quantityMilliValue(q) : quantityValue(q);
  } catch {
    n = 0;
  }
  if (cache.size >= maxCached) cache.clear();
  cache.set(value, n);
  return n;
}

/** A ResourceList as Amounts. */
export function amounts(list: DeepReadonly<ResourceList> | undefined): Amounts {
  const out: Amounts = new Map();
  for (const [k, v] of Object.entries(list ?? {})) out.set(k, amountOf(k, v));
  return out;
}

/** a += b (in place). */
export function addInto(a: Amounts, b: Amounts): Amounts {
  for (const [k, v] of b) a.set(k, (a.get(k) ?? 0) + v);
  return a;
}

function maxInto(a: Amounts, b: Amounts): void {
  for (const [k, v] of b) a.set(k, Math.max(a.get(k) ?? 0, v));
}

function containerRequests(c: DeepReadonly<Container>): Amounts {
  return amounts(c.resources?.requests);
}

/**
 * Parsed requests of frozen (informer) pods, by their containers array: the assumed copy of a pod
 * shares it, so deciding and assuming parse once. Entries also name the init containers and overhead
 * they were computed with. The Amounts are shared: callers must not change them.
 */
const parsed = new WeakMap<object, { init: unknown; overhead: unknown; amounts: Amounts }>();

/**
 * The pod's effective requests: max(Σ containers (+ sidecars), max init container) + overhead.
 * The result may be shared with other callers: do not change it.
 */
export function podRequests(pod: RPod): Amounts {
  const containers = pod.spec?.containers;
  if (!containers || !Object.isFrozen(containers)) return computeRequests(pod);
  const init = pod.spec?.initContainers;
  const overhead = pod.spec?.overhead;
  const hit = parsed.get(containers);
  if (hit && hit.init === init && hit.overhead === overhead) return hit.amounts;
  const amounts = computeRequests(pod);
  parsed.set(containers, { init, overhead, amounts });
  return amounts;
}

function computeRequests(pod: RPod): Amounts {
  const sum: Amounts = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(sum, containerRequests(c));
  const init: Amounts = new Map();
  const sidecars: Amounts = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    // A restartable init container (sidecar) keeps running beside the app containers.
    const r = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      addInto(sidecars, r);
      addInto(sum, r);
    } else {
      maxInto(init, addInto(new Map(sidecars), r));
    }
  }
  maxInto(sum, init);
  return addInto(sum, amounts(pod.spec?.overhead));
}

/**
 * Requests used by the scoring plugins: like podRequests, but a container asking for no cpu or no
 * memory counts as a small default, so empty pods still spread out. `requests` (the pod's
 * podRequests, left unchanged) saves parsing them again.
 */
export function podScoringRequests(pod: RPod, requests?: Amounts): Amounts {
  const r = requests ? new Map(requests) : podRequests(pod);
  if (!r.get('cpu')) r.set('cpu', defaultMilliCpuRequest);
  if (!r.get('memory')) r.set('memory', defaultMemoryRequest);
  return r;
}
