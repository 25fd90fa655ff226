/**
 * IPv4 helpers for Service cluster IP allocation: the service CIDR as a range of integers, and the
 * conversions between dotted addresses and numbers. The allocation state itself is a RangeAllocation
 * in the datastore (range-allocation.ts).
 */

/** Parses "a.b.c.d/n" into the first address and size; the network and broadcast stay unused. */
export function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid CIDR ${JSON.stringify(cidr)}`);
  const bits = Number(m[5]);
  if (bits < 8 || bits > 30) throw new Error(`CIDR ${cidr}: prefix must be between /8 and /30`);
  const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (ip & mask) >>> 0, size: 2 ** (32 - bits) };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function ipToNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m || m.slice(1).some((x) => Number(x) > 255)) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}
