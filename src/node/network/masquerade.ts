/**
 * Pod egress masquerading: traffic from this node's pods to anything outside the cluster's pod
 * network leaves with the node's address, while pod-to-pod traffic across nodes keeps the pod's
 * own source address (the CNI bridge's ipMasq is turned off for that reason: it would NAT
 * everything that leaves the node's own pod CIDR). The rule lives in an nft table of its own
 * (`ip berth-podnet`), rewritten atomically in one `nft -f` transaction, so applying it again is
 * harmless and nothing else in the ruleset is touched.
 */
import { parseCidr } from '../containerd/cni-config.ts';
import { run } from './exec.ts';
import type { Runner } from './routes.ts';

/** The nft table (family ip) the pod network owns. */
export const MASQUERADE_TABLE = 'berth-podnet';

export interface MasqueradeOptions {
  /** This node's pod CIDR (the sources to masquerade). */
  podCidr: string;
  /** The whole pod network (destinations that keep the pod's address), e.g. 10.244.0.0/16. */
  clusterCidr: string;
  table?: string;
}

/**
 * The nft script: create-then-delete-then-define makes it idempotent and atomic (nft applies a
 * file as one transaction, and `delete table` of a table that did not exist would fail alone).
 */
export function masqueradeScript(o: MasqueradeOptions): string {
  parseCidr(o.podCidr);
  checkCidr(o.clusterCidr);
  const t = o.table ?? MASQUERADE_TABLE;
  return [
    `table ip ${t}`,
    `delete table ip ${t}`,
    `table ip ${t} {`,
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    `\t\tip saddr ${o.podCidr} ip daddr != ${o.clusterCidr} ip daddr != 224.0.0.0/4 masquerade`,
    '\t}',
    '}',
    '',
  ].join('\n');
}

/** The script that removes the table (and does nothing when it is absent). */
export function unmasqueradeScript(table = MASQUERADE_TABLE): string {
  return `table ip ${table}\ndelete table ip ${table}\n`;
}

function checkCidr(cidr: string): void {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!m || Number(m[2]) > 32 || m[1]!.split('.').some((o) => Number(o) > 255))
    throw new Error(`invalid cluster CIDR "${cidr}" (want IPv4 a.b.c.d/N)`);
}

/** Applies (or re-applies) the masquerade table. */
export async function applyMasquerade(
  o: MasqueradeOptions & { netns?: string; runner?: Runner },
): Promise<void> {
  await (o.runner ?? run)(['nft', '-f', '-'], { input: masqueradeScript(o), netns: o.netns });
}

/** Removes the masquerade table. */
export async function removeMasquerade(
  o: { table?: string; netns?: string; runner?: Runner } = {},
): Promise<void> {
  await (o.runner ?? run)(['nft', '-f', '-'], { input: unmasqueradeScript(o.table), netns: o.netns });
}
