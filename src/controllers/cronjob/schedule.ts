/**
 * CronJob schedules: parse a five-field cron line (or a macro) plus an optional IANA time zone, and
 * answer "when is the next run strictly after this instant?".
 *
 * Runs are found by iterating wall-clock times in the schedule's zone and mapping them to instants,
 * one stretch of constant UTC offset at a time. Around DST transitions:
 *  - a wall time that does not exist (clocks jump forward) runs as far past the jump as it was
 *    into the gap: "30 2 * * *" in America/New_York runs at 03:30 EDT on the spring-forward day;
 *  - a wall time that happens twice (clocks go back) runs once, at its first occurrence — unless the
 *    schedule runs every hour (hour field `*`), which then keeps running in real time through the
 *    repeated hour, so "every 15 minutes" means every 15 minutes.
 * The same rules as Vixie cron's, and they make a daily job run exactly once a day.
 */
import { CronSyntaxError, dayMatches, parseCronFields, type CronFields } from './cron-fields.ts';
import { zoneFor, type Zone } from './zone.ts';

export { CronSyntaxError } from './cron-fields.ts';
export { UnknownTimeZoneError } from './zone.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Farther back than any DST shift: transitions this close before a start still shape what follows. */
const LOOKBACK = 3 * HOUR;
/** How far ahead to look; a Feb 29 schedule can wait 8 years (2096 → 2104). */
const HORIZON = 10 * 366 * DAY;

/** A parsed schedule in its time zone. */
export interface CronSchedule {
  /** The schedule as written. */
  readonly spec: string;
  readonly fields: CronFields;
  readonly zone: Zone;
  /** The first run strictly after `afterMs` (ms since the epoch), or undefined if none within ten years. */
  next(afterMs: number): number | undefined;
}

/**
 * The smallest whole minute `w` ≥ `from` of naive wall-clock time (ms, read as UTC fields) that the
 * fields match, or undefined past `limit`.
 */
export function nextWallTime(f: CronFields, from: number, limit: number): number | undefined {
  let t = Math.ceil(from / MINUTE) * MINUTE;
  while (t <= limit) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth();
    const day = d.getUTCDate();
    const h = d.getUTCHours();
    if (!f.month.values[mo + 1]) {
      t = Date.UTC(y, mo + 1, 1);
      continue;
    }
    if (!dayMatches(f, day, d.getUTCDay())) {
      t = Date.UTC(y, mo, day + 1);
      continue;
    }
    if (!f.hour.values[h]) {
      t = Date.UTC(y, mo, day, h + 1);
      continue;
    }
    const m = d.getUTCMinutes();
    const next = f.minute.values.indexOf(true, m);
    if (next < 0) {
      t = Date.UTC(y, mo, day, h + 1);
      continue;
    }
    return Date.UTC(y, mo, day, h, next);
  }
  return undefined;
}

class Schedule implements CronSchedule {
  readonly spec: string;
  readonly fields: CronFields;
  readonly zone: Zone;
  /** Each matching wall time runs once (first occurrence) — see the file comment. */
  private readonly wallOnce: boolean;

  constructor(spec: string, fields: CronFields, zone: Zone) {
    this.spec = spec;
    this.fields = fields;
    this.zone = zone;
    this.wallOnce = !fields.hour.all;
  }

  next(afterMs: number): number | undefined {
    const first = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
    if (this.zone.fixed) return nextWallTime(this.fields, first, first + HORIZON);
    return this.walk(first);
  }

  /**
   * Walks stretches of constant offset from a little before `first`. In each, the first matching
   * wall time maps to one candidate instant; the earliest candidate ≥ `first` wins. A stretch ending
   * in a forward jump also owns the wall times inside the gap (mapped with its own offset).
   */
  private walk(first: number): number | undefined {
    const z = this.zone;
    const limit = first + HORIZON;
    let u = first - LOOKBACK;
    let wallFloor = -Infinity; // wall times below this already happened (wallOnce only)
    let best: number | undefined;
    const min = (c: number): number => (best === undefined ? c : Math.min(best, c));
    for (;;) {
      const o = z.offset(u);
      const from = Math.max(Math.max(u, first) + o, this.wallOnce ? wallFloor : -Infinity);
      const w = nextWallTime(this.fields, from, limit + o);
      if (w === undefined) return best;
      const cand = w - o;
      // Common case: the same offset at the candidate and hours before it — no transition in play.
      if (z.offset(cand) === o && (cand - LOOKBACK <= u || z.offset(cand - LOOKBACK) === o)) return min(cand);
      const change = z.nextChange(u, cand);
      if (change === undefined) return min(cand);
      const o2 = z.offset(change);
      const wallEnd = change + (this.wallOnce ? Math.max(o, o2) : o);
      if (w < wallEnd) best = min(cand);
      if (best !== undefined && best <= change) return best;
      if (this.wallOnce) wallFloor = Math.max(wallFloor, change + o);
      u = change;
    }
  }
}

/**
 * Parses `spec` (five fields or a macro) for `timeZone` (an IANA name; UTC when absent). Throws
 * CronSyntaxError or UnknownTimeZoneError with a message fit for an event or an API error.
 */
export function parseSchedule(spec: string, timeZone?: string): CronSchedule {
  return new Schedule(spec, parseCronFields(spec), zoneFor(timeZone));
}

/** Why `spec` cannot be parsed, or undefined when it can. */
export function scheduleError(spec: string): string | undefined {
  try {
    parseCronFields(spec);
    return undefined;
  } catch (err) {
    if (err instanceof CronSyntaxError) return err.message;
    throw err;
  }
}
