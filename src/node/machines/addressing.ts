/**
 * IPv4 arithmetic for the machines' shared subnet: the host bridge takes the first address (the
 * machines' gateway) and each machine the lowest address no other machine holds.
 */

/** A parsed IPv4 subnet. */
export interface Subnet {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
  /** Canonical `a.b.c.d/N`. */
  cidr: string;
}

/** a.b.c.d → number, or undefined when not an IPv4 address. */
export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

/** number → a.b.c.d */
export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/N` (N from 16 to 29: room for a gateway and machines); throws a one-line error. */
export function parseSubnet(cidr: string): Subnet {
  const [ip, bits, extra] = cidr.split('/');
  const addr = ipToInt(ip ?? '');
  const prefix = /^\d{1,2}$/.test(bits ?? '') ? Number(bits) : -1;
  if (addr === undefined || extra !== undefined || prefix < 16 || prefix > 29)
    throw new Error(
      `--subnet must be an IPv4 CIDR with a prefix from /16 to /29, got ${JSON.stringify(cidr)}`,
    );
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  const base = (addr & mask) >>> 0;
  return { base, prefix, cidr: `${intToIp(base)}/${prefix}` };
}

/** The bridge's (gateway's) address: the subnet's first host address. */
export function gatewayAddress(s: Subnet): string {
  return intToIp(s.base + 1);
}

/** True when `ip` is inside the subnet. */
export function subnetContains(s: Subnet, ip: string): boolean {
  const n = ipToInt(ip);
  if (n === undefined) return false;
  const mask = (0xffffffff << (32 - s.prefix)) >>> 0;
  return (n & mask) >>> 0 === s.base;
}

/**
 * The lowest host address after the gateway that is not in `used`; throws when the subnet is full
 * (the broadcast address is never handed out).
 */
export function nextFreeAddress(s: Subnet, used: Iterable<string>): string {
  const taken = new Set(used);
  const last = s.base + 2 ** (32 - s.prefix) - 2;
  for (let n = s.base + 2; n <= last; n++) {
    const ip = intToIp(n);
    if (!taken.has(ip)) return ip;
  }
  throw new Error(`no free address left in ${s.cidr}`);
}

/** The address's offset inside the subnet (2 for the first machine), for short device names. */
export function hostIndex(s: Subnet, ip: string): number {
  const n = ipToInt(ip);
  if (n === undefined || !subnetContains(s, ip)) throw new Error(`${ip} is not in ${s.cidr}`);
  return n - s.base;
}
