/**
 * NetworkPolicy semantics, as a pure function from the API objects to what each pod of this node
 * admits (`buildModel`). The rules followed are Kubernetes':
 *
 * - A policy selects the pods of its own namespace matching spec.podSelector ({} = all of them).
 * - policyTypes defaults to ["Ingress"], plus "Egress" when spec.egress has rules. A pod is isolated
 *   for a direction when any policy selecting it lists that type; rules of a type a policy does not
 *   list are ignored. What an isolated pod admits is the union of the rules of every policy
 *   selecting it; no rules at all is default deny.
 * - A rule's peers: podSelector alone = pods of the policy's namespace; namespaceSelector alone =
 *   every pod of the matching namespaces; both = matching pods in matching namespaces; ipBlock =
 *   its CIDR minus `except`. An empty or absent from/to list = any peer; empty ports = any port
 *   and protocol.
 * - A port entry: protocol (TCP when unset), a number (with endPort: an inclusive range) or a name.
 *   A name is looked up in the *destination* pod's container ports with the same protocol: for
 *   ingress that is the selected pod, for egress each peer pod (so ipBlock or any-destination rules
 *   with a named port match the pods in that range that declare the name). A name no container
 *   declares matches nothing, and a rule whose ports all fail to resolve allows nothing.
 *
 * Pods taking part: not hostNetwork, with an IPv4 pod IP, not Succeeded/Failed. Pods of this node
 * (spec.nodeName) are the ones enforced; peers come from every node. Namespaces always carry the
 * `kubernetes.io/metadata.name` label, as the API server guarantees.
 */
import { createHash } from 'node:crypto';
import { selectorMatches } from '../../api/kinds/apps/label-selector.ts';
import { cidrRange, ipBlockRanges, ipv4Number, normalizeRanges, rangesContain } from './addr.ts';
import type {
  AddrRange,
  Clause,
  LabelSelector,
  Namespace,
  NetpolModel,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Pod,
  PodRules,
  PortRange,
  Protocol,
  Triple,
} from './types.ts';

/** Everything the model depends on. */
export interface ModelInput {
  nodeName: string;
  policies: readonly NetworkPolicy[];
  pods: readonly Pod[];
  namespaces: readonly Namespace[];
  /** When set, pods of this node are enforced only if their IP lies in this block. */
  podCIDR?: string;
}

/** A pod taking part in policy evaluation (as a selected pod or as a peer). */
interface LivePod {
  key: string;
  namespace: string;
  labels: Record<string, string>;
  ip: number;
  local: boolean;
  pod: Pod;
}

const nsNameLabel = 'kubernetes.io/metadata.name';

/** The policy types a policy governs, with Kubernetes' default. */
export function policyTypes(p: NetworkPolicy): { ingress: boolean; egress: boolean } {
  const types = p.spec?.policyTypes;
  if (types && types.length > 0)
    return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: (p.spec?.egress?.length ?? 0) > 0 };
}

/** The pod's IPv4 address (status.podIPs first, then status.podIP), if any. */
export function podIPv4(pod: Pod): number | undefined {
  for (const a of pod.status?.podIPs ?? []) {
    const n = ipv4Number(a.ip);
    if (n !== undefined) return n;
  }
  return ipv4Number(pod.status?.podIP);
}

function livePods(input: ModelInput): LivePod[] {
  const cidr = input.podCIDR ? cidrRange(input.podCIDR) : undefined;
  const out: LivePod[] = [];
  for (const pod of input.pods) {
    if (pod.spec?.hostNetwork) continue;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ip = podIPv4(pod);
    if (ip === undefined) continue;
    const namespace = pod.metadata.namespace ?? 'default';
    let local = pod.spec?.nodeName === input.nodeName;
    if (local && cidr && !rangesContain([cidr], ip)) local = false;
    out.push({
      key: `${namespace}/${pod.metadata.name ?? ''}`,
      namespace,
      labels: pod.metadata.labels ?? {},
      ip,
      local,
      pod,
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Short, stable, name-safe digest of a policy's namespace/name: names its nft sets. */
export function policyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}

/** Port numbers a named port resolves to on one pod (same name and protocol). */
export function namedPortNumbers(pod: Pod, name: string, protocol: Protocol): number[] {
  const out = new Set<number>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])])
    for (const p of c.ports ?? [])
      if (p.name === name && (p.protocol ?? 'TCP') === protocol) out.add(p.containerPort);
  return [...out].sort((a, b) => a - b);
}

/** Numeric entries as ranges; named ones resolved on `dest` when given, dropped otherwise. */
function portRanges(entries: readonly NetworkPolicyPort[], dest: Pod | undefined): PortRange[] {
  const out: PortRange[] = [];
  for (const e of entries) {
    const protocol = e.protocol ?? 'TCP';
    if (e.port === undefined) out.push({ protocol, first: 0, last: 65535 });
    else if (typeof e.port === 'number')
      out.push({ protocol, first: e.port, last: Math.max(e.port, e.endPort ?? e.port) });
    else if (dest)
      for (const n of namedPortNumbers(dest, e.port, protocol)) out.push({ protocol, first: n, last: n });
  }
  return out;
}

/** A rule's peers: `any`, or the pods its selectors pick plus the address ranges of its ipBlocks. */
interface Peers {
  any: boolean;
  pods: LivePod[];
  blocks: AddrRange[];
  ranges: AddrRange[];
}

class Context {
  readonly pods: LivePod[];
  private readonly nsLabels = new Map<string, Record<string, string>>();

  constructor(input: ModelInput) {
    this.pods = livePods(input);
    for (const ns of input.namespaces) {
      const name = ns.metadata.name ?? '';
      this.nsLabels.set(name, { ...(ns.metadata.labels ?? {}), [nsNameLabel]: name });
    }
  }

  namespaceLabels(name: string): Record<string, string> {
    return this.nsLabels.get(name) ?? { [nsNameLabel]: name };
  }

  selected(policy: NetworkPolicy): LivePod[] {
    const ns = policy.metadata.namespace ?? 'default';
    const sel: LabelSelector = policy.spec?.podSelector ?? {};
    return this.pods.filter((p) => p.local && p.namespace === ns && selectorMatches(sel, p.labels));
  }

  peers(list: readonly NetworkPolicyPeer[] | undefined, policyNs: string): Peers {
    if (!list || list.length === 0) return { any: true, pods: [], blocks: [], ranges: [] };
    const pods = new Map<string, LivePod>();
    const blocks: AddrRange[] = [];
    for (const peer of list) {
      if (peer.ipBlock) {
        blocks.push(...ipBlockRanges(peer.ipBlock.cidr, peer.ipBlock.except));
        continue;
      }
      if (!peer.podSelector && !peer.namespaceSelector) continue; // invalid: matches nothing
      const podSel: LabelSelector = peer.podSelector ?? {};
      for (const p of this.pods) {
        const nsOk = peer.namespaceSelector
          ? selectorMatches(peer.namespaceSelector, this.namespaceLabels(p.namespace))
          : p.namespace === policyNs;
        if (nsOk && selectorMatches(podSel, p.labels)) pods.set(p.key, p);
      }
    }
    const podList = [...pods.values()];
    const ranges = normalizeRanges([...podList.map((p): AddrRange => [p.ip, p.ip]), ...blocks]);
    return { any: false, pods: podList, blocks, ranges };
  }
}

/** Triples for the named entries of an egress rule, over the pods the peers cover. */
function egressTriples(ctx: Context, peers: Peers, entries: readonly NetworkPolicyPort[]): Triple[] {
  const named = entries.filter((e): e is NetworkPolicyPort & { port: string } => typeof e.port === 'string');
  if (named.length === 0) return [];
  const candidates = peers.any
    ? ctx.pods
    : [...new Set([...peers.pods, ...ctx.pods.filter((p) => rangesContain(peers.blocks, p.ip))])];
  const out = new Map<string, Triple>();
  for (const p of candidates)
    for (const e of named) {
      const protocol = e.protocol ?? 'TCP';
      for (const port of namedPortNumbers(p.pod, e.port, protocol))
        out.set(`${p.ip}/${protocol}/${port}`, { ip: p.ip, protocol, port });
    }
  return [...out.values()].sort(
    (a, b) =>
      a.ip - b.ip || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) || a.port - b.port,
  );
}

/** What every enforced pod of the node admits, in a stable order (by address). */
export function buildModel(input: ModelInput): NetpolModel {
  const ctx = new Context(input);
  // Keyed by address: should two live pods share one (a stale copy), the stricter union applies.
  const rules = new Map<number, PodRules>();
  const entry = (p: LivePod): PodRules => {
    let r = rules.get(p.ip);
    if (!r) rules.set(p.ip, (r = { ip: p.ip, key: p.key }));
    return r;
  };
  const policies = [...input.policies].sort((a, b) => {
    const ka = `${a.metadata.namespace}/${a.metadata.name}`;
    const kb = `${b.metadata.namespace}/${b.metadata.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  for (const policy of policies) {
    const selected = ctx.selected(policy);
    if (selected.length === 0) continue;
    const ns = policy.metadata.namespace ?? 'default';
    const key = `${ns}/${policy.metadata.name ?? ''}`;
    const h = policyHash(key);
    const types = policyTypes(policy);
    if (types.ingress) {
      for (const p of selected) entry(p).ingress ??= [];
      (policy.spec?.ingress ?? []).forEach((rule, i) => {
        const peers = ctx.peers(rule.from, ns);
        const set = peers.any ? undefined : { name: `pol-${h}-in${i}`, ranges: peers.ranges };
        for (const p of selected) {
          const origin = `${key} ingress[${i}]`;
          if (!rule.ports || rule.ports.length === 0) {
            entry(p).ingress!.push({ peers: set, origin });
            continue;
          }
          const ports = portRanges(rule.ports, p.pod);
          if (ports.length > 0) entry(p).ingress!.push({ peers: set, ports, origin });
        }
      });
    }
    if (types.egress) {
      for (const p of selected) entry(p).egress ??= [];
      (policy.spec?.egress ?? []).forEach((rule, i) => {
        const peers = ctx.peers(rule.to, ns);
        const set = peers.any ? undefined : { name: `pol-${h}-eg${i}`, ranges: peers.ranges };
        const origin = `${key} egress[${i}]`;
        const clauses: Clause[] = [];
        if (!rule.ports || rule.ports.length === 0) clauses.push({ peers: set, origin });
        else {
          const numeric = portRanges(rule.ports, undefined);
          if (numeric.length > 0) clauses.push({ peers: set, ports: numeric, origin });
          if (rule.ports.some((e) => typeof e.port === 'string'))
            clauses.push({
              triples: { name: `pol-${h}-eg${i}-named`, items: egressTriples(ctx, peers, rule.ports) },
              origin,
            });
        }
        for (const p of selected) entry(p).egress!.push(...clauses);
      });
    }
  }
  return { pods: [...rules.values()].sort((a, b) => a.ip - b.ip) };
}
