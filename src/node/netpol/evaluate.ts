/**
 * Reads a NetpolModel the way the kernel reads the rendered rules: whether a pod admits a peer
 * address, protocol and port in one direction, and whether a new connection between two addresses
 * passes this node (egress of the source, ingress of the destination, each only when it is one of
 * this node's isolated pods). Used by the tests to state the semantics as tables, and handy for
 * explaining a verdict.
 */
import { rangesContain } from './addr.ts';
import type { Clause, NetpolModel, PodRules } from './types.ts';

/** A connection attempt as seen by a rule: `protocol` may be "ICMP" (no port). */
export interface Flow {
  peer: number;
  protocol: string;
  port?: number;
}

/** Whether one clause lets the flow pass. */
export function clauseAdmits(c: Clause, f: Flow): boolean {
  if (c.triples)
    return c.triples.items.some((t) => t.ip === f.peer && t.protocol === f.protocol && t.port === f.port);
  if (c.peers && !rangesContain(c.peers.ranges, f.peer)) return false;
  if (!c.ports) return true;
  return c.ports.some(
    (p) => p.protocol === f.protocol && f.port !== undefined && f.port >= p.first && f.port <= p.last,
  );
}

/** Whether the pod admits the flow in `dir` (everything when not isolated in that direction). */
export function podAdmits(rules: PodRules | undefined, dir: 'ingress' | 'egress', f: Flow): boolean {
  const clauses = rules?.[dir];
  if (!clauses) return true;
  return clauses.some((c) => clauseAdmits(c, f));
}

/** Whether a new connection src → dst:port passes the rules of this node. */
export function connectionAllowed(
  model: NetpolModel,
  src: number,
  dst: number,
  protocol: string,
  port?: number,
): boolean {
  const bySrc = model.pods.find((p) => p.ip === src);
  const byDst = model.pods.find((p) => p.ip === dst);
  return (
    podAdmits(bySrc, 'egress', { peer: dst, protocol, port }) &&
    podAdmits(byDst, 'ingress', { peer: src, protocol, port })
  );
}
