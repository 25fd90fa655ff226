import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronScheduleError } from '../../api/kinds/batch/cron-schedule.ts';
import { dayMatches } from './cron-fields.ts';
import { CronSyntaxError, parseSchedule, scheduleError, UnknownTimeZoneError } from './schedule.ts';
import { zoneFor } from './zone.ts';

const iso = (ms: number | undefined): string =>
  ms === undefined ? 'none' : new Date(ms).toISOString().replace('.000Z', 'Z');

/** The next `n` runs of `spec` after `from`, as UTC ISO strings. */
function runs(spec: string, from: string, n: number, tz?: string): string[] {
  const s = parseSchedule(spec, tz);
  const out: string[] = [];
  let t: number | undefined = Date.parse(from);
  for (let i = 0; i < n && t !== undefined; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

describe('cron schedule: next run times', () => {
  const table: [string, string, string | undefined, string, string[]][] = [
    // [title, spec, timeZone, after, expected runs (UTC)]
    ['*/15', '*/15 * * * *', undefined, '2025-01-01T00:07:00Z', ['00:15', '00:30', '00:45', '01:00']],
    ['strictly after a run', '*/15 * * * *', undefined, '2025-01-01T00:15:00Z', ['00:30']],
    ['mid-minute', '*/15 * * * *', undefined, '2025-01-01T00:14:30Z', ['00:15']],
    [
      'a/step runs to the end',
      '5/15 * * * *',
      undefined,
      '2025-01-01T00:00:00Z',
      ['00:05', '00:20', '00:35', '00:50'],
    ],
    [
      'lists and ranges',
      '0,30 8-9 * * *',
      undefined,
      '2025-01-01T00:00:00Z',
      ['08:00', '08:30', '09:00', '09:30', '+1 08:00'],
    ],
    ['every minute', '* * * * *', undefined, '2025-01-01T23:59:10Z', ['+1 00:00', '+1 00:01']],
  ];
  for (const [title, spec, tz, after, want] of table) {
    it(`${title}: ${spec}`, () => {
      const day = after.slice(0, 10);
      const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
      const expected = want.map((w) =>
        w.startsWith('+1 ') ? `${next}T${w.slice(3)}:00Z` : `${day}T${w}:00Z`,
      );
      assert.deepEqual(runs(spec, after, want.length, tz), expected);
    });
  }

  const dated: [string, string, string, string[], string?][] = [
    [
      'Feb 29 waits for a leap year',
      '0 0 29 2 *',
      '2025-01-01T00:00:00Z',
      ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z'],
    ],
    ['Feb 29 across 2100 (not a leap year)', '0 0 29 2 *', '2096-03-01T00:00:00Z', ['2104-02-29T00:00:00Z']],
    [
      'the 31st skips short months',
      '0 0 31 * *',
      '2025-01-31T00:00:00Z',
      ['2025-03-31T00:00:00Z', '2025-05-31T00:00:00Z', '2025-07-31T00:00:00Z', '2025-08-31T00:00:00Z'],
    ],
    ['Feb 30 never comes', '0 0 30 2 *', '2025-01-01T00:00:00Z', ['none']],
    [
      'day-of-week 7 is Sunday',
      '0 12 * * 7',
      '2025-01-01T00:00:00Z',
      ['2025-01-05T12:00:00Z', '2025-01-12T12:00:00Z'],
    ],
    [
      'a range ending at 7',
      '0 12 * * 5-7',
      '2025-01-01T00:00:00Z',
      ['2025-01-03T12:00:00Z', '2025-01-04T12:00:00Z', '2025-01-05T12:00:00Z', '2025-01-10T12:00:00Z'],
    ],
    [
      'names in any case',
      '0 9 1 jan,JUL *',
      '2025-01-02T00:00:00Z',
      ['2025-07-01T09:00:00Z', '2026-01-01T09:00:00Z'],
    ],
    [
      'weekday names',
      '0 9 * * mon-FRI',
      '2025-01-03T10:00:00Z',
      ['2025-01-06T09:00:00Z', '2025-01-07T09:00:00Z'],
    ],
    ['? is any', '0 0 ? * SUN', '2025-01-01T00:00:00Z', ['2025-01-05T00:00:00Z']],
    [
      'both day fields restricted: OR',
      '0 0 13 * 5',
      '2025-01-01T00:00:00Z',
      ['2025-01-03T00:00:00Z', '2025-01-10T00:00:00Z', '2025-01-13T00:00:00Z', '2025-01-17T00:00:00Z'],
    ],
    [
      'day-of-month *: AND',
      '0 0 * * 1',
      '2025-01-01T00:00:00Z',
      ['2025-01-06T00:00:00Z', '2025-01-13T00:00:00Z'],
    ],
    [
      'day-of-week *: AND',
      '0 0 1-2 * *',
      '2025-01-01T00:00:00Z',
      ['2025-01-02T00:00:00Z', '2025-02-01T00:00:00Z'],
    ],
    [
      '*/2 is not a wildcard: OR',
      '0 0 */2 * 1',
      '2025-01-01T00:00:00Z',
      ['2025-01-03T00:00:00Z', '2025-01-05T00:00:00Z', '2025-01-06T00:00:00Z', '2025-01-07T00:00:00Z'],
    ],
    ['@yearly', '@yearly', '2025-06-01T00:00:00Z', ['2026-01-01T00:00:00Z']],
    ['@annually', '@annually', '2025-06-01T00:00:00Z', ['2026-01-01T00:00:00Z']],
    ['@monthly', '@monthly', '2025-06-01T00:00:00Z', ['2025-07-01T00:00:00Z']],
    ['@weekly (Sunday)', '@weekly', '2025-01-01T00:00:00Z', ['2025-01-05T00:00:00Z']],
    ['@daily', '@daily', '2025-01-01T10:00:00Z', ['2025-01-02T00:00:00Z']],
    ['@midnight', '@midnight', '2025-01-01T10:00:00Z', ['2025-01-02T00:00:00Z']],
    ['@hourly', '@hourly', '2025-01-01T10:30:00Z', ['2025-01-01T11:00:00Z', '2025-01-01T12:00:00Z']],
    // Time zones. Asia/Kolkata is +05:30 all year.
    [
      'a half-hour zone',
      '0 9 * * *',
      '2025-01-01T00:00:00Z',
      ['2025-01-01T03:30:00Z', '2025-01-02T03:30:00Z'],
      'Asia/Kolkata',
    ],
    [
      'New York in winter and summer',
      '0 9 1 1,7 *',
      '2025-01-01T00:00:00Z',
      ['2025-01-01T14:00:00Z', '2025-07-01T13:00:00Z'],
      'America/New_York',
    ],
    // DST in New York: 2025-03-09 02:00 EST → 03:00 EDT (07:00Z); 2025-11-02 02:00 EDT → 01:00 EST (06:00Z).
    [
      'spring forward: a time in the gap runs past the jump',
      '30 2 * * *',
      '2025-03-08T12:00:00Z',
      ['2025-03-09T07:30:00Z', '2025-03-10T06:30:00Z'],
      'America/New_York',
    ],
    [
      'spring forward: every gap time runs once',
      '0,30 2 * * *',
      '2025-03-09T06:00:00Z',
      ['2025-03-09T07:00:00Z', '2025-03-09T07:30:00Z', '2025-03-10T06:00:00Z'],
      'America/New_York',
    ],
    [
      'spring forward: every 30 minutes in real time',
      '*/30 * * * *',
      '2025-03-09T06:00:00Z',
      ['2025-03-09T06:30:00Z', '2025-03-09T07:00:00Z', '2025-03-09T07:30:00Z'],
      'America/New_York',
    ],
    [
      'fall back: a repeated time runs once',
      '30 1 * * *',
      '2025-11-02T04:00:00Z',
      ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'],
      'America/New_York',
    ],
    [
      'fall back: from inside the repeated hour',
      '30 1 * * *',
      '2025-11-02T06:10:00Z',
      ['2025-11-03T06:30:00Z'],
      'America/New_York',
    ],
    [
      'fall back: an hourly schedule keeps running',
      '0 * * * *',
      '2025-11-02T04:30:00Z',
      ['2025-11-02T05:00:00Z', '2025-11-02T06:00:00Z', '2025-11-02T07:00:00Z'],
      'America/New_York',
    ],
    [
      'fall back: minutes of a fixed hour run once',
      '*/20 1 * * *',
      '2025-11-02T04:59:00Z',
      ['2025-11-02T05:00:00Z', '2025-11-02T05:20:00Z', '2025-11-02T05:40:00Z', '2025-11-03T06:00:00Z'],
      'America/New_York',
    ],
    // Europe/Berlin: 2025-03-30 02:00 CET → 03:00 CEST (01:00Z).
    [
      'Berlin spring forward',
      '0 2 * * *',
      '2025-03-29T12:00:00Z',
      ['2025-03-30T01:00:00Z', '2025-03-31T00:00:00Z'],
      'Europe/Berlin',
    ],
    [
      'a yearly run on the repeated hour, a year ahead',
      '30 1 2 11 *',
      '2024-11-10T00:00:00Z',
      ['2025-11-02T05:30:00Z'],
      'America/New_York',
    ],
  ];
  for (const [title, spec, after, want, tz] of dated)
    it(`${title}: ${spec}${tz ? ` in ${tz}` : ''}`, () =>
      assert.deepEqual(runs(spec, after, want.length, tz), want));
});

/**
 * Brute force: walk every minute and keep instants whose wall time matches (first occurrence only
 * unless the hour field is `*`), plus wall times skipped by a forward jump, mapped past it.
 */
function bruteForce(spec: string, tz: string, from: number, to: number): string[] {
  const s = parseSchedule(spec, tz);
  const z = zoneFor(tz);
  const matches = (wall: number): boolean => {
    const d = new Date(wall);
    return (
      s.fields.minute.values[d.getUTCMinutes()] === true &&
      s.fields.hour.values[d.getUTCHours()] === true &&
      s.fields.month.values[d.getUTCMonth() + 1] === true &&
      dayMatches(s.fields, d.getUTCDate(), d.getUTCDay())
    );
  };
  const out = new Set<number>();
  let maxWall = -Infinity;
  for (let u = from - 3 * 3_600_000; u <= to; u += 60_000) {
    const o = z.offset(u);
    const prevOff = z.offset(u - 60_000);
    if (o > prevOff) for (let w = u + prevOff; w < u + o; w += 60_000) if (matches(w)) out.add(w - prevOff);
    const wall = u + o;
    if (matches(wall) && (s.fields.hour.all || wall > maxWall)) out.add(u);
    maxWall = Math.max(maxWall, wall);
  }
  return [...out]
    .filter((t) => t > from && t <= to)
    .sort((a, b) => a - b)
    .map(iso);
}

describe('cron schedule: agrees with a minute-by-minute scan across DST', () => {
  const specs = ['*/7 * * * *', '0,30 1-3 * * *', '15 2 * * *', '*/20 0-2 * * 0', '0 * * * *', '45 1 * * *'];
  const windows: [string, string, string][] = [
    ['America/New_York', '2025-03-08T20:00:00Z', '2025-03-09T12:00:00Z'],
    ['America/New_York', '2025-11-01T20:00:00Z', '2025-11-02T12:00:00Z'],
    ['Europe/Berlin', '2025-10-25T20:00:00Z', '2025-10-26T06:00:00Z'],
    ['Australia/Lord_Howe', '2025-04-05T10:00:00Z', '2025-04-05T20:00:00Z'],
    ['Australia/Sydney', '2025-10-04T12:00:00Z', '2025-10-05T04:00:00Z'],
  ];
  for (const spec of specs)
    for (const [tz, a, b] of windows)
      it(`${spec} in ${tz} from ${a}`, () => {
        const from = Date.parse(a);
        const to = Date.parse(b);
        const got: string[] = [];
        const s = parseSchedule(spec, tz);
        for (let t = s.next(from); t !== undefined && t <= to; t = s.next(t)) got.push(iso(t));
        assert.deepEqual(got, bruteForce(spec, tz, from, to));
      });
});

describe('cron schedule: errors', () => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['* * * *', /expected 5 fields .* found 4/],
    ['* * * * * *', /found 6/],
    ['60 * * * *', /minute: "60" is outside 0-59/],
    ['* 24 * * *', /hour: .* outside 0-23/],
    ['* * 0 * *', /day of month: .* outside 1-31/],
    ['* * * 13 *', /month: .* outside 1-12/],
    ['* * * * 8', /day of week: .* outside 0-7/],
    ['*/0 * * * *', /step .* positive/],
    ['*/x * * * *', /step .* positive/],
    ['5-1 * * * *', /starts after it ends/],
    ['1-2-3 * * * *', /too many hyphens/],
    ['*/2/3 * * * *', /too many slashes/],
    ['x * * * *', /cannot read "x"/],
    ['* * * FOO *', /month: cannot read "FOO"/],
    ['1,,2 * * * *', /empty list item/],
    ['@every 5m', /@every is not supported: write the interval as five fields/],
    ['@reboot', /@reboot is not supported/],
    ['@fortnightly', /unrecognized descriptor "@fortnightly"/],
    ['CRON_TZ=UTC 0 * * * *', /cannot use TZ or CRON_TZ/],
    ['TZ=Europe/Berlin 0 * * * *', /cannot use TZ or CRON_TZ/],
  ];
  for (const [spec, re] of bad)
    it(`refuses ${JSON.stringify(spec)}`, () => {
      assert.throws(
        () => parseSchedule(spec),
        (err: unknown) => err instanceof CronSyntaxError && re.test(err.message),
      );
      assert.match(scheduleError(spec) ?? '', re);
    });

  it('refuses an unknown time zone', () => {
    assert.throws(() => parseSchedule('* * * * *', 'Mars/Olympus_Mons'), UnknownTimeZoneError);
  });

  it('agrees with the API validation on what is valid', () => {
    const specs = [
      '*/5 * * * *',
      '0 0 * * 7',
      '0 12 * * 5-7',
      '15 3 1-15/2 JAN,jun-aug MON-FRI',
      '0 12 ? * sun',
      '@hourly',
      '@weekly',
      '@every 1h',
      '@reboot',
      '@fortnightly',
      '* * * *',
      '60 * * * *',
      '* * * * 8',
      '*/0 * * * *',
      '1,,2 * * * *',
      '',
    ];
    for (const s of specs)
      assert.equal(cronScheduleError(s) === undefined, scheduleError(s) === undefined, s);
  });
});
