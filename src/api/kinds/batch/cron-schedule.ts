/**
 * Checks CronJob schedules and time zones the way the Kubernetes API accepts them: five standard
 * cron fields (minute hour day-of-month month day-of-week; `*`, `?`, lists, ranges, steps, month
 * and weekday names, day-of-week 7 as Sunday like Vixie cron) or a macro (@yearly … @hourly), and
 * an IANA zone name. `@every` and `@reboot` are refused: the CronJob controller (which computes the
 * run times, src/controllers/cronjob/schedule.ts) cannot honour them, so the API says so up front.
 */

interface FieldBounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const weekdays: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const fields: FieldBounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 7, names: weekdays }, // 7 is Sunday too
];

const macros = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function parseNumber(text: string, bounds: FieldBounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^-?\d+$/.test(text)) return `failed to parse int from ${text}: invalid syntax`;
  const n = Number(text);
  if (n < 0) return `negative number (${n}) not allowed: ${text}`;
  return n;
}

function checkRange(expr: string, bounds: FieldBounds): string | undefined {
  const stepParts = expr.split('/');
  if (stepParts.length > 2) return `too many slashes: ${expr}`;
  const rangeParts = stepParts[0].split('-');
  if (rangeParts.length > 2) return `too many hyphens: ${expr}`;
  let start: number;
  let end: number;
  if (stepParts[0] === '*' || stepParts[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    const a = parseNumber(rangeParts[0], bounds);
    if (typeof a === 'string') return a;
    start = a;
    if (rangeParts.length === 2) {
      const b = parseNumber(rangeParts[1], bounds);
      if (typeof b === 'string') return b;
      end = b;
    } else {
      end = a;
    }
  }
  if (stepParts.length === 2) {
    const step = parseNumber(stepParts[1], { min: 0, max: Number.MAX_SAFE_INTEGER });
    if (typeof step === 'string') return step;
    if (step === 0) return `step of range should be a positive number: ${expr}`;
    // "N/step" means from N to the end of the field.
    if (rangeParts.length === 1 && stepParts[0] !== '*' && stepParts[0] !== '?') end = bounds.max;
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

/** Why a schedule is not valid, or undefined when it is. */
export function cronScheduleError(schedule: string): string | undefined {
  const spec = schedule.trim();
  if (spec === '') return 'empty spec string';
  if (spec.startsWith('@')) {
    if (spec === '@every' || spec.startsWith('@every '))
      return '@every is not supported: write the interval as five fields, e.g. "*/5 * * * *" for every 5 minutes';
    if (spec === '@reboot') return '@reboot is not supported: a CronJob has no boot to run at';
    return macros.has(spec) ? undefined : `unrecognized descriptor: ${spec}`;
  }
  const parts = spec.split(/\s+/);
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const expr of parts[i].split(',')) {
      const err = checkRange(expr, fields[i]);
      if (err) return err;
    }
  }
  return undefined;
}

const zoneSegment = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** Why a time zone name is not usable for a CronJob, or undefined when it is a known IANA zone. */
export function timeZoneError(zone: string): string | undefined {
  if (zone === '') return 'timeZone must be nil or non-empty string';
  if (zone.toLowerCase() === 'local')
    return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  const unknown = `unknown time zone ${zone}`;
  if (!zone.split('/').every((seg) => zoneSegment.test(seg))) return unknown;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return unknown;
  }
  // Intl matches names case-insensitively; the zone database (and Kubernetes) does not.
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return unknown;
  return undefined;
}
