/**
 * The five fields of a cron schedule (minute hour day-of-month month day-of-week), parsed into the
 * set of values each one matches. Syntax: `*` and `?` (any), numbers, ranges `a-b`, steps `x/n`
 * (`a/n` runs from a to the field's end), comma lists, month names JAN–DEC and weekday names
 * SUN–SAT (any case), day-of-week 7 as Sunday, and the macros @yearly/@annually, @monthly,
 * @weekly, @daily/@midnight and @hourly. `@every`, `@reboot` and a `TZ=`/`CRON_TZ=` prefix are
 * refused with a message saying what to write instead.
 */

/** A schedule that cannot be read; the message says why, for events and API errors. */
export class CronSyntaxError extends Error {
  override name = 'CronSyntaxError';
}

/** One field: `values[v]` is true when value v matches; `star` when it was written as a wildcard. */
export interface CronField {
  readonly values: readonly boolean[];
  /**
   * Written as `*` or `?` (optionally `/1`). Day-of-month and day-of-week combine with OR only
   * when neither is a wildcard, as in Vixie cron and the library Kubernetes uses.
   */
  readonly star: boolean;
  /** Every value of the field's range matches. */
  readonly all: boolean;
}

export interface CronFields {
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
}

interface Bounds {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const bounds: Bounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(monthNames.map((n, i) => [n, i + 1])) },
  // 7 is accepted as Sunday and folded onto 0 after parsing.
  { name: 'day of week', min: 0, max: 7, names: Object.fromEntries(dayNames.map((n, i) => [n, i])) },
];

/** What each supported macro stands for. */
export const cronMacros: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseValue(text: string, b: Bounds, expr: string): number {
  const named = b.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`${b.name}: cannot read "${text}" in "${expr}"`);
  return Number(text);
}

/** Marks the values one comma-separated part matches; returns whether it was a wildcard. */
function parsePart(expr: string, b: Bounds, values: boolean[]): boolean {
  const slash = expr.split('/');
  if (slash.length > 2) throw new CronSyntaxError(`${b.name}: too many slashes in "${expr}"`);
  const [range, stepText] = slash;
  const wildcard = range === '*' || range === '?';
  let lo = b.min;
  let hi = b.max;
  if (!wildcard) {
    const ends = range.split('-');
    if (ends.length > 2) throw new CronSyntaxError(`${b.name}: too many hyphens in "${expr}"`);
    lo = parseValue(ends[0], b, expr);
    hi = ends.length === 2 ? parseValue(ends[1], b, expr) : stepText !== undefined ? b.max : lo;
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
      throw new CronSyntaxError(`${b.name}: the step in "${expr}" must be a positive number`);
    step = Number(stepText);
  }
  if (lo < b.min || hi > b.max)
    throw new CronSyntaxError(`${b.name}: "${expr}" is outside ${b.min}-${b.max}`);
  if (lo > hi) throw new CronSyntaxError(`${b.name}: the range "${expr}" starts after it ends`);
  for (let v = lo; v <= hi; v += step) values[v] = true;
  return wildcard && step === 1;
}

function parseField(text: string, b: Bounds): CronField {
  const values: boolean[] = Array.from({ length: b.max + 1 }, () => false);
  let star = false;
  for (const part of text.split(',')) {
    if (part === '') throw new CronSyntaxError(`${b.name}: empty list item in "${text}"`);
    if (parsePart(part, b, values)) star = true;
  }
  if (b.max === 7) {
    values[0] = values[0] || values[7];
    values.length = 7;
  }
  const all = values.slice(b.min).every(Boolean);
  return { values, star, all };
}

/** Expands a macro; refuses the descriptors a CronJob cannot honour. */
function expandMacro(spec: string): string {
  const fields = cronMacros[spec];
  if (fields) return fields;
  if (spec === '@reboot' || spec.startsWith('@reboot '))
    throw new CronSyntaxError('@reboot is not supported: a CronJob has no boot to run at');
  if (spec === '@every' || spec.startsWith('@every '))
    throw new CronSyntaxError(
      '@every is not supported: write the interval as five fields, e.g. "*/5 * * * *" for every 5 minutes',
    );
  throw new CronSyntaxError(
    `unrecognized descriptor ${JSON.stringify(spec)}: use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly`,
  );
}

/** Parses a schedule into its five fields; throws CronSyntaxError with a readable reason. */
export function parseCronFields(schedule: string): CronFields {
  let spec = schedule.trim();
  if (spec === '') throw new CronSyntaxError('the schedule is empty');
  if (/^(CRON_)?TZ=/.test(spec))
    throw new CronSyntaxError('cannot use TZ or CRON_TZ in schedule, use the timeZone field instead');
  if (spec.startsWith('@')) spec = expandMacro(spec);
  const parts = spec.split(/\s+/);
  if (parts.length !== 5)
    throw new CronSyntaxError(
      `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length} in "${spec}"`,
    );
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, bounds[i]));
  return { minute, hour, dayOfMonth, month, dayOfWeek };
}

/**
 * Whether a calendar day matches: both day fields must match when either is a wildcard, otherwise
 * one of them is enough ("0 0 13 * 5" runs on the 13th and on every Friday).
 */
export function dayMatches(f: CronFields, dayOfMonth: number, dayOfWeek: number): boolean {
  const dom = f.dayOfMonth.values[dayOfMonth] === true;
  const dow = f.dayOfWeek.values[dayOfWeek] === true;
  return f.dayOfMonth.star || f.dayOfWeek.star ? dom && dow : dom || dow;
}
