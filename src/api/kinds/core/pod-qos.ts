/**
 * A pod's quality-of-service class, which the API server records in status.qosClass on create and
 * the kubelet uses for eviction order: Guaranteed when every container has equal CPU and memory
 * requests and limits, BestEffort when none sets any, Burstable otherwise.
 */
import { compareQuantities, parseQuantity, type Quantity } from '../../quantity.ts';
import { field, items, type Obj } from './util.ts';

function computeList(list: Obj): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const name of ['cpu', 'memory']) {
    const v = list[name];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    try {
      const q = parseQuantity(String(v));
      if (compareQuantities(q, parseQuantity('0')) > 0) out.set(name, q);
    } catch {
      // Invalid quantities are reported by validation; they do not count here.
    }
  }
  return out;
}

/** The QoS class of a pod spec. */
export function podQOSClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...items(spec.containers), ...items(spec.initContainers)];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res = field(c, 'resources');
    const requests = computeList(field(res, 'requests'));
    const limits = computeList(field(res, 'limits'));
    if (requests.size || limits.size) any = true;
    if (limits.size < 2) guaranteed = false;
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantities(req, lim) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
