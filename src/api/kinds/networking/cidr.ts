/**
 * CIDR parsing for NetworkPolicy ipBlocks: whether a string is a CIDR, and whether one block lies
 * strictly inside another. Addresses become BigInts so IPv4 and IPv6 share one code path.
 */
import { isIPv4, isIPv6 } from '../../validation/names.ts';

export interface Cidr {
  family: 4 | 6;
  /** The address with host bits cleared. */
  network: bigint;
  prefix: number;
}

function ipv4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBig(ip: string): bigint {
  let text = ip;
  const groups: number[] = [];
  const lastColon = text.lastIndexOf(':');
  let tail: number[] = [];
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4ToBig(text.slice(lastColon + 1));
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    text = text.slice(0, lastColon + 1) + '0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  if (tail.length) (rest === undefined ? left : right).pop();
  const fill = 8 - left.length - right.length - tail.length;
  groups.push(...left, ...new Array<number>(rest === undefined ? 0 : fill).fill(0), ...right, ...tail);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses `addr/prefix`; undefined when it is not a valid CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : undefined;
  if (!family) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const addr = family === 4 ? ipv4ToBig(ip) : ipv6ToBig(ip);
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family, network: addr & mask, prefix };
}

/** True when `inner` lies inside `outer` and is smaller than it. */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const bits = inner.family === 4 ? 32 : 128;
  const mask = ((1n << BigInt(outer.prefix)) - 1n) << BigInt(bits - outer.prefix);
  return (inner.network & mask) === outer.network;
}
