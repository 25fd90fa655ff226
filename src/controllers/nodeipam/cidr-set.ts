/**
 * The pod address plan of a cluster: the cluster CIDR cut into equal node subnets (a /16 into 256
 * /24s by default), with a record of which are taken. It is plain memory, rebuilt from the Nodes'
 * spec.podCIDR at start, so the API objects stay the only truth. IPv4 only.
 */

/** An IPv4 network: first address (as an unsigned 32-bit number) and prefix length. */
export interface Ipv4Net {
  base: number;
  bits: number;
}

/** Parses "a.b.c.d/n"; throws a message naming the value when it is not an IPv4 CIDR. */
export function parseIpv4Cidr(cidr: string): Ipv4Net {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits > 32)
    throw new Error(`invalid CIDR ${JSON.stringify(cidr)} (want an IPv4 range such as 10.244.0.0/16)`);
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  return { base: (ip & maskOf(bits)) >>> 0, bits };
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
}

/** "a.b.c.d/n" of a network. */
export function formatIpv4Cidr(n: Ipv4Net): string {
  const b = n.base;
  return `${[b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.')}/${n.bits}`;
}

/** Node subnets of one cluster CIDR: allocate the next free one, occupy known ones, release. */
export class CidrSet {
  readonly cluster: Ipv4Net;
  readonly subnetBits: number;
  /** Number of subnets the cluster CIDR holds. */
  readonly size: number;
  private readonly used: Uint8Array;
  private inUse = 0;
  private next = 0;

  constructor(clusterCidr: string, subnetBits: number) {
    this.cluster = parseIpv4Cidr(clusterCidr);
    if (!Number.isInteger(subnetBits) || subnetBits < this.cluster.bits || subnetBits > 32)
      throw new Error(
        `node CIDR mask size /${subnetBits} does not fit in the cluster CIDR ${clusterCidr}: it must be between /${this.cluster.bits} and /32`,
      );
    if (subnetBits - this.cluster.bits > 20)
      throw new Error(
        `node CIDR mask size /${subnetBits} cuts ${clusterCidr} into more than 2^20 subnets; use a larger mask`,
      );
    this.subnetBits = subnetBits;
    this.size = 2 ** (subnetBits - this.cluster.bits);
    this.used = new Uint8Array(this.size);
  }

  /** Subnets handed out. */
  get allocated(): number {
    return this.inUse;
  }

  /** The index of `cidr`'s first subnet and how many subnets it spans, or undefined if outside the range. */
  private span(cidr: string): { first: number; count: number } | undefined {
    let net: Ipv4Net;
    try {
      net = parseIpv4Cidr(cidr);
    } catch {
      return undefined;
    }
    // A network wider than the cluster range, or one starting outside it, is not ours.
    if (net.bits < this.cluster.bits) return undefined;
    if ((net.base & maskOf(this.cluster.bits)) >>> 0 !== this.cluster.base) return undefined;
    const shift = 32 - this.subnetBits;
    const first = Math.floor((net.base - this.cluster.base) / 2 ** shift);
    const count = net.bits >= this.subnetBits ? 1 : 2 ** (this.subnetBits - net.bits);
    return { first, count };
  }

  /** True when `cidr` lies inside the cluster CIDR (so this set accounts for it). */
  contains(cidr: string): boolean {
    return this.span(cidr) !== undefined;
  }

  /**
   * Marks every subnet `cidr` overlaps as taken (a Node restored at start, or one that brought its
   * own podCIDR). Returns false when `cidr` is outside the cluster CIDR.
   */
  occupy(cidr: string): boolean {
    const s = this.span(cidr);
    if (!s) return false;
    for (let i = s.first; i < s.first + s.count; i++) {
      if (!this.used[i]) this.inUse++;
      this.used[i] = 1;
    }
    return true;
  }

  /** True when some subnet `cidr` overlaps is taken. */
  isTaken(cidr: string): boolean {
    const s = this.span(cidr);
    if (!s) return false;
    for (let i = s.first; i < s.first + s.count; i++) if (this.used[i]) return true;
    return false;
  }

  /**
   * The next free subnet, searching on from the last one handed out (so a just-released subnet is
   * not given to the next node at once), or undefined when every subnet is taken.
   */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.size; i++) {
      const idx = (this.next + i) % this.size;
      if (this.used[idx]) continue;
      this.used[idx] = 1;
      this.inUse++;
      this.next = (idx + 1) % this.size;
      const base = (this.cluster.base + idx * 2 ** (32 - this.subnetBits)) >>> 0;
      return formatIpv4Cidr({ base, bits: this.subnetBits });
    }
    return undefined;
  }

  /** Frees the subnets `cidr` overlaps (its Node was deleted). */
  release(cidr: string): void {
    const s = this.span(cidr);
    if (!s) return;
    for (let i = s.first; i < s.first + s.count; i++) {
      if (this.used[i]) this.inUse--;
      this.used[i] = 0;
    }
  }
}
