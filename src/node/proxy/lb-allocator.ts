/**
 * LoadBalancer addresses from a pool: Berth's stand-in for a cloud load balancer. A pure plan over
 * all Services says which address each LoadBalancer Service should carry in
 * status.loadBalancer.ingress, and which Services should lose one (deleted Services simply stop
 * holding theirs; a type change away from LoadBalancer clears it).
 *
 * The plan is deterministic (oldest Service first, then by namespace/name; existing valid
 * assignments kept; spec.loadBalancerIP honoured when free), so proxies on several nodes that run
 * it over the same cache propose the same writes, and the status update's resourceVersion check
 * makes the loser of a race re-plan from the winner's result.
 */
import { cidrContains, usableAddresses, type Ipv4Cidr } from './ipv4.ts';
import type { Service } from './types.ts';

/** One status change to make: `ip` to assign, or undefined to clear the ingress list. */
export interface LbChange {
  namespace: string;
  name: string;
  ip: string | undefined;
}

const keyOf = (s: Service): string => `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;

/** True for Services this allocator serves: type LoadBalancer without a loadBalancerClass of another implementation. */
export function isPoolLoadBalancer(s: Service): boolean {
  return s.spec?.type === 'LoadBalancer' && (s.spec.loadBalancerClass ?? '') === '';
}

function currentIPs(s: Service): string[] {
  return (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}

/** The status changes that bring every Service in line with the pool. */
export function planLoadBalancers(services: readonly Service[], pool: Ipv4Cidr): LbChange[] {
  const lbs = services.filter(isPoolLoadBalancer).sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    return ta < tb ? -1 : ta > tb ? 1 : keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
  });
  const used = new Set<string>();
  const want = new Map<string, string | undefined>();
  // Pass 1: keep what is already assigned, valid and unique.
  for (const s of lbs) {
    const cur = currentIPs(s);
    const requested = s.spec?.loadBalancerIP;
    const ip = cur.length === 1 ? cur[0]! : undefined;
    if (ip && cidrContains(pool, ip) && !used.has(ip) && (!requested || requested === ip)) {
      used.add(ip);
      want.set(keyOf(s), ip);
    }
  }
  // Pass 2: hand out addresses to the rest, the requested one when it is free.
  const free = usableAddresses(pool);
  const nextFree = (): string | undefined => {
    for (;;) {
      const r = free.next();
      if (r.done) return undefined;
      if (!used.has(r.value)) return r.value;
    }
  };
  for (const s of lbs) {
    if (want.has(keyOf(s))) continue;
    const requested = s.spec?.loadBalancerIP;
    let ip: string | undefined;
    if (requested && cidrContains(pool, requested) && !used.has(requested)) ip = requested;
    else if (!requested) ip = nextFree();
    if (ip) used.add(ip);
    want.set(keyOf(s), ip);
  }
  const changes: LbChange[] = [];
  for (const s of services) {
    const cur = currentIPs(s);
    const ns = s.metadata.namespace ?? '';
    const name = s.metadata.name ?? '';
    if (want.has(keyOf(s))) {
      const ip = want.get(keyOf(s));
      const same = ip === undefined ? cur.length === 0 : cur.length === 1 && cur[0] === ip;
      // Nothing to give (pool full, or a requested address outside it): leave foreign addresses alone.
      const foreign = cur.some((c) => !cidrContains(pool, c));
      if (!same && !(ip === undefined && foreign)) changes.push({ namespace: ns, name, ip });
    } else if (cur.length > 0 && cur.every((c) => cidrContains(pool, c)) && !isPoolLoadBalancerOfOther(s)) {
      // No longer a LoadBalancer of ours (type changed): give the address back.
      changes.push({ namespace: ns, name, ip: undefined });
    }
  }
  return changes;
}

function isPoolLoadBalancerOfOther(s: Service): boolean {
  return s.spec?.type === 'LoadBalancer' && (s.spec.loadBalancerClass ?? '') !== '';
}
