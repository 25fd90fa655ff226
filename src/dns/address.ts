/**
 * IP addresses as DNS carries them: the 4 or 16 bytes of A/AAAA rdata, their canonical text
 * (RFC 5952 for IPv6, so the same address always reads the same and indexes by one key), and the
 * reverse names PTR lookups use (in-addr.arpa, nibble-wise ip6.arpa).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The 4 bytes of a dotted IPv4 address, or undefined when it is not one. */
export function ipv4Bytes(text: string): Buffer | undefined {
  if (!isIPv4(text)) return undefined;
  return Buffer.from(text.split('.').map(Number));
}

/** The 16 bytes of an IPv6 address (with `::` and an IPv4 tail allowed), or undefined. */
export function ipv6Bytes(text: string): Buffer | undefined {
  if (!isIPv6(text)) return undefined;
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const out = Buffer.alloc(16);
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = ipv4Bytes(v4[1]!)!;
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    s = s.slice(0, -v4[1]!.length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const words = (p: string | undefined): number[] =>
    p
      ? p
          .split(':')
          .filter((w) => w !== '')
          .map((w) => parseInt(w, 16))
      : [];
  const front = words(head);
  const back = [...words(rest), ...tail];
  const all =
    rest === undefined && !s.endsWith('::')
      ? [...front, ...back]
      : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  if (all.length !== 8) return undefined;
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** Dotted text of 4 bytes at `off`. */
export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text of 16 bytes at `off`: lower case, longest run (≥ 2) of zero words as `::`. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + i * 2]! << 8) | b[off + i * 2 + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(w);
  return `${hex(w.slice(0, bestAt))}::${hex(w.slice(bestAt + bestLen))}`;
}

/** The canonical text of an IPv4 or IPv6 address (the index key), or undefined when it is neither. */
export function canonicalIP(text: string): string | undefined {
  if (isIPv4(text)) return formatIPv4(ipv4Bytes(text)!);
  const b = ipv6Bytes(text);
  return b ? formatIPv6(b) : undefined;
}

/**
 * The address a reverse name stands for (`4.3.2.1.in-addr.arpa` → 1.2.3.4, 32 nibbles under
 * ip6.arpa → IPv6), or undefined when the name is not a complete reverse name. Case-insensitive.
 */
export function addressOfReverseName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.in-addr.arpa')) {
    const parts = lower.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255))
      return undefined;
    return parts.reverse().join('.');
  }
  if (lower.endsWith('.ip6.arpa')) {
    const nibbles = lower.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const b = Buffer.from(nibbles.reverse().join(''), 'hex');
    return formatIPv6(b);
  }
  return undefined;
}

/** The reverse name of an address (PTR owner), or undefined when `ip` is not an address. */
export function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const b = ipv6Bytes(ip);
  if (!b) return undefined;
  return `${[...b.toString('hex')].reverse().join('.')}.ip6.arpa`;
}
