/**
 * LimitRanger: applies the namespace's LimitRanges to new pods and to claims, as Kubernetes'
 * admission plugin of the same name.
 *
 * - Defaults (pods, on create): each container and init container without a limit/request for a
 *   resource gets the `default` / `defaultRequest` of the `Container` items. As Kubernetes defaults
 *   a LimitRange, a missing `default` falls back to `max` and a missing `defaultRequest` to `default`,
 *   then `min` — so a container left without resources gets request = limit. The pod is annotated
 *   `kubernetes.io/limit-ranger` with what was set.
 * - Bounds: `min`, `max` and `maxLimitRequestRatio` per container (`Container`) and for the pod as a
 *   whole (`Pod`); `min`/`max` of the storage request of claims (`PersistentVolumeClaim`, on create
 *   and update). Violations answer 403 with Kubernetes' wording, e.g.
 *   `maximum cpu usage per Container is 1, but limit is 2`.
 *
 * Admission here runs after the strategy, so a defaulted pod is validated again (requests may now be
 * above a defaulted limit) and its status.qosClass is recomputed.
 */
import type { KubeObject } from '../../api/object.ts';
import { compareQuantities, formatQuantity, type Quantity } from '../../api/quantity.ts';
import { podQOSClass } from '../../api/kinds/core/pod-qos.ts';
import { validatePod } from '../../api/kinds/core/pod.ts';
import { containerRequestsAndLimits } from '../../api/quota/evaluators.ts';
import { parseUsage, type Usage } from '../../api/quota/resource-list.ts';
import type { Api } from '../api.ts';
import { invalidObject } from '../registry/decode.ts';
import { admissionForbidden, aggregate } from './forbidden.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './types.ts';

type Obj = Record<string, unknown>;

/** The annotation recording which defaults LimitRanger set. */
export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

/** One `spec.limits[]` item with its lists parsed. */
interface LimitItem {
  type: string;
  min: Usage;
  max: Usage;
  default: Usage;
  defaultRequest: Usage;
  maxLimitRequestRatio: Usage;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The items of a LimitRange, with Kubernetes' defaulting of Container items applied. */
export function limitItems(lr: KubeObject): LimitItem[] {
  const spec = isObj(lr.spec) ? lr.spec : {};
  const limits = Array.isArray(spec.limits) ? spec.limits.filter(isObj) : [];
  return limits.map((l) => {
    const item: LimitItem = {
      type: typeof l.type === 'string' ? l.type : '',
      min: parseUsage(l.min),
      max: parseUsage(l.max),
      default: parseUsage(l.default),
      defaultRequest: parseUsage(l.defaultRequest),
      maxLimitRequestRatio: parseUsage(l.maxLimitRequestRatio),
    };
    if (item.type === 'Container') {
      for (const [k, v] of item.max) if (!item.default.has(k)) item.default.set(k, v);
      for (const [k, v] of item.default) if (!item.defaultRequest.has(k)) item.defaultRequest.set(k, v);
      for (const [k, v] of item.min) if (!item.defaultRequest.has(k)) item.defaultRequest.set(k, v);
    }
    return item;
  });
}

const show = (q: Quantity): string => formatQuantity(q);

/** `min` for one resource: a request must exist and, like any limit, be at least the minimum. */
function minConstraint(
  type: string,
  name: string,
  min: Quantity,
  requests: Usage,
  limits: Usage,
): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!req) return `minimum ${name} usage per ${type} is ${show(min)}.  No request is specified`;
  if (compareQuantities(req, min) < 0)
    return `minimum ${name} usage per ${type} is ${show(min)}, but request is ${show(req)}`;
  if (lim && compareQuantities(lim, min) < 0)
    return `minimum ${name} usage per ${type} is ${show(min)}, but limit is ${show(lim)}`;
  return undefined;
}

/** `max` for one resource: a limit must exist and, like any request, be at most the maximum. */
function maxConstraint(
  type: string,
  name: string,
  max: Quantity,
  requests: Usage,
  limits: Usage,
): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  if (!lim) return `maximum ${name} usage per ${type} is ${show(max)}.  No limit is specified`;
  if (compareQuantities(lim, max) > 0)
    return `maximum ${name} usage per ${type} is ${show(max)}, but limit is ${show(lim)}`;
  if (req && compareQuantities(req, max) > 0)
    return `maximum ${name} usage per ${type} is ${show(max)}, but request is ${show(req)}`;
  return undefined;
}

/** `max` for a claim: only the request is the user's intent there. */
function maxRequestConstraint(
  type: string,
  name: string,
  max: Quantity,
  requests: Usage,
): string | undefined {
  const req = requests.get(name);
  if (!req) return `maximum ${name} usage per ${type} is ${show(max)}.  No request is specified`;
  if (compareQuantities(req, max) > 0)
    return `maximum ${name} usage per ${type} is ${show(max)}, but request is ${show(req)}`;
  return undefined;
}

/** `maxLimitRequestRatio` for one resource: limit ÷ request may not exceed the ratio. */
function ratioConstraint(
  type: string,
  name: string,
  ratio: Quantity,
  requests: Usage,
  limits: Usage,
): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const prefix = `${name} max limit to request ratio per ${type} is ${show(ratio)}`;
  if (!req || req.nanos === 0n) return `${prefix}, but no request is specified or request is 0`;
  if (!lim || lim.nanos === 0n) return `${prefix}, but no limit is specified or limit is 0`;
  // lim/req > ratio  ⇔  lim × 1e9 > ratio × req (all in nanos): exact, no float rounding.
  if (lim.nanos * 1_000_000_000n > ratio.nanos * req.nanos) {
    const observed = Number(lim.nanos) / Number(req.nanos);
    return `${prefix}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

const sorted = (u: Usage): [string, Quantity][] => [...u].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Checks requests/limits against one item's min, max and ratio. */
function checkBounds(item: LimitItem, type: string, requests: Usage, limits: Usage): string[] {
  const errs: (string | undefined)[] = [];
  for (const [k, v] of sorted(item.min)) errs.push(minConstraint(type, k, v, requests, limits));
  for (const [k, v] of sorted(item.max)) errs.push(maxConstraint(type, k, v, requests, limits));
  for (const [k, v] of sorted(item.maxLimitRequestRatio))
    errs.push(ratioConstraint(type, k, v, requests, limits));
  return errs.filter((e): e is string => e !== undefined);
}

const containerResources = (c: Obj, which: 'requests' | 'limits'): Usage =>
  parseUsage(isObj(c.resources) ? c.resources[which] : undefined);

function containersOf(pod: KubeObject): { list: Obj[]; label: string }[] {
  const spec = isObj(pod.spec) ? pod.spec : {};
  const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
  return [
    { list: list(spec.containers), label: 'container' },
    { list: list(spec.initContainers), label: 'init container' },
  ];
}

/**
 * Fills missing limits and requests of every container from the Container items' defaults; returns
 * the annotation text parts (`cpu, memory request for container web`), empty when nothing was set.
 */
export function applyDefaults(pod: KubeObject, items: readonly LimitItem[]): string[] {
  const defLimits = new Map<string, string>();
  const defRequests = new Map<string, string>();
  for (const item of items) {
    if (item.type !== 'Container') continue;
    for (const [k, v] of item.default) defLimits.set(k, show(v));
    for (const [k, v] of item.defaultRequest) defRequests.set(k, show(v));
  }
  const notes: string[] = [];
  if (!defLimits.size && !defRequests.size) return notes;
  for (const { list, label } of containersOf(pod)) {
    for (const c of list) {
      const res = isObj(c.resources) ? c.resources : (c.resources = {});
      const fill = (which: 'limits' | 'requests', defaults: Map<string, string>): string[] => {
        const cur = isObj(res[which]) ? res[which] : {};
        const set = [...defaults.keys()].filter((k) => cur[k] === undefined).sort();
        for (const k of set) cur[k] = defaults.get(k);
        if (set.length) res[which] = cur;
        return set;
      };
      const limits = fill('limits', defLimits);
      const requests = fill('requests', defRequests);
      if (requests.length) notes.push(`${requests.join(', ')} request for ${label} ${String(c.name)}`);
      if (limits.length) notes.push(`${limits.join(', ')} limit for ${label} ${String(c.name)}`);
    }
  }
  return notes;
}

/** Bound violations of a pod against the items (per container, and for the pod as a whole). */
export function podViolations(pod: KubeObject, items: readonly LimitItem[]): string[] {
  const errs: string[] = [];
  for (const item of items) {
    if (item.type === 'Container') {
      for (const { list } of containersOf(pod))
        for (const c of list)
          errs.push(
            ...checkBounds(
              item,
              'Container',
              containerResources(c, 'requests'),
              containerResources(c, 'limits'),
            ),
          );
    } else if (item.type === 'Pod') {
      const { requests, limits } = containerRequestsAndLimits(pod);
      errs.push(...checkBounds(item, 'Pod', requests, limits));
    }
  }
  return errs;
}

/** Bound violations of a claim's storage request. */
export function claimViolations(pvc: KubeObject, items: readonly LimitItem[]): string[] {
  const spec = isObj(pvc.spec) ? pvc.spec : {};
  const requests = parseUsage(isObj(spec.resources) ? spec.resources.requests : undefined);
  const errs: (string | undefined)[] = [];
  for (const item of items) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of sorted(item.min)) errs.push(minConstraint(item.type, k, v, requests, new Map()));
    for (const [k, v] of sorted(item.max)) errs.push(maxRequestConstraint(item.type, k, v, requests));
  }
  return errs.filter((e): e is string => e !== undefined);
}

/** The LimitRanger admission plugin. */
export function limitRanger(api: Api): AdmissionPlugin {
  async function itemsIn(namespace: string): Promise<LimitItem[]> {
    const rs = api.resource('', 'limitranges');
    await rs.cache.start();
    const ranges = rs.cache.list(rs.prefix(namespace)).map((c) => c.obj);
    ranges.sort((x, y) => ((x.metadata.name ?? '') < (y.metadata.name ?? '') ? -1 : 1));
    return ranges.flatMap(limitItems);
  }

  async function admitPod(a: AdmissionAttributes, pod: KubeObject): Promise<void> {
    const items = await itemsIn(a.namespace);
    if (!items.length) return;
    const notes = applyDefaults(pod, items);
    if (notes.length) {
      pod.metadata.annotations = {
        ...pod.metadata.annotations,
        [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}`,
      };
      // Defaults can break the spec (a request above a defaulted limit) and change the QoS class.
      const errs = validatePod(pod);
      if (errs.length) throw invalidObject(a.kind, pod, errs);
      if (isObj(pod.status)) pod.status.qosClass = podQOSClass(isObj(pod.spec) ? pod.spec : {});
    }
    const errs = podViolations(pod, items);
    if (errs.length) throw admissionForbidden(a, aggregate(errs));
  }

  async function admitClaim(a: AdmissionAttributes, pvc: KubeObject): Promise<void> {
    const items = await itemsIn(a.namespace);
    const errs = claimViolations(pvc, items);
    if (errs.length) throw admissionForbidden(a, aggregate(errs));
  }

  return {
    name: 'LimitRanger',
    async admit(a) {
      if (a.subresource !== '' || !a.obj || !a.namespace || a.kind.group !== '') return;
      if (a.obj.metadata.deletionTimestamp) return;
      if (a.kind.resource === 'pods' && a.operation === 'CREATE') return admitPod(a, a.obj);
      if (
        a.kind.resource === 'persistentvolumeclaims' &&
        (a.operation === 'CREATE' || a.operation === 'UPDATE')
      )
        return admitClaim(a, a.obj);
    },
  };
}
