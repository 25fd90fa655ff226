/**
 * IPv4 range arithmetic for peer sets: an ipBlock becomes its CIDR's range minus its `except`
 * blocks, and a rule's peers become one sorted list of disjoint ranges, which is what an nft
 * interval set accepts (it rejects overlapping elements). Overlapping ranges are merged; merely
 * adjacent ones are kept apart, so one pod coming or going changes one set element, not a merged run.
 * IPv4 only, like the rest of the node's networking.
 */
import { formatIpv4, parseIpv4, parseIpv4Cidr } from '../proxy/ipv4.ts';
import type { AddrRange } from './types.ts';

/** The range a CIDR covers, or undefined when `text` is not an IPv4 CIDR (e.g. an IPv6 block). */
export function cidrRange(text: string): AddrRange | undefined {
  if (!text.includes('.') || text.includes(':')) return undefined;
  try {
    const c = parseIpv4Cidr(text);
    return [c.base, c.base + 2 ** (32 - c.prefix) - 1];
  } catch {
    return undefined;
  }
}

/** The ranges of `cidr` left after removing every `except` block; [] when cidr is not IPv4. */
export function ipBlockRanges(cidr: string, except: readonly string[] = []): AddrRange[] {
  const whole = cidrRange(cidr);
  if (!whole) return [];
  let out: AddrRange[] = [whole];
  for (const e of except) {
    const cut = cidrRange(e);
    if (!cut) continue;
    const next: AddrRange[] = [];
    for (const [lo, hi] of out) {
      if (cut[1] < lo || cut[0] > hi) {
        next.push([lo, hi]);
        continue;
      }
      if (cut[0] > lo) next.push([lo, cut[0] - 1]);
      if (cut[1] < hi) next.push([cut[1] + 1, hi]);
    }
    out = next;
  }
  return out;
}

/** Sorted, with overlapping ranges merged (adjacent ones stay separate). */
export function normalizeRanges(ranges: readonly AddrRange[]): AddrRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** True when `ip` lies in one of the ranges. */
export function rangesContain(ranges: readonly AddrRange[], ip: number): boolean {
  return ranges.some(([lo, hi]) => ip >= lo && ip <= hi);
}

/** nft element text of a range: "a.b.c.d" for one address, "a.b.c.d-e.f.g.h" otherwise. */
export function rangeText([lo, hi]: AddrRange): string {
  return lo === hi ? formatIpv4(lo) : `${formatIpv4(lo)}-${formatIpv4(hi)}`;
}

/** The address as a number, or undefined when it is not IPv4. */
export function ipv4Number(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseIpv4(text);
}

export { formatIpv4 };
