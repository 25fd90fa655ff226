/**
 * NetworkPolicy rules as data: a pure function from a NetpolModel to a Ruleset (the service proxy's
 * representation, so its transaction writer — full and incremental — is reused) for one nftables
 * table of family `inet`.
 *
 * Packet path. A base chain on the forward hook accepts replies (`ct state established,related`),
 * then dispatches new connections through two verdict maps: `ingress-pods` (daddr → `jump in-<ip>`)
 * and `egress-pods` (saddr → `jump eg-<ip>`), one entry per isolated pod of this node. A pod chain
 * holds one rule per allowed (peers, ports) clause ending in `return` — so a packet between two
 * local pods passes the destination's ingress chain and then the source's egress chain — and ends
 * in the deny verdict. Peers are named interval sets (one per policy rule, shared by every pod the
 * policy selects), so a pod or label change updates set elements, not chains. Egress rules with
 * named ports use sets of (address . protocol . port) instead, as the port differs per peer.
 *
 * Traffic the node itself originates (kubelet probes, host-network pods) takes the output hook and
 * is never filtered, as Kubernetes requires for the pod's own node.
 */
import type { ChainDef, Ruleset, SetDef } from '../proxy/ruleset.ts';
import { formatIpv4, rangeText } from './addr.ts';
import type { Clause, NetpolModel, PortRange } from './types.ts';

/** Node-wide settings of the rules. */
export interface NetpolSettings {
  /** nft table (family inet). */
  table: string;
  /** When set, only traffic to (from) pods through this interface is dispatched, e.g. "cni0". */
  bridge?: string;
  /** What happens to denied traffic: silently dropped (default) or refused (TCP reset / ICMP). */
  deny?: 'drop' | 'reject';
}

/** Names of the fixed chains and maps. */
export const names = {
  forward: 'forward',
  ingressPods: 'ingress-pods',
  egressPods: 'egress-pods',
} as const;

/** The chain holding one pod's rules for one direction. */
export function podChain(dir: 'ingress' | 'egress', ip: number): string {
  return `${dir === 'ingress' ? 'in' : 'eg'}-${formatIpv4(ip).replaceAll('.', '-')}`;
}

function portMatch(p: PortRange): string {
  const proto = `meta l4proto ${p.protocol.toLowerCase()}`;
  if (p.first === 0 && p.last === 65535) return proto;
  return `${proto} th dport ${p.first === p.last ? p.first : `${p.first}-${p.last}`}`;
}

function clauseRules(c: Clause, addr: string): string[] {
  const comment = ` comment ${JSON.stringify(c.origin)}`;
  if (c.triples) return [`${addr} . meta l4proto . th dport @${c.triples.name} return${comment}`];
  const peer = c.peers ? `${addr} @${c.peers.name} ` : '';
  if (!c.ports) return [`${peer}return${comment}`];
  return c.ports.map((p) => `${peer}${portMatch(p)} return${comment}`);
}

function denyRules(deny: NetpolSettings['deny']): string[] {
  if (deny === 'reject')
    return ['meta l4proto tcp reject with tcp reset', 'reject with icmpx admin-prohibited'];
  return ['drop'];
}

/** The whole table for the model. Sets referenced by several pods are emitted once. */
export function renderRuleset(model: NetpolModel, s: NetpolSettings): Ruleset {
  const chains = new Map<string, ChainDef>();
  const sets = new Map<string, SetDef>();
  const elements = new Map<string, Map<string, string>>();
  const vmap = { kind: 'map' as const, spec: '{ type ipv4_addr : verdict; }', dynamic: false };
  sets.set(names.ingressPods, vmap);
  sets.set(names.egressPods, vmap);
  const inMap = new Map<string, string>();
  const egMap = new Map<string, string>();
  elements.set(names.ingressPods, inMap);
  elements.set(names.egressPods, egMap);
  const addrSet = { kind: 'set' as const, spec: '{ type ipv4_addr; flags interval; }', dynamic: false };
  const tripleSet = {
    kind: 'set' as const,
    spec: '{ type ipv4_addr . inet_proto . inet_service; }',
    dynamic: false,
  };

  const useSets = (c: Clause): void => {
    if (c.peers && !sets.has(c.peers.name)) {
      sets.set(c.peers.name, addrSet);
      elements.set(c.peers.name, new Map(c.peers.ranges.map((r) => [rangeText(r), rangeText(r)])));
    }
    if (c.triples && !sets.has(c.triples.name)) {
      sets.set(c.triples.name, tripleSet);
      const items = c.triples.items.map(
        (t) => `${formatIpv4(t.ip)} . ${t.protocol.toLowerCase()} . ${t.port}`,
      );
      elements.set(c.triples.name, new Map(items.map((e) => [e, e])));
    }
  };

  for (const pod of model.pods) {
    for (const dir of ['ingress', 'egress'] as const) {
      const clauses = pod[dir];
      if (!clauses) continue;
      const chain = podChain(dir, pod.ip);
      const addr = dir === 'ingress' ? 'ip saddr' : 'ip daddr';
      const rules: string[] = [];
      for (const c of clauses) {
        useSets(c);
        rules.push(...clauseRules(c, addr));
      }
      rules.push(...denyRules(s.deny));
      chains.set(chain, { rules });
      (dir === 'ingress' ? inMap : egMap).set(formatIpv4(pod.ip), `${formatIpv4(pod.ip)} : jump ${chain}`);
    }
  }

  const oif = s.bridge ? `oifname ${JSON.stringify(s.bridge)} ` : '';
  const iif = s.bridge ? `iifname ${JSON.stringify(s.bridge)} ` : '';
  chains.set(names.forward, {
    spec: '{ type filter hook forward priority filter; policy accept; }',
    rules: [
      'ct state established,related accept',
      `${oif}ip daddr vmap @${names.ingressPods}`,
      `${iif}ip saddr vmap @${names.egressPods}`,
    ],
  });
  return { table: s.table, chains, sets, elements };
}

/**
 * Rewrites transaction text of the proxy's writer (which names tables as `ip NAME`) for an `inet`
 * table: only the table reference of each line changes, never rule text.
 */
export function asInet(text: string, table: string): string {
  if (text === '') return text;
  const from = ` ip ${table}`;
  return text
    .split('\n')
    .map((line) => line.replace(from, ` inet ${table}`))
    .join('\n');
}

/** The transaction that removes the table (succeeds when there is none). */
export function deleteTableText(table: string): string {
  return `add table inet ${table}\ndelete table inet ${table}\n`;
}
