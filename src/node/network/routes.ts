/**
 * Host-gateway routes to the other nodes' pod CIDRs (`10.244.2.0/24 via 172.30.0.3`), kept in the
 * main routing table under a routing protocol number of their own (250 by default). The agent lists
 * and changes only routes carrying that number, so routes made by anyone else — the kernel, an
 * administrator, another tool — are never touched, and routes a previous run left are found again.
 */
import { isIPv4 } from 'node:net';
import { parseCidr } from '../containerd/cni-config.ts';
import { run, type RunOptions, type RunResult } from './exec.ts';

/** The routing protocol number Berth's pod routes carry (`ip route … proto 250`). */
export const POD_ROUTE_PROTO = 250;

/** One pod-CIDR route: `dst via via`. */
export interface PodRoute {
  dst: string;
  via: string;
}

/** The parts of a Node the pod network looks at. */
export interface NodeLike {
  metadata: { name?: string };
  spec?: { podCIDR?: string };
  status?: { addresses?: ReadonlyArray<{ type: string; address: string }> };
}

/** The Node's first IPv4 InternalIP. */
export function internalIPv4(node: NodeLike): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && isIPv4(a.address))?.address;
}

/** The Node's IPv4 pod CIDR, canonical (host bits cleared), or undefined when none or invalid. */
export function podCidrOf(node: NodeLike): string | undefined {
  const cidr = node.spec?.podCIDR;
  if (!cidr) return undefined;
  try {
    const { base, prefix } = parseCidr(cidr);
    return `${[base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.')}/${prefix}`;
  } catch {
    return undefined;
  }
}

/**
 * The routes this node should have: one per other Node that has both a pod CIDR and an IPv4
 * InternalIP, sorted by destination. A pod CIDR claimed twice goes to the first Node by name; the
 * node's own CIDR and nodes at this node's own address are skipped.
 */
export function desiredPodRoutes(nodes: readonly NodeLike[], self: string, selfIP?: string): PodRoute[] {
  const byDst = new Map<string, PodRoute>();
  const sorted = [...nodes].sort((a, b) => byCodeUnits(a.metadata.name ?? '', b.metadata.name ?? ''));
  const own = sorted.find((n) => n.metadata.name === self);
  const ownCidr = own ? podCidrOf(own) : undefined;
  for (const n of sorted) {
    if (n.metadata.name === self) continue;
    const dst = podCidrOf(n);
    const via = internalIPv4(n);
    if (!dst || !via || dst === ownCidr || via === selfIP || byDst.has(dst)) continue;
    byDst.set(dst, { dst, via });
  }
  return [...byDst.values()].sort((a, b) => byCodeUnits(a.dst, b.dst));
}

/**
 * Plain code-unit order, which for node names and CIDRs (ASCII) is the order `localeCompare` gave.
 * `localeCompare` creates an ICU collator on first use, and the agent would keep ~3 MB of ICU data
 * pages resident for it (docs/memory.md).
 */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What to change to get from `current` to `desired`: routes to (re)write and routes to delete. */
export function planRoutes(
  current: readonly PodRoute[],
  desired: readonly PodRoute[],
): { replace: PodRoute[]; remove: PodRoute[] } {
  const have = new Map(current.map((r) => [r.dst, r.via]));
  const want = new Set(desired.map((r) => r.dst));
  return {
    replace: desired.filter((r) => have.get(r.dst) !== r.via),
    remove: current.filter((r) => !want.has(r.dst)),
  };
}

/** Reads `ip -j route show` output into routes (entries without a gateway are skipped). */
export function parseRoutes(json: string): PodRoute[] {
  const text = json.trim();
  if (!text) return [];
  const rows = JSON.parse(text) as Array<{ dst?: string; gateway?: string }>;
  return rows
    .filter((r) => r.dst && r.gateway)
    .map((r) => ({ dst: r.dst!.includes('/') ? r.dst! : `${r.dst}/32`, via: r.gateway! }));
}

export type Runner = (argv: readonly string[], o?: RunOptions) => Promise<RunResult>;

export interface RouteTableOptions {
  /** Routing protocol number that marks routes as ours (default 250). */
  proto?: number;
  /** Work inside /run/netns/NAME instead of the caller's namespace. */
  netns?: string;
  /** Device to pin routes to (e.g. the host bridge); default: the kernel picks by the gateway. */
  dev?: string;
  /** Test seam: runs the commands. */
  runner?: Runner;
}

/** The routes in one namespace's main table that carry our protocol number. */
export class RouteTable {
  readonly proto: number;
  readonly #o: RouteTableOptions;
  readonly #run: Runner;

  constructor(o: RouteTableOptions = {}) {
    this.#o = o;
    this.proto = o.proto ?? POD_ROUTE_PROTO;
    if (!Number.isInteger(this.proto) || this.proto < 1 || this.proto > 255)
      throw new Error(`routing protocol must be 1..255, got ${this.proto}`);
    this.#run = o.runner ?? run;
  }

  /** Our routes as the kernel has them now. */
  async list(): Promise<PodRoute[]> {
    const r = await this.#run(['ip', '-j', '-4', 'route', 'show', 'proto', String(this.proto)], {
      netns: this.#o.netns,
    });
    return parseRoutes(r.stdout);
  }

  /** Adds the route, or changes the gateway of ours to the same destination. */
  async replace(r: PodRoute): Promise<void> {
    const dev = this.#o.dev ? ['dev', this.#o.dev] : [];
    await this.#run(['ip', 'route', 'replace', r.dst, 'via', r.via, ...dev, 'proto', String(this.proto)], {
      netns: this.#o.netns,
    });
  }

  /** Deletes our route to `dst` (only one carrying our protocol number); gone already is fine. */
  async remove(r: PodRoute): Promise<void> {
    const res = await this.#run(['ip', 'route', 'del', r.dst, 'via', r.via, 'proto', String(this.proto)], {
      netns: this.#o.netns,
      allowFail: true,
    });
    if (res.code !== 0 && !/No such process|not found/i.test(res.stderr))
      throw new Error(`ip route del ${r.dst} via ${r.via}: ${res.stderr.trim()}`);
  }

  /**
   * Makes our routes equal `desired`; returns what changed. Every change is tried; the first error
   * is thrown after the others were attempted (the caller retries the whole sync).
   */
  async sync(desired: readonly PodRoute[]): Promise<{ replaced: PodRoute[]; removed: PodRoute[] }> {
    const plan = planRoutes(await this.list(), desired);
    const errors: unknown[] = [];
    for (const r of plan.remove) await this.remove(r).catch((e: unknown) => errors.push(e));
    for (const r of plan.replace) await this.replace(r).catch((e: unknown) => errors.push(e));
    if (errors.length) throw errors[0];
    return { replaced: plan.replace, removed: plan.remove };
  }
}
