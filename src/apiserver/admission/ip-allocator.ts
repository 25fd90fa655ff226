/**
 * Allocators for Service cluster IPs (from the service CIDR) and node ports (from a port range). The
 * allocation state is derived from the stored Services at start and kept in memory; a single API
 * server process owns it (the SQLite datastore admits one), so allocate-then-write cannot race.
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

/** Hands out integers from [first, last], never the same twice until released. */
export class RangeAllocator {
  readonly first: number;
  readonly last: number;
  private readonly used = new Set<number>();
  private next: number;

  /** `startAt` is where the round-robin search begins (Service IPs leave a low band for static ones). */
  constructor(first: number, last: number, startAt = first) {
    this.first = first;
    this.last = last;
    this.next = Math.min(Math.max(startAt, first), last);
  }

  has(n: number): boolean {
    return this.used.has(n);
  }

  contains(n: number): boolean {
    return n >= this.first && n <= this.last;
  }

  /** Marks n used; false when it is taken or out of range. */
  claim(n: number): boolean {
    if (!this.contains(n) || this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  /** The next free value (round robin, so a released value is not reused at once), or undefined when full. */
  allocateNext(): number | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const n = this.first + ((this.next - this.first + i) % span);
      if (!this.used.has(n)) {
        this.used.add(n);
        this.next = n + 1 > this.last ? this.first : n + 1;
        return n;
      }
    }
    return undefined;
  }

  release(n: number): void {
    this.used.delete(n);
  }

  usedCount(): number {
    return this.used.size;
  }
}
