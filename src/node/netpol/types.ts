/**
 * What NetworkPolicy enforcement reads from the API — the parts of NetworkPolicy
 * (networking.k8s.io/v1), Pod and Namespace it uses, with Kubernetes' field names — and the
 * resolved model (model.ts) that the nftables rules are rendered from (ruleset.ts). Objects travel
 * as plain JSON; these types only name what is read.
 */
import type { KubeObject } from '../../api/object.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** metav1.LabelSelector: absent matches nothing, empty ({}) matches everything. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface NetworkPolicyPort {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicy extends KubeObject {
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
}

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: { name?: string; ports?: ContainerPort[] }[];
    initContainers?: { name?: string; ports?: ContainerPort[] }[];
  };
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[] };
}

export type Namespace = KubeObject;

/** An inclusive range of IPv4 addresses as unsigned 32-bit numbers. */
export type AddrRange = readonly [lo: number, hi: number];

/** An inclusive port range of one protocol. */
export interface PortRange {
  protocol: Protocol;
  first: number;
  last: number;
}

/** A named nft set of peer addresses (disjoint, sorted ranges), shared by every pod one rule covers. */
export interface AddressSet {
  name: string;
  ranges: AddrRange[];
}

/** One exact destination (address, protocol, port): what an egress named port resolves to. */
export interface Triple {
  ip: number;
  protocol: Protocol;
  port: number;
}

/** A named nft set of destination triples (egress rules with named ports). */
export interface TripleSet {
  name: string;
  items: Triple[];
}

/**
 * One way traffic may pass, from one NetworkPolicy rule. The traffic passes when the peer address
 * is in `peers` (absent: any address) and its protocol/port in `ports` (absent: anything,
 * ICMP included); or, for a `triples` clause, when (peer address, protocol, port) is one of them.
 */
export interface Clause {
  peers?: AddressSet;
  ports?: PortRange[];
  triples?: TripleSet;
  /** "namespace/policy ingress[i]" — names the rule in comments and test output. */
  origin: string;
}

/**
 * What one pod of this node admits. `ingress` (`egress`) absent: not isolated in that direction,
 * everything passes; present: only traffic matching one of the clauses passes (none: deny all).
 */
export interface PodRules {
  ip: number;
  key: string;
  ingress?: Clause[];
  egress?: Clause[];
}

/** The whole input of rule rendering for one node. */
export interface NetpolModel {
  pods: PodRules[];
}
