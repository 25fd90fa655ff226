/**
 * Container resources in runtime terms, and the pod's QoS class:
 * - cpu request → cpu.shares (millicores × 1024 / 1000, at least 2); a limit without a request
 *   counts as the request, as the API defaults it;
 * - cpu limit → CFS quota over a 100 ms period (at least 1 ms);
 * - memory limit → memory.limit_in_bytes.
 * QoS: Guaranteed when every container has cpu and memory limits equal to its requests,
 * BestEffort when none sets anything, Burstable otherwise. The class picks the pod's cgroup parent.
 */
import { parseQuantity, quantityMilliValue, quantityValue } from '../../api/quantity.ts';
import type { LinuxContainerResources } from '../cri/types.ts';
import type { RContainer, RPod, ResourceList } from './types.ts';

export const cpuPeriodUs = 100_000;
const minShares = 2;
const minQuotaUs = 1_000;

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

function milli(list: ResourceList | undefined, name: string): number | undefined {
  const v = list?.[name];
  return v === undefined ? undefined : quantityMilliValue(parseQuantity(v));
}

function whole(list: ResourceList | undefined, name: string): number | undefined {
  const v = list?.[name];
  return v === undefined ? undefined : quantityValue(parseQuantity(v));
}

/** The CRI linux resources for one container. */
export function linuxResources(c: RContainer): LinuxContainerResources {
  const req = c.resources?.requests as ResourceList | undefined;
  const lim = c.resources?.limits as ResourceList | undefined;
  const out: LinuxContainerResources = {};
  const cpuReq = milli(req, 'cpu') ?? milli(lim, 'cpu');
  out.cpu_shares = cpuReq === undefined ? minShares : Math.max(minShares, Math.floor((cpuReq * 1024) / 1000));
  const cpuLim = milli(lim, 'cpu');
  if (cpuLim !== undefined) {
    out.cpu_period = cpuPeriodUs;
    out.cpu_quota = Math.max(minQuotaUs, Math.floor((cpuLim * cpuPeriodUs) / 1000));
  }
  const mem = whole(lim, 'memory');
  if (mem !== undefined) out.memory_limit_in_bytes = mem;
  return out;
}

/** The pod's QoS class (status.qosClass). */
export function qosClass(pod: RPod): QosClass {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of all) {
    const req = (c.resources?.requests ?? {}) as ResourceList;
    const lim = (c.resources?.limits ?? {}) as ResourceList;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (q !== undefined || l !== undefined) anySet = true;
      if (l === undefined || q === undefined) guaranteed = false;
      else if (quantityMilliValue(parseQuantity(q)) !== quantityMilliValue(parseQuantity(l)))
        guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** cgroupfs parent of the pod: `<root>/pod<uid>`, `<root>/burstable/pod<uid>` or `<root>/besteffort/pod<uid>`. */
export function podCgroupParent(root: string, pod: RPod): string {
  const qos = qosClass(pod);
  const uid = pod.metadata.uid ?? '';
  const base = root.replace(/\/+$/, '');
  if (qos === 'Guaranteed') return `${base}/pod${uid}`;
  return `${base}/${qos.toLowerCase()}/pod${uid}`;
}

/** Value of resource `resource` of container `c` for resourceFieldRef (limits default to `nodeAllocatable`). */
export function resourceFieldValue(
  c: RContainer | undefined,
  resource: string,
  divisor: string | undefined,
  nodeAllocatable: ResourceList,
): string {
  const [kind, name] = resource.split('.', 2) as [string, string];
  const list = (kind === 'requests' ? c?.resources?.requests : c?.resources?.limits) as
    ResourceList | undefined;
  let v = list?.[name];
  if (v === undefined && kind === 'limits') v = nodeAllocatable[name];
  if (v === undefined) v = '0';
  const div = parseQuantity(divisor ?? (name === 'cpu' ? '1' : '1'));
  const num = quantityMilliValue(parseQuantity(v));
  const den = quantityMilliValue(div) || 1;
  return String(Math.ceil(num / den));
}
