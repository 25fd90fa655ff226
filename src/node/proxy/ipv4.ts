/**
 * IPv4 addresses and CIDR blocks as 32-bit numbers: parsing, membership and enumeration. The proxy
 * programs IPv4 only (see docs/service-proxy.md), so this is all the address arithmetic it needs.
 */

/** A parsed IPv4 CIDR block; `base` is the network address with host bits cleared. */
export interface Ipv4Cidr {
  readonly text: string;
  readonly base: number;
  readonly prefix: number;
}

/** The address as an unsigned 32-bit number, or undefined when `text` is not dotted-quad IPv4. */
export function parseIpv4(text: string): number | undefined {
  // A character loop rather than split and regexes: the model parses every endpoint address.
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return undefined;
      octet = octet * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (octet > 255) return undefined;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return undefined;
  return n * 256 + octet;
}

/** Dotted-quad text of a 32-bit number. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True when `text` is an IPv4 address. */
export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d/n" (a bare address counts as /32); throws with the text on anything else. */
export function parseIpv4Cidr(text: string): Ipv4Cidr {
  const [addr, len, extra] = text.trim().split('/');
  const ip = parseIpv4(addr ?? '');
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (ip === undefined || extra !== undefined || !(prefix >= 0 && prefix <= 32))
    throw new Error(`not an IPv4 CIDR: ${JSON.stringify(text)}`);
  const base = (ip & maskOf(prefix)) >>> 0;
  return { text: `${formatIpv4(base)}/${prefix}`, base, prefix };
}

/** True when `ip` (text or number) lies inside `cidr`. */
export function cidrContains(cidr: Ipv4Cidr, ip: string | number): boolean {
  const n = typeof ip === 'number' ? ip : parseIpv4(ip);
  if (n === undefined) return false;
  return (n & maskOf(cidr.prefix)) >>> 0 === cidr.base;
}

/**
 * The addresses of `cidr` that may be handed out: all of them for /31 and /32, otherwise every
 * address but the network and broadcast ones. Lazily, in ascending order.
 */
export function* usableAddresses(cidr: Ipv4Cidr): Generator<string> {
  const size = 2 ** (32 - cidr.prefix);
  const first = cidr.prefix >= 31 ? 0 : 1;
  const last = cidr.prefix >= 31 ? size - 1 : size - 2;
  for (let i = first; i <= last; i++) yield formatIpv4(cidr.base + i);
}
