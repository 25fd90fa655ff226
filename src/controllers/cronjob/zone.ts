/**
 * Time zones for CronJob schedules, from the IANA database Node carries (Intl): the UTC offset in
 * effect at an instant, where the offset next changes (a DST transition), and RFC 3339 timestamps
 * written in the zone. Offsets are cached per minute, since a schedule search asks about the same
 * few instants many times.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A time zone name Intl does not know. */
export class UnknownTimeZoneError extends Error {
  override name = 'UnknownTimeZoneError';
}

/** The offsets of one zone. */
export interface Zone {
  /** The IANA name, or `UTC`. */
  readonly name: string;
  /** True when the offset never changes (UTC): callers may skip transition handling. */
  readonly fixed: boolean;
  /** Wall-clock time minus UTC, in ms, at instant `ms`. */
  offset(ms: number): number;
  /**
   * The first whole minute in (from, to] whose offset differs from the offset at `from`, or
   * undefined if there is none. Assumes transitions are more than a day apart (true of every zone).
   */
  nextChange(from: number, to: number): number | undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(name: string): Intl.DateTimeFormat {
  let f = formatters.get(name);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UnknownTimeZoneError(`unknown time zone ${name}`);
    }
    formatters.set(name, f);
  }
  return f;
}

const utcNames = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'Etc/Zulu', 'Etc/GMT', 'GMT', 'Zulu']);

const utc: Zone = {
  name: 'UTC',
  fixed: true,
  offset: () => 0,
  nextChange: () => undefined,
};

class IanaZone implements Zone {
  readonly name: string;
  readonly fixed = false;
  private readonly fmt: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(name: string) {
    this.name = name;
    this.fmt = formatter(name);
  }

  offset(ms: number): number {
    const minute = Math.floor(ms / MINUTE);
    let off = this.cache.get(minute);
    if (off === undefined) {
      off = this.compute(minute * MINUTE);
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(minute, off);
    }
    return off;
  }

  private compute(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(ms))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wall - ms;
  }

  nextChange(from: number, to: number): number | undefined {
    const base = this.offset(from);
    let lo = Math.floor(from / MINUTE) * MINUTE;
    for (;;) {
      const probe = Math.min(lo + DAY, to);
      if (this.offset(probe) !== base) {
        let hi = Math.floor(probe / MINUTE) * MINUTE;
        // Invariant: offset(lo) === base, offset(hi) !== base.
        while (hi - lo > MINUTE) {
          const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
          if (this.offset(mid) === base) lo = mid;
          else hi = mid;
        }
        return hi;
      }
      if (probe >= to) return undefined;
      lo = probe;
    }
  }
}

const zones = new Map<string, Zone>();

/** The zone called `name` (UTC when absent); throws UnknownTimeZoneError for a name Intl lacks. */
export function zoneFor(name?: string): Zone {
  if (name === undefined || utcNames.has(name)) return utc;
  let z = zones.get(name);
  if (!z) {
    z = new IanaZone(name);
    zones.set(name, z);
  }
  return z;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `ms` as RFC 3339 in `zone`, whole seconds: `2025-03-09T03:00:00-04:00`, or `...Z` in UTC. */
export function formatInZone(ms: number, zone: Zone): string {
  const off = zone.offset(ms);
  const d = new Date(Math.floor(ms / 1000) * 1000 + off);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (off === 0 && zone.fixed) return `${date}T${time}Z`;
  const m = Math.round(Math.abs(off) / MINUTE);
  return `${date}T${time}${off < 0 ? '-' : '+'}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}
