/**
 * When a CronJob should have run: the most recent scheduled time not yet acted on, how many were
 * missed, how long to sleep until the next one, and the name a run's Job gets. Scheduled times are
 * the schedule's runs after the last one acted on (status.lastScheduleTime, or the CronJob's
 * creation) up to now.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { CronSchedule } from './schedule.ts';
import type { CronJob } from './types.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Missed runs beyond this raise the TooManyMissedTimes warning (Kubernetes' limit). */
export const maxMissedSchedules = 100;

/** Look again this long after the next run time, so the wake-up lands after it, not just before. */
export const requeueSlackMs = 100;

/** The Job of the run scheduled at `scheduledMs`: `<cronjob>-<minutes since the epoch>`. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / MINUTE)}`;
}

/** RFC 3339 in UTC with whole seconds, as status times are written. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's RFC 1123 with a numeric zone, as Kubernetes words the MissSchedule event. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
  );
}

function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** What is due for a CronJob at `now`. */
export interface DueRuns {
  /** The latest scheduled time in (earliest, now], if any. */
  mostRecent?: number;
  /**
   * Scheduled times in that window — counted only inside startingDeadlineSeconds when it is set,
   * and only up to maxMissedSchedules + 1.
   */
  missed: number;
}

/** The latest run of `s` in (after, now], found by searching back from now in growing windows. */
export function latestRun(s: CronSchedule, after: number, now: number): number | undefined {
  for (const window of [HOUR, DAY, 32 * DAY, 366 * DAY, Infinity]) {
    const start = Math.max(after, now - window);
    let t = s.next(start);
    if (t === undefined || t > now) {
      if (start === after) return undefined;
      continue;
    }
    for (let n = s.next(t); n !== undefined && n <= now; n = s.next(t)) t = n;
    return t;
  }
  return undefined;
}

/** The runs due for `cj` at `now` under schedule `s` (see DueRuns). */
export function dueRuns(cj: DeepReadonly<CronJob>, now: number, s: CronSchedule): DueRuns {
  const earliest = parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? now;
  const deadline = cj.spec.startingDeadlineSeconds;
  const countFrom = deadline == null ? earliest : Math.max(earliest, now - deadline * 1000);
  let missed = 0;
  let last: number | undefined;
  for (let t = s.next(countFrom); t !== undefined && t <= now; t = s.next(t)) {
    last = t;
    if (++missed > maxMissedSchedules) break;
  }
  const exact = missed <= maxMissedSchedules && countFrom === earliest;
  const mostRecent = exact ? last : latestRun(s, earliest, now);
  return { mostRecent, missed };
}

/** Milliseconds from `now` until just after the next run, or undefined if there is none. */
export function requeueDelay(s: CronSchedule, now: number): number | undefined {
  const next = s.next(now);
  return next === undefined ? undefined : next - now + requeueSlackMs;
}
