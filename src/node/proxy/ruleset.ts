/**
 * The service proxy's rules as data: a pure function from ProxyState to a Ruleset (chains with
 * their rule lines, sets and maps with their elements) in one nftables table of family `ip`.
 * nft-text.ts turns a Ruleset, or the difference between two, into one `nft -f` transaction.
 *
 * Packet path. Every new connection passes `services` (from the nat prerouting and output hooks):
 * a verdict map keyed by daddr . l4proto . dport sends ClusterIPs on, and LoadBalancer and external
 * IPs to the port's `fw-`/`ext-` chain; a second map keyed by l4proto . dport (only for daddr in
 * this node's addresses) sends NodePorts to `ext-`. Anything else addressed to the service range or
 * the load-balancer pool is rejected (TCP reset, ICMP port unreachable), so a missing rule is a
 * refusal rather than a stray route.
 *
 * Plain ClusterIP ports (no affinity, no Local traffic policy: nearly all of them) own no chain:
 * their `service-ips` element says `goto pick-N` (N = how many endpoints they have), a shared chain
 * that DNATs through one map keyed by daddr . l4proto . dport . `numgen random mod N`, whose
 * elements are the port's endpoints numbered 0..N-1. An endpoint change is then a few element
 * adds and deletes, and the table holds a few dozen chains however many Services there are, which
 * keeps nft's own work per transaction small. The other ports get a `svc-` chain that picks by a
 * cascade of `numgen random mod n == 0` rules (1/n, then 1/(n-1) of the rest, ...: uniform), with
 * DNAT inline (anonymous verdict maps were measured to cost the kernel quadratic time at a few
 * thousand services, so none are used). Masquerade is a mark (0x4000) set on the way in and acted
 * on in postrouting, plus a set of (ip . ip) pairs for hairpin traffic (a pod reaching itself
 * through its own service).
 */
import { createHash } from 'node:crypto';
import { parseIpv4Cidr } from './ipv4.ts';
import { usableEndpoints } from './model.ts';
import type { ProxyEndpoint, ProxyState, ServicePortInfo } from './types.ts';

/** One chain: `spec` is the base-chain header (type, hook, priority) or absent for a regular chain. */
export interface ChainDef {
  spec?: string;
  rules: string[];
}

/**
 * One set or map. `dynamic` sets are filled by the packet path (affinity): the proxy creates and
 * deletes them but never manages their elements.
 */
export interface SetDef {
  kind: 'set' | 'map';
  spec: string;
  dynamic: boolean;
}

/** A rendered table. `elements` maps a set name to its elements by key (the text before " : "). */
export interface Ruleset {
  table: string;
  chains: Map<string, ChainDef>;
  sets: Map<string, SetDef>;
  elements: Map<string, Map<string, string>>;
}

/** Packet mark bit that asks postrouting to masquerade. */
export const masqueradeMark = '0x4000';

/** Names of the fixed chains and sets. */
export const names = {
  services: 'services',
  markForMasquerade: 'mark-for-masquerade',
  masquerading: 'masquerading',
  reject: 'reject-chain',
  serviceIPs: 'service-ips',
  nodePorts: 'service-nodeports',
  nodePortIPs: 'nodeport-ips',
  hairpin: 'hairpin-pairs',
  backends: 'service-backends',
} as const;

/**
 * Most endpoints a plain port may have and still use the shared `pick-N` chains (one per N is
 * always there); a port with more gets a chain of its own. ProxySettings.sharedPickMax overrides it.
 */
export const defaultSharedPickMax = 64;

/** The shared chain that picks among `n` endpoints of a plain port. */
export const pickChain = (n: number): string => `pick-${n}`;

/** True when `sp`, with `usable` endpoints, is dispatched by the shared maps instead of a chain. */
export function isSharedPort(sp: ServicePortInfo, usable: number, max = defaultSharedPickMax): boolean {
  return max > 0 && sp.affinitySeconds === 0 && !sp.internalLocal && !sp.externalLocal && usable <= max;
}

const hashCache = new Map<string, string>();

/** A short, stable, name-safe digest of a service port id: keeps chain names unique and bounded. */
export function portHash(id: string): string {
  let h = hashCache.get(id);
  if (h === undefined) {
    h = createHash('sha256').update(id).digest('base64url').slice(0, 8).replace(/[-_]/g, 'x').toUpperCase();
    if (hashCache.size > 100_000) hashCache.clear();
    hashCache.set(id, h);
  }
  return h;
}

/** The chain names of one service port: ClusterIP entry, external entry, source-range firewall. */
export function chainNames(sp: Pick<ServicePortInfo, 'id'>): { svc: string; ext: string; fw: string } {
  const h = portHash(sp.id);
  return { svc: `svc-${h}-${sp.id}`, ext: `ext-${h}-${sp.id}`, fw: `fw-${h}-${sp.id}` };
}

/** Name of the affinity set remembering clients of endpoint `e` of `sp` (timeout in the name). */
export function affinitySetName(sp: ServicePortInfo, e: ProxyEndpoint): string {
  return `aff-${portHash(sp.id)}-${e.ip.replace(/\./g, '-')}-${e.port}-t${sp.affinitySeconds}`;
}

function fixedChains(rs: Ruleset, st: ProxyState): void {
  const s = st.settings;
  const add = (name: string, rules: string[], spec?: string): void => {
    rs.chains.set(name, spec ? { spec, rules } : { rules });
  };
  add(
    'nat-prerouting',
    [`jump ${names.services}`],
    '{ type nat hook prerouting priority -100; policy accept; }',
  );
  add('nat-output', [`jump ${names.services}`], '{ type nat hook output priority -100; policy accept; }');
  add(
    'nat-postrouting',
    [`jump ${names.masquerading}`],
    '{ type nat hook postrouting priority 100; policy accept; }',
  );
  const services = [
    `ip daddr . meta l4proto . th dport vmap @${names.serviceIPs}`,
    `ip daddr @${names.nodePortIPs} meta l4proto . th dport vmap @${names.nodePorts}`,
  ];
  if (s.serviceCIDR) services.push(`ip daddr ${parseIpv4Cidr(s.serviceCIDR).text} goto ${names.reject}`);
  if (s.lbPool) services.push(`ip daddr ${parseIpv4Cidr(s.lbPool).text} goto ${names.reject}`);
  add(names.services, services);
  add(names.markForMasquerade, [`meta mark set meta mark | ${masqueradeMark}`]);
  add(names.masquerading, [
    `ct status dnat ip saddr . ip daddr @${names.hairpin} masquerade`,
    `meta mark & ${masqueradeMark} == 0 return`,
    `meta mark set meta mark ^ ${masqueradeMark}`,
    'ct status dnat masquerade fully-random',
  ]);
  add(names.reject, ['meta l4proto tcp reject with tcp reset', 'reject']);
  rs.sets.set(names.serviceIPs, {
    kind: 'map',
    spec: '{ type ipv4_addr . inet_proto . inet_service : verdict; }',
    dynamic: false,
  });
  rs.sets.set(names.nodePorts, {
    kind: 'map',
    spec: '{ type inet_proto . inet_service : verdict; }',
    dynamic: false,
  });
  rs.sets.set(names.nodePortIPs, { kind: 'set', spec: '{ type ipv4_addr; }', dynamic: false });
  // The numgen in `typeof` only gives the key part its type (a 32-bit integer): any modulus fits.
  rs.sets.set(names.backends, {
    kind: 'map',
    spec: '{ typeof ip daddr . meta l4proto . th dport . numgen random mod 1 : ip daddr . th dport; }',
    dynamic: false,
  });
  const cidr = s.clusterCIDR ? parseIpv4Cidr(s.clusterCIDR).text : undefined;
  for (let n = 1; n <= (s.sharedPickMax ?? defaultSharedPickMax); n++) {
    const rules = cidr ? [`ip saddr != ${cidr} jump ${names.markForMasquerade}`] : [];
    rules.push(
      `dnat ip to ip daddr . meta l4proto . th dport . numgen random mod ${n} map @${names.backends}`,
      // Never reached while the map is in step with the dispatch map (one transaction updates both).
      `goto ${names.reject}`,
    );
    add(pickChain(n), rules);
  }
  rs.sets.set(names.hairpin, { kind: 'set', spec: '{ type ipv4_addr . ipv4_addr; }', dynamic: false });
  for (const n of [names.serviceIPs, names.nodePorts, names.nodePortIPs, names.hairpin, names.backends])
    rs.elements.set(n, new Map());
  for (const ip of s.nodeIPs) rs.elements.get(names.nodePortIPs)!.set(ip, ip);
}

/**
 * Rules that DNAT to one of `eps`, uniformly at random; with affinity, a client remembered for an
 * endpoint goes back to it first, and every pick (re)arms the client's entry in that endpoint's set.
 */
function selection(rs: Fragment, sp: ServicePortInfo, eps: readonly ProxyEndpoint[]): string[] {
  const proto = sp.protocol.toLowerCase();
  const rules: string[] = [];
  const aff = sp.affinitySeconds > 0;
  if (aff) {
    for (const e of eps) {
      const set = affinitySetName(sp, e);
      rs.sets.set(set, {
        kind: 'set',
        spec: `{ type ipv4_addr; flags dynamic,timeout; timeout ${sp.affinitySeconds}s; }`,
        dynamic: true,
      });
      rules.push(
        `meta l4proto ${proto} ip saddr @${set} update @${set} { ip saddr } dnat to ${e.ip}:${e.port}`,
      );
    }
  }
  eps.forEach((e, i) => {
    const left = eps.length - i;
    const pick = left > 1 ? `numgen random mod ${left} == 0 ` : '';
    const remember = aff ? ` update @${affinitySetName(sp, e)} { ip saddr }` : '';
    rules.push(`${pick}meta l4proto ${proto}${remember} dnat to ${e.ip}:${e.port}`);
  });
  return rules;
}

/**
 * What one service port contributes: its chains, its affinity sets, and its elements of the shared
 * maps and sets as [set, key, text]. Fragments are cached per ServicePortInfo object, so a sync
 * re-renders only the ports whose Service or EndpointSlices changed.
 */
interface Fragment {
  chains: Map<string, ChainDef>;
  sets: Map<string, SetDef>;
  elements: [string, string, string][];
}

/** What a fragment depends on besides its port: the cluster CIDR and the shared-pick limit. */
interface FragmentContext {
  cidr: string | undefined;
  max: number;
}

function servicePortRules(rs: Fragment, ctx: FragmentContext, sp: ServicePortInfo): void {
  const { cidr, max } = ctx;
  const { svc, ext, fw } = chainNames(sp);
  const proto = sp.protocol.toLowerCase();
  const serviceIPs = names.serviceIPs;
  const setElement = (set: string, key: string, verdict: string): void => {
    rs.elements.push([set, key, `${key} : ${verdict}`]);
  };

  const internal = usableEndpoints(sp.endpoints, sp.internalLocal);
  if (isSharedPort(sp, internal.length, max)) {
    if (sp.clusterIP) {
      const key = `${sp.clusterIP} . ${proto} . ${sp.port}`;
      setElement(serviceIPs, key, `goto ${internal.length ? pickChain(internal.length) : names.reject}`);
      internal.forEach((e, i) => setElement(names.backends, `${key} . ${i}`, `${e.ip} . ${e.port}`));
    }
  } else {
    const svcRules = cidr ? [`ip saddr != ${cidr} jump ${names.markForMasquerade}`] : [];
    svcRules.push(...(internal.length ? selection(rs, sp, internal) : [`goto ${names.reject}`]));
    rs.chains.set(svc, { rules: svcRules });
    if (sp.clusterIP) setElement(serviceIPs, `${sp.clusterIP} . ${proto} . ${sp.port}`, `goto ${svc}`);
  }

  const external = sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
  if (!external) return;
  const extRules: string[] = [];
  if (!sp.externalLocal) {
    const all = usableEndpoints(sp.endpoints, false);
    extRules.push(`jump ${names.markForMasquerade}`);
    extRules.push(...(all.length ? selection(rs, sp, all) : [`goto ${names.reject}`]));
  } else {
    // Local policy keeps the client address, so only this node's endpoints qualify. Pods and the
    // node itself are not "external": they take the ClusterIP path (masqueraded when from the node).
    if (cidr) extRules.push(`ip saddr ${cidr} goto ${svc}`);
    extRules.push(`fib saddr type local jump ${names.markForMasquerade}`, `fib saddr type local goto ${svc}`);
    const local = usableEndpoints(sp.endpoints, true);
    extRules.push(...(local.length ? selection(rs, sp, local) : ['drop']));
  }
  rs.chains.set(ext, { rules: extRules });
  for (const ip of sp.externalIPs) setElement(serviceIPs, `${ip} . ${proto} . ${sp.port}`, `goto ${ext}`);
  if (sp.nodePort !== undefined) setElement(names.nodePorts, `${proto} . ${sp.nodePort}`, `goto ${ext}`);
  if (sp.loadBalancerIPs.length === 0) return;
  let lbTarget = ext;
  const ranges = sp.loadBalancerSourceRanges.flatMap((r) => {
    try {
      return [parseIpv4Cidr(r).text];
    } catch {
      return [];
    }
  });
  if (sp.loadBalancerSourceRanges.length > 0) {
    // Any range given (even one this proxy cannot read) closes the address to everyone else.
    rs.chains.set(fw, { rules: [...ranges.map((r) => `ip saddr ${r} goto ${ext}`), 'drop'] });
    lbTarget = fw;
  }
  for (const ip of sp.loadBalancerIPs)
    setElement(serviceIPs, `${ip} . ${proto} . ${sp.port}`, `goto ${lbTarget}`);
}

/**
 * Memo of rendered fragments, keyed by ServicePortInfo object identity; valid for one cluster CIDR
 * and shared-pick limit (`context`). Only a speed-up: rendering with or without it gives the same
 * Ruleset.
 */
export interface RenderCache {
  context?: string;
  fragments: WeakMap<ServicePortInfo, Fragment>;
  /** The last render, which the next one patches when few ports changed and the settings did not. */
  last?: LastRender;
}

interface LastRender {
  rs: Ruleset;
  settings: string;
  /** The ports in the order given, and by id (with each id's position in `order`). */
  order: readonly ServicePortInfo[];
  index: Map<string, number>;
  ports: Map<string, ServicePortInfo>;
  /** How many fragments claim each element, so a shared element outlives one claimant. */
  claims: Claims;
}

/** Claim counts by set, then element key. */
type Claims = Map<string, Map<string, number>>;

/**
 * What a patched render touched relative to `base` (the render it started from): every chain, set
 * and element key that may differ. diffTransaction looks only at these when diffing from `base`.
 */
export interface RenderPatch {
  base: Ruleset;
  chains: Set<string>;
  sets: Set<string>;
  elements: Map<string, Set<string>>;
}

const patches = new WeakMap<Ruleset, RenderPatch>();

/** The patch a Ruleset was rendered as, if it was patched from an earlier render. */
export function patchOf(rs: Ruleset): RenderPatch | undefined {
  return patches.get(rs);
}

/** An empty RenderCache. */
export function renderCache(): RenderCache {
  return { fragments: new WeakMap() };
}

function fragmentOf(sp: ServicePortInfo, ctx: FragmentContext, cache: RenderCache | undefined): Fragment {
  let f = cache?.fragments.get(sp);
  if (!f) {
    f = { chains: new Map(), sets: new Map(), elements: [] };
    servicePortRules(f, ctx, sp);
    for (const e of sp.endpoints) f.elements.push([names.hairpin, `${e.ip} . ${e.ip}`, `${e.ip} . ${e.ip}`]);
    cache?.fragments.set(sp, f);
  }
  return f;
}

/**
 * Renders the whole table for `st`. Pure: the same state gives the same Ruleset (chain and set
 * objects of unchanged ports are shared with earlier renders through `cache`, which lets the diff
 * skip them by identity). When two ports claim the same map key, the first by id wins.
 */
export function renderRuleset(st: ProxyState, cache?: RenderCache): Ruleset {
  const cidr = st.settings.clusterCIDR ? parseIpv4Cidr(st.settings.clusterCIDR).text : undefined;
  const ctx: FragmentContext = { cidr, max: st.settings.sharedPickMax ?? defaultSharedPickMax };
  const context = `${cidr ?? ''}|${ctx.max}`;
  if (cache && cache.context !== context) {
    cache.context = context;
    cache.fragments = new WeakMap();
    cache.last = undefined;
  }
  const settings = JSON.stringify(st.settings);
  if (cache?.last && cache.last.settings === settings) {
    const patched = patchRender(cache, cache.last, st, ctx);
    if (patched) return patched;
  }
  const rs: Ruleset = { table: st.settings.table, chains: new Map(), sets: new Map(), elements: new Map() };
  fixedChains(rs, st);
  const sorted = [...st.services].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ports = new Map<string, ServicePortInfo>();
  const claims: Claims = new Map();
  for (const sp of sorted) {
    ports.set(sp.id, sp);
    const f = fragmentOf(sp, ctx, cache);
    for (const [name, def] of f.chains) rs.chains.set(name, def);
    for (const [name, def] of f.sets) rs.sets.set(name, def);
    for (const [set, key, text] of f.elements) {
      const m = rs.elements.get(set)!;
      if (!m.has(key)) m.set(key, text);
      let cm = claims.get(set);
      if (!cm) claims.set(set, (cm = new Map()));
      cm.set(key, (cm.get(key) ?? 0) + 1);
    }
  }
  // Two ports with one id cannot be told apart by a patch: such a state is always rendered whole.
  if (cache)
    cache.last =
      ports.size === sorted.length ? lastRender(rs, settings, st.services, ports, claims) : undefined;
  return rs;
}

function lastRender(
  rs: Ruleset,
  settings: string,
  order: readonly ServicePortInfo[],
  ports: Map<string, ServicePortInfo>,
  claims: Claims,
): LastRender {
  const index = new Map<string, number>();
  order.forEach((sp, i) => index.set(sp.id, i));
  return { rs, settings, order: order.slice(), index, ports, claims };
}

/** A copy of `m` (forEach: no entry arrays made, unlike `new Map(m)`). */
function copyMap<K, V>(m: Map<K, V>): Map<K, V> {
  const out = new Map<K, V>();
  m.forEach((v, k) => out.set(k, v));
  return out;
}

/**
 * The render of `st` as the last render with only the changed ports' fragments swapped, or
 * undefined when a whole render is due (many changes, or an element claimed by two ports with
 * different text, where "first by id wins" needs the whole order). Gives the same Ruleset a whole
 * render would; the maps of `last.rs` are copied, never changed.
 */
function patchRender(
  cache: RenderCache,
  last: LastRender,
  st: ProxyState,
  ctx: FragmentContext,
): Ruleset | undefined {
  // Usually the ports come in the order of the last render (informer stores keep their order):
  // then a walk by position finds the changes without building a map of every port.
  let changed: string[] = [];
  let ports = last.ports;
  let i = 0;
  if (st.services.length === last.order.length) {
    for (; i < st.services.length; i++) {
      const sp = st.services[i]!;
      const was = last.order[i]!;
      if (sp === was) continue;
      if (sp.id !== was.id) break;
      changed.push(sp.id);
    }
  }
  if (i < st.services.length || st.services.length !== last.order.length) {
    changed = [];
    ports = new Map();
    for (const sp of st.services) {
      if (ports.has(sp.id)) return undefined;
      ports.set(sp.id, sp);
      if (last.ports.get(sp.id) !== sp) changed.push(sp.id);
    }
    for (const id of last.ports.keys()) if (!ports.has(id)) changed.push(id);
  }
  if (changed.length > 64 && changed.length * 4 > st.services.length) return undefined;
  const prev = last.rs;
  const rs: Ruleset = {
    table: prev.table,
    chains: copyMap(prev.chains),
    sets: copyMap(prev.sets),
    elements: copyMap(prev.elements),
  };
  const patch: RenderPatch = { base: prev, chains: new Set(), sets: new Set(), elements: new Map() };
  // Claims are counted in place; on a bail-out the undo log puts them back.
  const claims = last.claims;
  const undo: [Map<string, number>, string, number | undefined][] = [];
  const counts = (set: string): Map<string, number> => {
    let cm = claims.get(set);
    if (!cm) claims.set(set, (cm = new Map()));
    return cm;
  };
  const claim = (cm: Map<string, number>, key: string, c: number): void => {
    undo.push([cm, key, cm.get(key)]);
    if (c > 0) cm.set(key, c);
    else cm.delete(key);
  };
  const bail = (): undefined => {
    for (let u = undo.length - 1; u >= 0; u--) {
      const [cm, key, c] = undo[u]!;
      if (c === undefined) cm.delete(key);
      else cm.set(key, c);
    }
    return undefined;
  };
  const elems = (set: string, key: string): Map<string, string> => {
    let touched = patch.elements.get(set);
    if (!touched) patch.elements.set(set, (touched = new Set()));
    touched.add(key);
    let m = rs.elements.get(set)!;
    if (m === prev.elements.get(set)) rs.elements.set(set, (m = copyMap(m)));
    return m;
  };
  const byId = (id: string): ServicePortInfo | undefined =>
    ports === last.ports ? st.services[last.index.get(id)!] : ports.get(id);
  for (const id of changed) {
    const old = last.ports.get(id);
    if (!old) continue;
    const f = fragmentOf(old, ctx, cache);
    for (const name of f.chains.keys()) {
      rs.chains.delete(name);
      patch.chains.add(name);
    }
    for (const name of f.sets.keys()) {
      rs.sets.delete(name);
      patch.sets.add(name);
    }
    for (const [set, key] of f.elements) {
      const cm = counts(set);
      const c = (cm.get(key) ?? 0) - 1;
      claim(cm, key, c);
      if (c > 0) {
        if (set !== names.hairpin) return bail(); // hairpin pairs read the same whoever claims them
        continue;
      }
      elems(set, key).delete(key);
    }
  }
  for (const id of changed) {
    const sp = byId(id);
    if (!sp) continue;
    const f = fragmentOf(sp, ctx, cache);
    for (const [name, def] of f.chains) {
      rs.chains.set(name, def);
      patch.chains.add(name);
    }
    for (const [name, def] of f.sets) {
      rs.sets.set(name, def);
      patch.sets.add(name);
    }
    for (const [set, key, text] of f.elements) {
      const cm = counts(set);
      const c = cm.get(key) ?? 0;
      claim(cm, key, c + 1);
      if (c > 0) {
        if (rs.elements.get(set)!.get(key) !== text) return bail();
        continue;
      }
      elems(set, key).set(key, text);
    }
  }
  if (ports === last.ports) {
    for (const id of changed) ports.set(id, byId(id)!);
    cache.last = { ...last, rs, order: st.services.slice() };
  } else cache.last = lastRender(rs, last.settings, st.services, ports, claims);
  patches.set(rs, patch);
  return rs;
}
